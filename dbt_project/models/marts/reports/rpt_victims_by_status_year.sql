-- Registered victims per year as Eurostat defines them: identified + presumed.
-- identified: persons in the ANITP register identified in the year (the official count, as in
-- rpt_victims_by_year). presumed: persons the police or DIICOT recorded as injured parties, or
-- an NGO assisted, whom no ANITP record (of any year) matches through int_person_keys; each
-- counts once, in the year of their earliest record on any list. 0 where an extract of the
-- police, DIICOT or an NGO covers the year; unknown (null) where none does.
with presumed as (
    select
        first_year as year,
        count(*) as presumed
    from {{ ref('int_victim_persons') }}
    where not on_anitp and first_year is not null
    group by first_year
),

other_years as (
    {{ known_years('politie') }}
    union
    {{ known_years('diicot') }}
    union
    {{ known_years('ong') }}
),

years as (
    select year from {{ ref('rpt_victims_by_year') }}
    union
    select year from presumed
),

counted as (
    select
        years.year,
        identified.victims as identified,
        {{ count_if_known('presumed.presumed', 'other_years') }} as presumed
    from years
    left join {{ ref('rpt_victims_by_year') }} as identified using (year)
    left join presumed using (year)
)

select
    cast(year as integer) as year,
    cast(identified as bigint) as identified,
    cast(presumed as bigint) as presumed,
    cast(identified + presumed as bigint) as registered
from counted
