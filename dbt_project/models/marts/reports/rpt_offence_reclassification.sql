-- Persons charged under one offence and finally convicted under another (e.g. CP210 -> CP213),
-- by year of the final decision. Defendants are matched across DIICOT and the courts by person
-- and prosecutor's case number (fct_defendant_outcome). A person is in the row of every pair
-- (charged offence not in the conviction, convicted offence not in the charge).
with convicted as (
    select
        person_id,
        prosecutor_case_number,
        cast(year(final_date) as integer) as year,
        charged_offence_codes,
        final_offence_codes
    from {{ ref('fct_defendant_outcome') }}
    where
        sent_to_court
        and final_decision = 'conviction'
        and len(charged_offence_codes) > 0
        and len(final_offence_codes) > 0
),

pairs as (
    select
        person_id,
        year,
        final_offence_codes,
        unnest(list_filter(
            charged_offence_codes, lambda code: not list_contains(final_offence_codes, code)
        )) as charged_offence,
        charged_offence_codes
    from convicted
),

reclassified as (
    select
        person_id,
        year,
        charged_offence,
        unnest(list_filter(
            final_offence_codes, lambda code: not list_contains(charged_offence_codes, code)
        )) as convicted_offence
    from pairs
)

select
    year,
    charged_offence,
    convicted_offence,
    count(distinct person_id) as persons
from reclassified
group by all
