-- One row per (year, person) recorded as a victim: which agencies recorded them that year.
-- A grouping, not distinct counts side by side: at 10 M rows it spills to disk where those
-- held every year's persons in memory at once.
select
    year,
    person_id,
    bool_or(agency = 'anitp') as seen_by_anitp,
    bool_or(agency = 'police') as seen_by_police,
    bool_or(agency = 'prosecution') as seen_by_prosecution,
    bool_or(agency = 'ngo') as seen_by_ngo
from {{ ref('int_victim_sightings') }}
group by year, person_id
