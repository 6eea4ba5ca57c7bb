{{ config(meta={'dagster': {'ref': {'name': 'rpt_victims_by_year'}}}) }}
-- The SDG 16.2.2 total row equals the national count. Its population is the table's own basis
-- (Eurostat demo_pjan, not the INS county sum of rpt_victims_by_year), on which female + male
-- and child + adult both equal the total.
with totals as (
    select
        year,
        max(population) filter (where sex = 'total' and age_group = 'total') as total,
        sum(population) filter (where sex in ('F', 'M') and age_group = 'total') as by_sex,
        sum(population) filter (where sex = 'total' and age_group in ('child', 'adult')) as by_age
    from {{ ref('rpt_sdg_16_2_2') }}
    where exploitation_form = 'total' and sdg_form = 'total'
    group by year
)

select y.year
from {{ ref('rpt_victims_by_year') }} as y
inner join {{ ref('rpt_sdg_16_2_2') }} as s
    on
        y.year = s.year
        and s.sex = 'total'
        and s.age_group = 'total'
        and s.exploitation_form = 'total'
        and s.sdg_form = 'total'
inner join totals as t on y.year = t.year
where
    s.victims <> y.victims
    or t.total is distinct from t.by_sex
    or t.total is distinct from t.by_age
