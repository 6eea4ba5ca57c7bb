-- Court decisions per defendant (latest extracts).
select
    record_id,
    person_id,
    court_case_number,
    court_name,
    court_level,
    prosecutor_case_number,
    offence_articles,
    {{ offence_codes() }} as offence_codes,
    {{ is_trafficking(offence_codes()) }} as is_trafficking_offence,
    decision,
    decision_date,
    cast(year(decision_date) as integer) as decision_year,
    is_final,
    sentence_type,
    sentence_months,
    is_suspended,
    decision = 'conviction' and sentence_type = 'prison' and not coalesce(is_suspended, false)
        as is_custodial,
    decision = 'conviction' and sentence_type = 'prison' and coalesce(is_suspended, false)
        as is_suspended_prison,
    fine_lei,
    confiscation_lei,
    damages_lei,
    victims_count
from {{ ref('int_court_decisions') }}
