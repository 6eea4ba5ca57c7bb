-- Victims taking part in criminal proceedings, per year of identification, as a share of the
-- victims identified that year (ANITP register; unknown participation is kept apart).
select
    identification_year as year,
    cast(count(*) as bigint) as victims,
    cast(count(*) filter (where participates_in_proceedings = 'yes') as bigint) as participating,
    cast(count(*) filter (where participates_in_proceedings = 'no') as bigint) as not_participating,
    cast(
        count(*) filter (where coalesce(participates_in_proceedings, 'unknown') = 'unknown')
        as bigint
    ) as participation_unknown,
    count(*) filter (where participates_in_proceedings = 'yes') * 1.0 / count(*)
        as share_participating
from {{ ref('fct_victim_identification') }}
where is_counted
group by identification_year
