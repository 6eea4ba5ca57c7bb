-- NGO / IO assistance episodes (latest extracts) with the person and the criminal case the
-- beneficiary takes part in: the case number the NGO gives
-- (Nr. dosar penal: a police, prosecutor or court file number, as typed) looked up in the
-- police, DIICOT and court records (latest extracts), with the stage the case has reached,
-- DIICOT's organised-group and cross-border flags and the court-of-appeal regions of its
-- trial. A number found nowhere stays 'not_found'; nothing is guessed.
with

episodes as (
    select
        episodes.record_id,
        episodes.provider_name,
        keys.person_id,
        episodes.sex,
        episodes.citizenship_code,
        episodes.participates_in_proceedings,
        cast(
            coalesce(year(episodes.programme_entry_date), cast(left(episodes.period, 4) as integer))
            as integer
        ) as year,
        nullif(upper(trim(episodes.case_number)), '') as given_number
    from {{ ref('stg_ong__assistance_episodes') }} as episodes
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
),

police as (
    select
        upper(trim(case_number)) as police_number,
        max(upper(trim(prosecutor_case_number))) as prosecutor_number,
        bool_or(police_case_status in ('closed', 'declined')) as closed_by_police
    from {{ ref('stg_politie__cases') }}
    group by upper(trim(case_number))
),

prosecution as (
    select
        upper(trim(case_number)) as prosecutor_number,
        bool_or(prosecutor_decision in ('indictment', 'plea_agreement')) as sent_to_court,
        bool_or(prosecutor_decision in ('dismissal', 'waiver_of_prosecution'))
            as closed_by_prosecutor,
        bool_or(organised_crime_group) as organised_crime_group,
        bool_or(cross_border) as cross_border,
        max(court_name) as court_name
    from {{ ref('stg_diicot__cases') }}
    group by upper(trim(case_number))
),

court_files as (
    select
        upper(trim(court_case_number)) as court_number,
        max(upper(trim(prosecutor_case_number))) as prosecutor_number
    from {{ ref('fct_court_decision') }}
    group by upper(trim(court_case_number))
),

resolved as (
    select
        episodes.*,
        coalesce(
            prosecution.prosecutor_number, police.prosecutor_number, court_files.prosecutor_number
        ) as prosecutor_number,
        court_files.court_number,
        police.closed_by_police,
        coalesce(
            prosecution.prosecutor_number, police.police_number, court_files.court_number
        ) is not null as found
    from episodes
    left join prosecution on episodes.given_number = prosecution.prosecutor_number
    left join police on episodes.given_number = police.police_number
    left join court_files on episodes.given_number = court_files.court_number
),

-- The court decisions of a case: by its prosecutor number, or by the court file given.
-- Two equality joins, not one join on "a = b or c = d", which DuckDB can only run as a
-- nested loop (every episode against every decision: minutes at a million rows).
decisions as (
    select
        resolved.record_id,
        d.is_final,
        d.court_name
    from resolved
    inner join {{ ref('fct_court_decision') }} as d
        on upper(trim(d.prosecutor_case_number)) = resolved.prosecutor_number
    union
    select
        resolved.record_id,
        d.is_final,
        d.court_name
    from resolved
    inner join {{ ref('fct_court_decision') }} as d
        on upper(trim(d.court_case_number)) = resolved.court_number
),

court_of_appeal as (
    select
        tribunal as court_name,
        court_of_appeal
    from {{ ref('ref_county') }}
    union
    select
        court_of_appeal as court_name,
        court_of_appeal
    from {{ ref('ref_county') }}
),

trial_courts as (
    select
        resolved.record_id,
        prosecution.court_name
    from resolved
    inner join prosecution using (prosecutor_number)
    where prosecution.court_name is not null
    union
    select
        record_id,
        court_name
    from decisions
),

regions as (
    select
        t.record_id,
        list_sort(list_distinct(list(coalesce(c.court_of_appeal, 'unknown'))))
            as court_of_appeal_regions
    from trial_courts as t
    left join court_of_appeal as c on t.court_name = c.court_name
    group by t.record_id
),

court_stage as (
    select
        record_id,
        bool_or(is_final) as has_final_decision
    from decisions
    group by record_id
)

select
    resolved.record_id,
    resolved.provider_name,
    resolved.year,
    resolved.person_id,
    resolved.sex,
    resolved.citizenship_code,
    resolved.participates_in_proceedings,
    resolved.given_number,
    coalesce(resolved.prosecutor_number, resolved.given_number) as case_id,
    resolved.found as case_found,
    case
        when resolved.given_number is null then null
        when not resolved.found then 'not_found'
        when court_stage.has_final_decision then 'final_decision'
        when court_stage.record_id is not null then 'first_instance_decision'
        when prosecution.sent_to_court then 'sent_to_court'
        when prosecution.closed_by_prosecutor then 'closed_without_trial'
        when prosecution.prosecutor_number is null and resolved.closed_by_police
            then 'closed_without_trial'
        else 'investigation'
    end as case_stage,
    prosecution.organised_crime_group,
    prosecution.cross_border,
    regions.court_of_appeal_regions
from resolved
left join prosecution using (prosecutor_number)
left join court_stage using (record_id)
left join regions using (record_id)
