-- Victims identified per year (ANITP register = the official national count), persons not rows.
with counted as (
    select * from {{ ref('fct_victim_identification') }}
    where is_counted
),

anitp_years as (
    {{ known_years('anitp') }}
),

years as (
    select year from anitp_years
    union
    select distinct identification_year from counted
),

population as (
    select
        year,
        cast(sum(population) as bigint) as population
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
    {{ count_if_known('t.victims', 'anitp_years') }} as victims,
    {{ count_if_known('t.female', 'anitp_years') }} as female,
    {{ count_if_known('t.male', 'anitp_years') }} as male,
    {{ count_if_known('t.sex_unknown', 'anitp_years') }} as sex_unknown,
    {{ count_if_known('t.children', 'anitp_years') }} as children,
    {{ count_if_known('t.adults', 'anitp_years') }} as adults,
    {{ count_if_known('t.age_unknown', 'anitp_years') }} as age_unknown,
    {{ count_if_known('t.domestic', 'anitp_years') }} as domestic,
    {{ count_if_known('t.transnational', 'anitp_years') }} as transnational,
    {{ count_if_known('t.scope_unknown', 'anitp_years') }} as scope_unknown,
    {{ count_if_known('t.romanian_citizens', 'anitp_years') }} as romanian_citizens,
    {{ count_if_known('t.foreign_citizens', 'anitp_years') }} as foreign_citizens,
    p.population,
    coalesce(t.victims, 0) * 100000.0 / p.population as rate_per_100k
from years
left join totals as t using (year)
left join population as p using (year)
