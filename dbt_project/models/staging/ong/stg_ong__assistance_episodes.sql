-- NGO / IO assistance episodes, latest extract per period, with the person's attributes.
with episodes as (
    {{ latest_extract(source('unified', 'assistance_episode'), 'ong') }}
)

select episodes.*, person.person_key, person.sex, person.residence_county_code
from episodes
inner join {{ source('unified', 'person_record') }} as person using (record_id)
