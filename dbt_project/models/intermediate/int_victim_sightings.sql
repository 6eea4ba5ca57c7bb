-- Victims as each agency saw them: one row per (person, agency, year), latest extracts.
{%- set seen_by = [
    ('police', 'stg_politie__victims', 'identification_date'),
    ('prosecution', 'stg_diicot__victims', 'identification_date'),
    ('ngo', 'stg_ong__assistance_episodes', 'programme_entry_date'),
] %}
with sightings as (
    select
        person_id,
        'anitp' as agency,
        identification_year as year
    from {{ ref('int_victim_registrations') }}
    {%- for agency, model, seen_on in seen_by %}
        union all
        select
            keys.person_id,
            '{{ agency }}' as agency,
            year(seen.{{ seen_on }}) as year
        from {{ ref(model) }} as seen
        inner join {{ ref('int_person_keys') }} as keys using (record_id)
    {%- endfor %}
)

select distinct
    person_id,
    agency,
    year
from sightings
where year is not null
