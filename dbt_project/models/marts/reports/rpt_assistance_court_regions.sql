-- Where the trials of the assisted persons' cases take place: per organisation, year and
-- court-of-appeal region, the distinct cases tried there (a case tried in two regions counts
-- in each; 'unknown' = a court the ref_county seed does not place, e.g. a Judecătorie).
with cases as (
    select distinct
        provider_name,
        year,
        case_id,
        unnest(court_of_appeal_regions) as court_of_appeal
    from {{ ref('int_assistance_episodes') }}
    where court_of_appeal_regions is not null
)

select
    provider_name,
    cast(year as integer) as year,
    court_of_appeal,
    cast(count(*) as bigint) as cases
from cases
group by provider_name, year, court_of_appeal
