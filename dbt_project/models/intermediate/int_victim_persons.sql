-- One row per person any list recorded as a victim (latest extracts): the year the person was
-- first recorded, the lists that recorded them in any year, and their sex, age group and form.
-- A person's year is the year of their earliest dated record on any list, and every list that
-- ever recorded them counts as a capture: a victim the police record in December and ANITP
-- registers in January is one person found by both lists, not two persons of two years.
-- Attributes: the earliest record where the attribute is known (ties: lowest record id).
{%- set lists = [
    ('police', 'stg_politie__victims', 'identification_date', 'age_group'),
    ('diicot', 'stg_diicot__victims', 'identification_date', 'age_group'),
    ('ngo', 'stg_ong__assistance_episodes', 'programme_entry_date', "'unknown'"),
] %}
with records as (
    select
        record_id,
        person_id,
        'anitp' as list,
        identification_date as seen_on,
        sex,
        age_group,
        exploitation_form
    from {{ ref('int_victim_registrations') }}
    {%- for list, model, seen_on, age_group in lists %}
        union all
        select
            seen.record_id,
            keys.person_id,
            '{{ list }}' as list,
            seen.{{ seen_on }} as seen_on,
            seen.sex,
            {{ age_group }} as age_group,
            seen.exploitation_form
        from {{ ref(model) }} as seen
        inner join {{ ref('int_person_keys') }} as keys using (record_id)
    {%- endfor %}
),

ordered as (
    select
        *,
        coalesce(strftime(seen_on, '%Y-%m-%d'), '9999-12-31') || record_id as sort_key
    from records
)

select
    person_id,
    cast(year(min(seen_on)) as integer) as first_year,
    bool_or(list = 'police') as on_police,
    bool_or(list = 'diicot') as on_diicot,
    bool_or(list = 'anitp') as on_anitp,
    bool_or(list = 'ngo') as on_ngo,
    coalesce(arg_min(sex, sort_key) filter (where sex in ('F', 'M')), 'U') as sex,
    coalesce(
        arg_min(age_group, sort_key) filter (where age_group in ('child', 'adult')), 'unknown'
    ) as age_group,
    coalesce(
        arg_min(exploitation_form, sort_key) filter (where exploitation_form <> 'unknown'),
        'unknown'
    ) as exploitation_form
from ordered
group by person_id
