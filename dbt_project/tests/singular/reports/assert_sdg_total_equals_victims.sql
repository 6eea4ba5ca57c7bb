{{ config(meta={'dagster': {'ref': {'name': 'rpt_victims_by_year'}}}) }}
-- The SDG 16.2.2 total row equals the national count, and so does its population.
select y.year
from {{ ref('rpt_victims_by_year') }} as y
inner join {{ ref('rpt_sdg_16_2_2') }} as s
    on
        y.year = s.year
        and s.sex = 'total'
        and s.age_group = 'total'
        and s.exploitation_form = 'total'
where s.victims <> y.victims or s.population is distinct from y.population
