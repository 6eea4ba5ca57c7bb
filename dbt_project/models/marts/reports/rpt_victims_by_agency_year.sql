-- Victims per agency side by side, per year (persons, linked by the CNP pseudonym).
select
    cast(year as integer) as year,
    cast(count(*) filter (where seen_by_anitp) as bigint) as anitp_register,
    cast(count(*) filter (where seen_by_police) as bigint) as police,
    cast(count(*) filter (where seen_by_prosecution) as bigint) as prosecution,
    cast(count(*) filter (where seen_by_ngo) as bigint) as ngo,
    cast(count(*) as bigint) as any_agency
from {{ ref('int_victim_person_years') }}
group by year
