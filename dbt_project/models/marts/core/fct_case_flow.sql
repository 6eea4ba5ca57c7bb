-- A case from police registration through the prosecutor's case to the court decisions.
with police as (
    select
        case_number as police_case_number,
        registration_date as police_registration_date,
        prosecutor_case_number
    from {{ ref('stg_politie__cases') }}
),

prosecution as (
    select
        case_number as prosecutor_case_number,
        registration_date as prosecutor_registration_date,
        prosecutor_decision,
        prosecutor_decision_date
    from {{ ref('stg_diicot__cases') }}
),

courts as (
    select
        prosecutor_case_number,
        min(decision_date) filter (where court_level = 'first_instance') as first_instance_date,
        min(decision_date) filter (where is_final) as final_decision_date
    from {{ ref('fct_court_decision') }}
    where prosecutor_case_number is not null
    group by prosecutor_case_number
)

select
    coalesce(police.police_case_number, prosecution.prosecutor_case_number) as flow_id,
    police.police_case_number,
    police.police_registration_date,
    coalesce(police.prosecutor_case_number, prosecution.prosecutor_case_number)
        as prosecutor_case_number,
    prosecution.prosecutor_registration_date,
    prosecution.prosecutor_decision,
    prosecution.prosecutor_decision_date,
    courts.first_instance_date,
    courts.final_decision_date,
    cast(prosecution.prosecutor_registration_date - police.police_registration_date as integer)
        as days_police_to_prosecutor,
    cast(prosecution.prosecutor_decision_date - prosecution.prosecutor_registration_date as integer)
        as days_prosecutor_to_decision,
    cast(courts.first_instance_date - prosecution.prosecutor_decision_date as integer)
        as days_decision_to_first_instance,
    cast(courts.final_decision_date - courts.first_instance_date as integer)
        as days_first_instance_to_final
from police
full outer join prosecution using (prosecutor_case_number)
left join courts
    on
        courts.prosecutor_case_number
        = coalesce(police.prosecutor_case_number, prosecution.prosecutor_case_number)
