-- Final court decisions on trafficking offences per year, by decision (convictions,
-- acquittals, terminations, ...), persons. The court extract has no field for the reason of an
-- acquittal or termination (e.g. statute of limitations): reason is 'not_recorded'.
with decisions as (
    select distinct
        decision_year as year,
        decision,
        person_id
    from {{ ref('fct_court_decision') }}
    where is_final and is_trafficking_offence
),

codes as (
    select code as decision
    from {{ ref('codelist_codes') }}
    where codelist = 'court_decision'
),

years as (
    {{ known_years('instante') }}
    union
    select year from decisions
)

select
    cast(years.year as integer) as year,
    codes.decision,
    'not_recorded' as reason,
    cast(count(d.person_id) as bigint) as persons
from years
cross join codes
left join decisions as d on years.year = d.year and codes.decision = d.decision
group by all
