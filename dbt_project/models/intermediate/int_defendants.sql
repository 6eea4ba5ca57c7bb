-- Suspects and defendants in police and DIICOT proceedings, with their case's dates.
select
    keys.person_id,
    events.source_agency,
    events.case_number,
    events.role,
    events.event_date,
    events.offence_codes,
    {{ is_trafficking('events.offence_codes') }} as is_trafficking_offence,
    cases.prosecutor_decision,
    cases.prosecutor_decision_date
from (
    select
        record_id,
        source_agency,
        case_number,
        role,
        event_date,
        {{ offence_codes() }} as offence_codes
    from {{ ref('stg_politie__case_persons') }}
    union all
    select
        record_id,
        source_agency,
        case_number,
        role,
        event_date,
        {{ offence_codes() }} as offence_codes
    from {{ ref('stg_diicot__persons') }}
) as events
inner join {{ ref('int_person_keys') }} as keys using (record_id)
left join {{ ref('stg_diicot__cases') }} as cases
    on events.source_agency = 'diicot' and events.case_number = cases.case_number
where events.role in ('suspect', 'defendant')
