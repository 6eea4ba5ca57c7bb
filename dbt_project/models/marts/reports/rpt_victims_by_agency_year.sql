-- Victims per agency side by side, per year (persons, linked by the CNP pseudonym).
-- Each person once per year first, then counted: grouping spills to disk where many
-- distinct counts side by side held every year's persons in memory at once.
with

persons as (
    select
        year,
        person_id,
        bool_or(agency = 'anitp') as anitp_register,
        bool_or(agency = 'police') as police,
        bool_or(agency = 'prosecution') as prosecution,
        bool_or(agency = 'ngo') as ngo
    from {{ ref('int_victim_sightings') }}
    group by year, person_id
)

select
    cast(year as integer) as year,
    cast(count(*) filter (where anitp_register) as bigint) as anitp_register,
    cast(count(*) filter (where police) as bigint) as police,
    cast(count(*) filter (where prosecution) as bigint) as prosecution,
    cast(count(*) filter (where ngo) as bigint) as ngo,
    cast(count(*) as bigint) as any_agency
from persons
group by year
