-- One row per defendant in a DIICOT case: sent to court or not, first-instance and final outcome.
with defendants as (
    select distinct
        person_id,
        case_number as prosecutor_case_number,
        prosecutor_decision,
        prosecutor_decision_date
    from {{ ref('int_defendants') }}
    where source_agency = 'diicot'
),

first_instance as (
    select distinct on (person_id, prosecutor_case_number)
        person_id,
        prosecutor_case_number,
        decision,
        decision_date
    from {{ ref('fct_court_decision') }}
    where court_level = 'first_instance'
    order by person_id, prosecutor_case_number, decision_date
),

final as (
    select distinct on (person_id, prosecutor_case_number)
        person_id,
        prosecutor_case_number,
        decision,
        decision_date,
        sentence_type,
        sentence_months,
        is_suspended
    from {{ ref('fct_court_decision') }}
    where is_final
    order by person_id, prosecutor_case_number, decision_date
)

select
    d.person_id,
    d.prosecutor_case_number,
    d.prosecutor_decision,
    d.prosecutor_decision_date,
    d.prosecutor_decision in ('indictment', 'plea_agreement') as sent_to_court,
    f.decision as first_instance_decision,
    f.decision_date as first_instance_date,
    x.decision as final_decision,
    x.decision_date as final_date,
    x.sentence_type as final_sentence_type,
    x.sentence_months as final_sentence_months,
    x.is_suspended as final_is_suspended
from defendants as d
left join first_instance as f using (person_id, prosecutor_case_number)
left join final as x using (person_id, prosecutor_case_number)
