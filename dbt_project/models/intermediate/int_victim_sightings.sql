-- Victims as each agency saw them: one row per (person, agency, year), latest extracts.
with sightings as (
    select person_id, 'anitp' as agency, identification_year as year
    from {{ ref('int_victim_registrations') }}
    union all
    select keys.person_id, 'police', year(v.identification_date)
    from {{ ref('stg_politie__victims') }} as v
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
    union all
    select keys.person_id, 'prosecution', year(v.identification_date)
    from {{ ref('stg_diicot__victims') }} as v
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
    union all
    select keys.person_id, 'ngo', year(a.programme_entry_date)
    from {{ ref('stg_ong__assistance_episodes') }} as a
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
)

select distinct person_id, agency, year from sightings where year is not null
