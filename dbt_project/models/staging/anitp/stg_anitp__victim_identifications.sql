-- ANITP register, latest extract per period, with the person's attributes.
with episodes as (
    {{ latest_extract(source('unified', 'victim_identification'), 'anitp') }}
)

select
    episodes.*,
    person.person_key,
    person.cnp_status,
    person.sex,
    person.birth_date,
    person.citizenship_code,
    person.residence_county_code
from episodes
inner join {{ source('unified', 'person_record') }} as person using (record_id)
