-- The assistance-programme indicators (IOM LUPTA, IJM) per organisation and year: persons
-- assisted by sex and citizenship, their participation in criminal proceedings, and the
-- cases they take part in (linked by the case number the NGO gives to the police, DIICOT and
-- court records; int_assistance_episodes) with the stage each has reached and DIICOT's flags.
-- A person counts once per organisation and year (the attributes of the record with the
-- smallest record_id); a case once per organisation and year.
{% set person_columns = [
    'persons_assisted', 'female', 'male', 'sex_unknown', 'romanian_citizens',
    'foreign_citizens', 'citizenship_unknown', 'persons_in_proceedings',
    'persons_not_in_proceedings', 'persons_with_case_number', 'persons_in_linked_cases'
] %}
{% set case_columns = [
    'cases', 'cases_linked', 'cases_not_found', 'cases_investigation',
    'cases_closed_without_trial', 'cases_sent_to_court', 'cases_first_instance_decision',
    'cases_final_decision', 'cases_organised_group', 'cases_cross_border'
] %}

with

persons as (
    select
        provider_name,
        year,
        person_id,
        arg_min(sex, record_id) as sex,
        arg_min(citizenship_code, record_id) as citizenship_code,
        bool_or(participates_in_proceedings = 'yes') as in_proceedings,
        bool_and(participates_in_proceedings = 'no') as not_in_proceedings,
        bool_or(given_number is not null) as with_case_number,
        bool_or(case_found) as in_found_case
    from {{ ref('int_assistance_episodes') }}
    group by provider_name, year, person_id
),

person_counts as (
    select
        provider_name,
        year,
        count(*) as persons_assisted,
        count(*) filter (where sex = 'F') as female,
        count(*) filter (where sex = 'M') as male,
        count(*) filter (where sex not in ('F', 'M')) as sex_unknown,
        count(*) filter (where citizenship_code = 'RO') as romanian_citizens,
        count(*) filter (where citizenship_code != 'RO') as foreign_citizens,
        count(*) filter (where citizenship_code is null) as citizenship_unknown,
        count(*) filter (where in_proceedings) as persons_in_proceedings,
        count(*) filter (where not_in_proceedings) as persons_not_in_proceedings,
        count(*) filter (where with_case_number) as persons_with_case_number,
        count(*) filter (where in_found_case) as persons_in_linked_cases
    from persons
    group by provider_name, year
),

-- One row per (organisation, year, case); the furthest stage any of its rows reached.
cases as (
    select
        provider_name,
        year,
        case_id,
        bool_or(case_found) as found,
        max(
            case case_stage
                when 'final_decision' then 5
                when 'first_instance_decision' then 4
                when 'sent_to_court' then 3
                when 'closed_without_trial' then 2
                when 'investigation' then 1
                else 0
            end
        ) as stage_rank,
        bool_or(organised_crime_group) as organised_crime_group,
        bool_or(cross_border) as cross_border
    from {{ ref('int_assistance_episodes') }}
    where case_id is not null
    group by provider_name, year, case_id
),

case_counts as (
    select
        provider_name,
        year,
        count(*) as cases,
        count(*) filter (where found) as cases_linked,
        count(*) filter (where not found) as cases_not_found,
        count(*) filter (where stage_rank = 1) as cases_investigation,
        count(*) filter (where stage_rank = 2) as cases_closed_without_trial,
        count(*) filter (where stage_rank = 3) as cases_sent_to_court,
        count(*) filter (where stage_rank = 4) as cases_first_instance_decision,
        count(*) filter (where stage_rank = 5) as cases_final_decision,
        count(*) filter (where organised_crime_group) as cases_organised_group,
        count(*) filter (where cross_border) as cases_cross_border,
        count(*) filter (where found and organised_crime_group is null) as cases_flags_unknown
    from cases
    group by provider_name, year
)

select
    p.provider_name,
    cast(p.year as integer) as year,
    {%- for column in person_columns %}
        cast(p.{{ column }} as bigint) as {{ column }},
    {%- endfor %}
    {%- for column in case_columns %}
        cast(coalesce(c.{{ column }}, 0) as bigint) as {{ column }},
    {%- endfor %}
    cast(coalesce(c.cases_flags_unknown, 0) as bigint) as cases_flags_unknown
from person_counts as p
left join case_counts as c using (provider_name, year)
