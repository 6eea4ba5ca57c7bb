-- Sex and citizenship of each suspect or defendant, from every record of the person (police,
-- DIICOT, courts): a value all its known records agree on, else unknown.
with records as (
    select
        record_id,
        sex,
        citizenship_code
    from {{ ref('stg_politie__case_persons') }}
    where role in ('suspect', 'defendant')
    union all
    select
        record_id,
        sex,
        citizenship_code
    from {{ ref('stg_diicot__persons') }}
    where role in ('suspect', 'defendant')
    union all
    select
        record_id,
        sex,
        null as citizenship_code
    from {{ ref('stg_instante__court_decisions') }}
),

per_person as (
    select
        keys.person_id,
        list_distinct(list(records.sex) filter (where records.sex in ('F', 'M'))) as sexes,
        list_distinct(list(records.citizenship_code) filter (
            where records.citizenship_code is not null
        )) as citizenships
    from records
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
    group by keys.person_id
)

select
    person_id,
    case
        when sexes = ['F'] then 'female'
        when sexes = ['M'] then 'male'
        else 'unknown'
    end as sex,
    case when len(citizenships) = 1 then citizenships[1] end as citizenship_code
from per_person
