-- Criminal cases as the police and DIICOT record them (latest extracts).
select
    case_stage || ':' || case_number as case_key,
    case_stage,
    case_number,
    registration_date,
    cast(year(registration_date) as integer) as registration_year,
    handling_unit,
    referral_mode,
    offence_articles,
    {{ offence_codes() }} as offence_codes,
    {{ is_trafficking(offence_codes()) }} as is_trafficking_offence,
    police_case_status,
    prosecutor_case_number,
    prosecutor_decision,
    prosecutor_decision_date,
    organised_crime_group,
    cross_border,
    seized_value_lei,
    source_file,
    extract_date
from (
    select * from {{ ref('stg_politie__cases') }}
    union all by name
    select * from {{ ref('stg_diicot__cases') }}
)
