-- ANITP identification episodes (latest extracts) with their person and counting flags.
-- A person registered more than once in a year is counted once: the earliest episode
-- (ties: lowest record id) carries the attributes used in the tables. Every staging column
-- passes on (hence the wildcard).
with episodes as (
    select
        stg.*,
        keys.person_id,
        year(stg.identification_date) as identification_year
    from {{ ref('stg_anitp__victim_identifications') }} as stg
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
)

select
    *,  -- noqa: AM04
    row_number() over (
        partition by person_id, identification_year order by identification_date, record_id
    ) = 1 as is_counted
from episodes
