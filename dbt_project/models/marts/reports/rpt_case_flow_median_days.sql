-- Median days between the stages of a case, by year of the police registration
-- ('all' = every year).
with flows as (
    select
        coalesce(cast(year(police_registration_date) as varchar), 'unknown') as registration_year,
        days_police_to_prosecutor,
        days_prosecutor_to_decision,
        days_decision_to_first_instance,
        days_first_instance_to_final
    from {{ ref('fct_case_flow') }}
),

long as (
    unpivot flows
    on columns(* exclude (registration_year))
    into name transition value days
)

select
    coalesce(registration_year, 'all') as registration_year,
    replace(transition, 'days_', '') as transition,
    cast(count(days) as bigint) as cases,
    cast(median(days) as double) as median_days
from long
group by transition, rollup(registration_year)
