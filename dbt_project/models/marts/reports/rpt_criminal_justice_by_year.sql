-- Criminal-justice counts per year, trafficking offences only (CP 210, 211; Law 678/2001
-- arts. 12, 13): a case or person counts when any of its offences is one.
with police_cases as (
    select
        registration_year as year,
        count(distinct case_number) as n
    from {{ ref('fct_case') }}
    where case_stage = 'police' and is_trafficking_offence
    group by all
),

suspected as (
    select
        year(event_date) as year,
        count(distinct person_id) as n
    from {{ ref('int_defendants') }}
    where event_date is not null and is_trafficking_offence
    group by all
),

sent_to_court as (
    select
        year(prosecutor_decision_date) as year,
        count(distinct person_id) as n
    from {{ ref('fct_defendant_outcome') }}
    where sent_to_court and is_trafficking_charge and prosecutor_decision_date is not null
    group by all
),

convictions as (
    select
        decision_year as year,
        count(distinct person_id) filter (
            where decision = 'conviction' and court_level = 'first_instance'
        ) as first_instance,
        count(distinct person_id) filter (where decision = 'conviction' and is_final) as final,
        count(distinct person_id) filter (where is_final and is_custodial) as custodial,
        count(distinct person_id) filter (where is_final and is_suspended_prison) as suspended,
        sum(confiscation_lei) filter (where is_final) as confiscation_lei,
        sum(damages_lei) filter (where is_final) as damages_lei
    from {{ ref('fct_court_decision') }}
    where is_trafficking_offence
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

-- 0 = the agency delivered the year and had no event; null = no extract covers the year.
select
    cast(years.year as integer) as year,
    {{ count_if_known('pc.n', 'police_years') }} as police_cases_registered,
    {{ count_if_known('s.n', ['police_years', 'prosecution_years']) }} as persons_suspected,
    {{ count_if_known('sc.n', 'prosecution_years') }} as persons_sent_to_court,
    {{ count_if_known('c.first_instance', 'court_years') }} as persons_convicted_first_instance,
    {{ count_if_known('c.final', 'court_years') }} as persons_convicted_final,
    {{ count_if_known('c.custodial', 'court_years') }} as custodial_sentences,
    {{ count_if_known('c.suspended', 'court_years') }} as suspended_sentences,
    cast(c.confiscation_lei as double) as confiscation_lei,
    cast(c.damages_lei as double) as damages_lei
from years
left join police_cases as pc using (year)
left join suspected as s using (year)
left join sent_to_court as sc using (year)
left join convictions as c using (year)
where years.year is not null
