-- DIICOT injured parties, latest extract per period, with the person's attributes.
with victims as (
    {{ latest_extract(source('unified', 'victim_identification'), 'diicot') }}
)

select victims.*, person.person_key, person.sex, person.residence_county_code
from victims
inner join {{ source('unified', 'person_record') }} as person using (record_id)
