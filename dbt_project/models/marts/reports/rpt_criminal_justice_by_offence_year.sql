-- Criminal-justice counts per year and offence, for every offence in the codelist (trafficking
-- and related offences in their own rows). A case or person counts in the row of each of its
-- offences, so the rows of a year do not add up to the trafficking totals.
with offences as (
    select
        code as offence_code,
        is_trafficking_offence
    from {{ ref('codelist_offence') }}
),

police_cases as (
    select
        year,
        offence_code,
        count(distinct case_number) as n
    from (
        select
            registration_year as year,
            case_number,
            unnest(offence_codes) as offence_code
        from {{ ref('fct_case') }}
        where case_stage = 'police'
    )
    group by all
),

suspected as (
    select
        year,
        offence_code,
        count(distinct person_id) as n
    from (
        select
            person_id,
            year(event_date) as year,
            unnest(offence_codes) as offence_code
        from {{ ref('int_defendants') }}
        where event_date is not null
    )
    group by all
),

sent_to_court as (
    select
        year,
        offence_code,
        count(distinct person_id) as n
    from (
        select
            person_id,
            year(prosecutor_decision_date) as year,
            unnest(charged_offence_codes) as offence_code
        from {{ ref('fct_defendant_outcome') }}
        where sent_to_court and prosecutor_decision_date is not null
    )
    group by all
),

convictions as (
    select
        year,
        offence_code,
        count(distinct person_id) filter (
            where decision = 'conviction' and court_level = 'first_instance'
        ) as first_instance,
        count(distinct person_id) filter (where decision = 'conviction' and is_final) as final,
        count(distinct person_id) filter (where is_final and is_custodial) as custodial,
        count(distinct person_id) filter (where is_final and is_suspended_prison) as suspended
    from (
        select
            person_id,
            decision,
            court_level,
            is_final,
            is_custodial,
            is_suspended_prison,
            decision_year as year,
            unnest(offence_codes) as offence_code
        from {{ ref('fct_court_decision') }}
    )
    group by all
),

police_years as (
    {{ known_years('politie') }}
),

prosecution_years as (
    {{ known_years('diicot') }}
),

court_years as (
    {{ known_years('instante') }}
),

years as (
    select year from police_years
    union
    select year from prosecution_years
    union
    select year from court_years
    union
    select year from police_cases
    union
    select year from suspected
    union
    select year from sent_to_court
    union
    select year from convictions
)

select
    cast(years.year as integer) as year,
    offences.offence_code,
    offences.is_trafficking_offence,
    {{ count_if_known('pc.n', 'police_years') }} as police_cases_registered,
    {{ count_if_known('s.n', ['police_years', 'prosecution_years']) }} as persons_suspected,
    {{ count_if_known('sc.n', 'prosecution_years') }} as persons_sent_to_court,
    {{ count_if_known('c.first_instance', 'court_years') }} as persons_convicted_first_instance,
    {{ count_if_known('c.final', 'court_years') }} as persons_convicted_final,
    {{ count_if_known('c.custodial', 'court_years') }} as custodial_sentences,
    {{ count_if_known('c.suspended', 'court_years') }} as suspended_sentences
from years
cross join offences
left join police_cases as pc on years.year = pc.year and offences.offence_code = pc.offence_code
left join suspected as s on years.year = s.year and offences.offence_code = s.offence_code
left join sent_to_court as sc on years.year = sc.year and offences.offence_code = sc.offence_code
left join convictions as c on years.year = c.year and offences.offence_code = c.offence_code
where years.year is not null
