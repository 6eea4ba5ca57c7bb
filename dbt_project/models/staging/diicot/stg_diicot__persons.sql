-- DIICOT (case, person) rows (sheet Persoane), latest extract per period.
with events as (
    {{ latest_extract(source('unified', 'proceedings_event'), 'diicot') }}
)

select
    events.*,
    person.person_key,
    person.sex,
    person.birth_date,
    person.citizenship_code,
    person.residence_county_code
from events
inner join {{ source('unified', 'person_record') }} as person using (record_id)
