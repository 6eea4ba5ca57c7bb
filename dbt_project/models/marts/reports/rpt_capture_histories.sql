-- Capture histories for multiple systems estimation: per year and stratum, one row per
-- observed combination of lists (police, DIICOT, ANITP, NGO) with the number of persons.
-- A person counts once, in the year of their earliest record on any list, with every list
-- that recorded them in any year (int_victim_persons). Strata: 'all' (the whole year), and
-- sex, age group and form of exploitation where known (a person with an unknown value is in
-- 'all' only). NGO records carry no age group, so the age strata rest on the other lists.
with persons as (
    select * from {{ ref('int_victim_persons') }}
    where first_year is not null
),

stratified as (
    select
        first_year as year,
        'all' as stratum,
        'all' as stratum_value,
        *
    from persons
    union all
    select
        first_year as year,
        'sex' as stratum,
        sex as stratum_value,
        *
    from persons
    where sex <> 'U'
    union all
    select
        first_year as year,
        'age_group' as stratum,
        age_group as stratum_value,
        *
    from persons
    where age_group <> 'unknown'
    union all
    select
        first_year as year,
        'exploitation_form' as stratum,
        exploitation_form as stratum_value,
        *
    from persons
    where exploitation_form <> 'unknown'
)

select
    cast(year as integer) as year,
    stratum,
    stratum_value,
    cast(on_police as integer) as police,
    cast(on_diicot as integer) as diicot,
    cast(on_anitp as integer) as anitp,
    cast(on_ngo as integer) as ngo,
    cast(count(*) as bigint) as persons
from stratified
group by all
