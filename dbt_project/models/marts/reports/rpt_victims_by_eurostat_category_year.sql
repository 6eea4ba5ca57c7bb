-- Eurostat crim_thb: victims by sex and form category (sexual / labour / other / unknown).
with counted as (
    select
        v.identification_year as year,
        coalesce(v.sex, 'total') as sex,
        f.eurostat_category,
        count(*) as victims
    from {{ ref('fct_victim_identification') }} as v
    inner join {{ ref('dim_exploitation_form') }} as f using (exploitation_form)
    where v.is_counted
    group by v.identification_year, f.eurostat_category, rollup(v.sex)
)

select
    years.year,
    sexes.sex,
    categories.eurostat_category,
    cast(coalesce(counted.victims, 0) as bigint) as victims
from (select year from {{ ref('rpt_victims_by_year') }}) as years
cross join (values ('F'), ('M'), ('U'), ('total')) as sexes (sex)
cross join (values ('sexual'), ('labour'), ('other'), ('unknown')) as categories (eurostat_category)
left join counted using (year, sex, eurostat_category)
