{{ config(meta={'dagster': {'ref': {'name': 'rpt_victims_by_year'}}}) }}
-- Every victim has exactly one main form: the forms of a year add up to its victims.
select
    y.year,
    y.victims,
    sum(f.victims) as by_form
from {{ ref('rpt_victims_by_year') }} as y
inner join {{ ref('rpt_victims_by_form_year') }} as f using (year)
group by y.year, y.victims
having sum(f.victims) <> y.victims
