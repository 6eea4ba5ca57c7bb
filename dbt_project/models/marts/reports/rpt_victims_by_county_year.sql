-- Victims per county of residence and year; every county every year (0 = none identified).
-- Victims with unknown residence count in the national total only.
with counted as (
    select
        identification_year as year,
        residence_county_code as county_code,
        count(*) as victims
    from {{ ref('fct_victim_identification') }}
    where is_counted and residence_county_code is not null
    group by all
)

select
    years.year,
    county.county_code,
    county.county_name,
    cast(coalesce(counted.victims, 0) as bigint) as victims,
    cast(pop.population as bigint) as population
from (select year from {{ ref('rpt_victims_by_year') }}) as years
cross join {{ ref('dim_county') }} as county
left join counted using (year, county_code)
left join {{ ref('ref_population_county_year') }} as pop
    on years.year = pop.year and county.county_code = pop.iso_3166_2
