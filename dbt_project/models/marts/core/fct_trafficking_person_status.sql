-- The persons behind rpt_criminal_justice_by_year's person counts, one row per (year, legal
-- status, person): suspected, prosecuted (sent to court), convicted (final conviction), for
-- trafficking offences only, with the person's sex and citizenship.
with statuses as (
    select distinct
        cast(year(event_date) as integer) as year,
        'suspected' as legal_status,
        person_id
    from {{ ref('int_defendants') }}
    where event_date is not null and is_trafficking_offence
    union
    select distinct
        cast(year(prosecutor_decision_date) as integer) as year,
        'prosecuted' as legal_status,
        person_id
    from {{ ref('fct_defendant_outcome') }}
    where sent_to_court and is_trafficking_charge and prosecutor_decision_date is not null
    union
    select distinct
        decision_year as year,
        'convicted' as legal_status,
        person_id
    from {{ ref('fct_court_decision') }}
    where decision = 'conviction' and is_final and is_trafficking_offence
)

select
    statuses.year,
    statuses.legal_status,
    statuses.person_id,
    coalesce(attributes.sex, 'unknown') as sex,
    attributes.citizenship_code
from statuses
left join {{ ref('int_defendant_attributes') }} as attributes using (person_id)
