{{ config(meta={'dagster': {'ref': {'name': 'rpt_victims_by_year'}}}) }}
-- Counties hold victims with known residence only: never more than the national total.
select
    y.year,
    y.victims,
    sum(c.victims) as in_counties
from {{ ref('rpt_victims_by_year') }} as y
inner join {{ ref('rpt_victims_by_county_year') }} as c using (year)
group by y.year, y.victims
having sum(c.victims) > y.victims
