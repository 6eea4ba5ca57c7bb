-- GRETA: victims per citizenship (every country recorded) and year; citizenship_code null =
-- unknown citizenship. The rows of a year add up to its victims.
select
    v.identification_year as year,
    v.citizenship_code,
    coalesce(c.country_name_en, 'Unknown') as country_name,
    cast(count(*) as bigint) as victims
from {{ ref('fct_victim_identification') }} as v
left join {{ ref('dim_country') }} as c on v.citizenship_code = c.country_code
where v.is_counted
group by all
