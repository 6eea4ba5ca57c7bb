-- Criminal-justice counts per year.
with police_cases as (
    select registration_year as year, count(distinct case_number) as n
    from {{ ref('fct_case') }} where case_stage = 'police' group by all
),

suspected as (
    select year(event_date) as year, count(distinct person_id) as n
    from {{ ref('int_defendants') }} where event_date is not null group by all
),

sent_to_court as (
    select year(prosecutor_decision_date) as year, count(distinct person_id) as n
    from {{ ref('fct_defendant_outcome') }}
    where sent_to_court and prosecutor_decision_date is not null
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
    group by all
),

police_years as ({{ known_years('politie') }}),
prosecution_years as ({{ known_years('diicot') }}),
court_years as ({{ known_years('instante') }}),

years as (
    select year from police_years
    union select year from prosecution_years
    union select year from court_years
    union select year from police_cases
    union select year from suspected
    union select year from sent_to_court
    union select year from convictions
)

-- A count is the number of events; 0 when the agency delivered the year and had none;
-- null (unknown) when no extract of the agency covers the year and it reported no event.
select
    cast(years.year as integer) as year,
    cast(case
        when pc.n is not null then pc.n
        when years.year in (select year from police_years) then 0
    end as bigint) as police_cases_registered,
    cast(case
        when s.n is not null then s.n
        when years.year in (select year from police_years union select year from prosecution_years)
            then 0
    end as bigint) as persons_suspected,
    cast(case
        when sc.n is not null then sc.n
        when years.year in (select year from prosecution_years) then 0
    end as bigint) as persons_sent_to_court,
    cast(case
        when c.year is not null then c.first_instance
        when years.year in (select year from court_years) then 0
    end as bigint) as persons_convicted_first_instance,
    cast(case
        when c.year is not null then c.final
        when years.year in (select year from court_years) then 0
    end as bigint) as persons_convicted_final,
    cast(case
        when c.year is not null then c.custodial
        when years.year in (select year from court_years) then 0
    end as bigint) as custodial_sentences,
    cast(case
        when c.year is not null then c.suspended
        when years.year in (select year from court_years) then 0
    end as bigint) as suspended_sentences,
    cast(c.confiscation_lei as double) as confiscation_lei,
    cast(c.damages_lei as double) as damages_lei
from years
left join police_cases as pc using (year)
left join suspected as s using (year)
left join sent_to_court as sc using (year)
left join convictions as c using (year)
where years.year is not null
