-- Victims per agency side by side, per year (persons, linked by the CNP pseudonym).
select
    cast(year as integer) as year,
    cast(count(distinct person_id) filter (where agency = 'anitp') as bigint) as anitp_register,
    cast(count(distinct person_id) filter (where agency = 'police') as bigint) as police,
    cast(count(distinct person_id) filter (where agency = 'prosecution') as bigint) as prosecution,
    cast(count(distinct person_id) filter (where agency = 'ngo') as bigint) as ngo,
    cast(count(distinct person_id) as bigint) as any_agency
from {{ ref('int_victim_sightings') }}
group by year
