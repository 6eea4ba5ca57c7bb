-- One row per (case, transition) for the Kaplan-Meier case durations: days from police
-- registration to indictment (or plea agreement) and from indictment to the final decision.
-- A case still open is censored at the latest extract of the agency that would record the
-- next stage (DIICOT for the indictment, the courts for the final decision). A case closed
-- without indictment (dismissal, waiver, police case closed or declined) never reaches it and
-- is left out of the first transition.
with flows as (
    select
        f.flow_id,
        f.police_registration_date,
        f.prosecutor_registration_date,
        f.prosecutor_decision_date,
        f.final_decision_date,
        coalesce(f.prosecutor_decision in ('indictment', 'plea_agreement'), false) as sent,
        coalesce(
            f.prosecutor_decision in ('dismissal', 'waiver_of_prosecution')
            or (f.prosecutor_decision is null and p.police_case_status in ('closed', 'declined')),
            false
        ) as closed_without_indictment
    from {{ ref('fct_case_flow') }} as f
    left join {{ ref('fct_case') }} as p
        on p.case_stage = 'police' and f.police_case_number = p.case_number
),

censor as (
    select
        max(extract_date) filter (where source_agency = 'diicot') as prosecution_extract,
        max(extract_date) filter (where source_agency = 'instante') as court_extract
    from {{ source('ops', 'file_manifest') }}
    where status = 'loaded'
),

stages as (
    select
        flows.flow_id,
        'police_to_indictment' as transition,
        year(flows.police_registration_date) as registration_year,
        flows.police_registration_date as start_date,
        case
            when flows.sent then flows.prosecutor_decision_date else censor.prosecution_extract
        end as end_date,
        flows.sent as event_observed
    from flows
    cross join censor
    where
        flows.police_registration_date is not null
        and not flows.closed_without_indictment
        and (flows.prosecutor_decision_date is not null or not flows.sent)
    union all
    select
        flows.flow_id,
        'indictment_to_final' as transition,
        year(coalesce(flows.police_registration_date, flows.prosecutor_registration_date))
            as registration_year,
        flows.prosecutor_decision_date as start_date,
        coalesce(flows.final_decision_date, censor.court_extract) as end_date,
        flows.final_decision_date is not null as event_observed
    from flows
    cross join censor
    where flows.sent and flows.prosecutor_decision_date is not null
)

select
    flow_id,
    transition,
    cast(registration_year as integer) as registration_year,
    start_date,
    end_date,
    cast(end_date - start_date as integer) as duration_days,
    event_observed
from stages
where end_date is not null and end_date >= start_date and registration_year is not null
