-- Court decisions, latest extract per period, with the defendant's attributes.
with decisions as (
    {{ latest_extract(source('unified', 'court_decision'), 'instante') }}
)

select decisions.*, person.person_key, person.sex, person.birth_date
from decisions
inner join {{ source('unified', 'person_record') }} as person using (record_id)
