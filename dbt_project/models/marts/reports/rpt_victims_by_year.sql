-- Victims identified per year (ANITP register = the official national count), persons not rows.
with counted as (
    select * from {{ ref('fct_victim_identification') }} where is_counted
),

years as (
    select year from ({{ known_years('anitp') }})
    union
    select distinct identification_year from counted
),

population as (
    select year, cast(sum(population) as bigint) as population
    from {{ ref('ref_population_county_year') }}
    group by year
),

totals as (
    select
        identification_year as year,
        count(*) as victims,
        count(*) filter (where sex = 'F') as female,
        count(*) filter (where sex = 'M') as male,
        count(*) filter (where sex = 'U') as sex_unknown,
        count(*) filter (where age_group = 'child') as children,
        count(*) filter (where age_group = 'adult') as adults,
        count(*) filter (where age_group = 'unknown') as age_unknown,
        count(*) filter (where trafficking_scope = 'domestic') as domestic,
        count(*) filter (where trafficking_scope = 'transnational') as transnational,
        count(*) filter (where trafficking_scope = 'unknown') as scope_unknown,
        count(*) filter (where citizenship_code = 'RO') as romanian_citizens,
        count(*) filter (where citizenship_code <> 'RO') as foreign_citizens
    from counted
    group by identification_year
)

select
    cast(years.year as integer) as year,
    cast(coalesce(t.victims, 0) as bigint) as victims,
    cast(coalesce(t.female, 0) as bigint) as female,
    cast(coalesce(t.male, 0) as bigint) as male,
    cast(coalesce(t.sex_unknown, 0) as bigint) as sex_unknown,
    cast(coalesce(t.children, 0) as bigint) as children,
    cast(coalesce(t.adults, 0) as bigint) as adults,
    cast(coalesce(t.age_unknown, 0) as bigint) as age_unknown,
    cast(coalesce(t.domestic, 0) as bigint) as domestic,
    cast(coalesce(t.transnational, 0) as bigint) as transnational,
    cast(coalesce(t.scope_unknown, 0) as bigint) as scope_unknown,
    cast(coalesce(t.romanian_citizens, 0) as bigint) as romanian_citizens,
    cast(coalesce(t.foreign_citizens, 0) as bigint) as foreign_citizens,
    p.population,
    coalesce(t.victims, 0) * 100000.0 / p.population as rate_per_100k
from years
left join totals as t using (year)
left join population as p using (year)
