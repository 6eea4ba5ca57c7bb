-- Persons known to any agency as victims (or assisted persons), with who saw them.
select
    sightings.person_id,
    -- CNP pseudonyms are bare hex; other persons are 'person:...' or 'record:...'
    not contains(sightings.person_id, ':') as linked_by_cnp,
    cast(min(sightings.year) as integer) as first_year,
    cast(max(sightings.year) as integer) as last_year,
    bool_or(sightings.agency = 'anitp') as seen_by_anitp,
    bool_or(sightings.agency = 'police') as seen_by_police,
    bool_or(sightings.agency = 'prosecution') as seen_by_prosecution,
    bool_or(sightings.agency = 'ngo') as seen_by_ngo,
    cast(count(distinct sightings.agency) as bigint) as agencies
from {{ ref('int_victim_sightings') }} as sightings
group by sightings.person_id
