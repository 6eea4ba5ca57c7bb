-- Why the agencies' victim counts differ: persons per combination of agencies that saw them
-- in a year, with the explanation a report team can quote.
with per_person as (
    select * from {{ ref('int_victim_person_years') }}
)

select
    cast(year as integer) as year,
    concat_ws(
        ' + ',
        case when seen_by_anitp then 'ANITP' end,
        case when seen_by_police then 'police' end,
        case when seen_by_prosecution then 'prosecution' end,
        case when seen_by_ngo then 'NGO' end
    ) as seen_by,
    seen_by_anitp,
    seen_by_police,
    seen_by_prosecution,
    seen_by_ngo,
    cast(count(*) as bigint) as persons,
    case
        when seen_by_anitp and (seen_by_police or seen_by_prosecution or seen_by_ngo)
            then 'In the official count and confirmed by another agency in the same year.'
        when seen_by_anitp
            then
                'In the official count only: identified by a body whose own records are not '
                || 'delivered, or seen by another agency in another year or without a CNP.'
        else
            'Not in the official count: injured party or assisted person not (yet) notified '
            || 'to ANITP in this year, or a record without a CNP that cannot be linked yet.'
    end as explanation
from per_person
group by all
