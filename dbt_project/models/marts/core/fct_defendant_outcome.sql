-- One row per defendant in a DIICOT case: sent to court or not, first-instance and final outcome.
with defendants as (
    select
        person_id,
        case_number as prosecutor_case_number,
        prosecutor_decision,
        prosecutor_decision_date,
        list_sort(list_distinct(flatten(list(offence_codes)))) as charged_offence_codes
    from {{ ref('int_defendants') }}
    where source_agency = 'diicot'
    group by all
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
        offence_codes,
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
    d.charged_offence_codes,
    {{ is_trafficking('d.charged_offence_codes') }} as is_trafficking_charge,
    f.decision as first_instance_decision,
    f.decision_date as first_instance_date,
    x.decision as final_decision,
    x.decision_date as final_date,
    x.offence_codes as final_offence_codes,
    x.sentence_type as final_sentence_type,
    x.sentence_months as final_sentence_months,
    x.is_suspended as final_is_suspended
from defendants as d
left join first_instance as f using (person_id, prosecutor_case_number)
left join final as x using (person_id, prosecutor_case_number)
