-- GRETA / TIP: victims assisted per year.
-- The years of rpt_victims_by_year (those the register covers).
-- ANITP: the accepted_assistance flag of each victim counted in the year (the person's first
-- episode of the year). NGO: persons (not episodes) with an assistance episode entered in the
-- year, linked to the register by CNP pseudonym; a record without a valid CNP is its own
-- person and links to no one. victims_assisted = victims identified in the year who accepted
-- ANITP assistance or entered an NGO programme in the same year (each person once).
with identified as (
    select
        identification_year as year,
        person_id,
        accepted_assistance
    from {{ ref('fct_victim_identification') }}
    where is_counted
),

ngo as (
    select distinct
        year(episodes.programme_entry_date) as year,
        keys.person_id
    from {{ ref('stg_ong__assistance_episodes') }} as episodes
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
    where episodes.programme_entry_date is not null
),

anitp as (
    select
        i.year,
        count(*) as victims,
        count(*) filter (where i.accepted_assistance = 'yes') as accepted,
        count(*) filter (where i.accepted_assistance = 'no') as declined,
        count(*) filter (where i.accepted_assistance is null) as not_recorded,
        count(*) filter (where i.accepted_assistance = 'yes' or n.person_id is not null)
            as assisted,
        count(n.person_id) as ngo_identified
    from identified as i
    left join ngo as n on i.year = n.year and i.person_id = n.person_id
    group by i.year
),

ngo_persons as (
    select
        year,
        count(*) as persons
    from ngo
    group by year
)

select
    cast(years.year as integer) as year,
    cast(coalesce(anitp.victims, 0) as bigint) as victims,
    cast(coalesce(anitp.accepted, 0) as bigint) as anitp_accepted_assistance,
    cast(coalesce(anitp.declined, 0) as bigint) as anitp_declined_assistance,
    cast(coalesce(anitp.not_recorded, 0) as bigint) as anitp_assistance_not_recorded,
    cast(coalesce(ngo_persons.persons, 0) as bigint) as ngo_assisted_persons,
    cast(coalesce(anitp.ngo_identified, 0) as bigint) as ngo_assisted_identified,
    cast(coalesce(anitp.assisted, 0) as bigint) as victims_assisted
from (select year from {{ ref('rpt_victims_by_year') }}) as years
left join anitp using (year)
left join ngo_persons using (year)
