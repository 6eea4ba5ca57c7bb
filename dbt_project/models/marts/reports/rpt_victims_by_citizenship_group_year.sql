-- Eurostat citizenship groups: reporting country (RO), other EU (member in that year), non-EU.
with grouped as (
    select
        v.identification_year as year,
        case
            when v.citizenship_code is null then 'unknown'
            when v.citizenship_code = 'RO' then 'reporting_country'
            when
                c.eu_member_from_year <= v.identification_year
                and (c.eu_member_to_year is null or v.identification_year < c.eu_member_to_year)
                then 'other_eu'
            else 'non_eu'
        end as citizenship_group
    from {{ ref('fct_victim_identification') }} as v
    left join {{ ref('dim_country') }} as c on v.citizenship_code = c.country_code
    where v.is_counted
)

select
    years.year,
    groups.citizenship_group,
    cast(count(grouped.year) as bigint) as victims
from (select year from {{ ref('rpt_victims_by_year') }}) as years
cross join (values ('reporting_country'), ('other_eu'), ('non_eu'), ('unknown'))
    as groups (citizenship_group)
left join grouped using (year, citizenship_group)
group by all
