-- US TIP Report: victims by sex / labor / other / unspecified trafficking, with children and
-- foreign citizens in each, and the children split into girls and boys (a child of unknown sex
-- is in neither, so girls + boys <= children).
with counted as (
    select
        v.identification_year as year,
        f.tip_category,
        count(*) as victims,
        count(*) filter (where v.age_group = 'child') as children,
        count(*) filter (where v.age_group = 'child' and v.sex = 'F') as girls,
        count(*) filter (where v.age_group = 'child' and v.sex = 'M') as boys,
        count(*) filter (where v.citizenship_code <> 'RO') as foreign_citizens
    from {{ ref('fct_victim_identification') }} as v
    inner join {{ ref('dim_exploitation_form') }} as f using (exploitation_form)
    where v.is_counted
    group by all
)

select
    years.year,
    categories.tip_category,
    cast(coalesce(counted.victims, 0) as bigint) as victims,
    cast(coalesce(counted.children, 0) as bigint) as children,
    cast(coalesce(counted.girls, 0) as bigint) as girls,
    cast(coalesce(counted.boys, 0) as bigint) as boys,
    cast(coalesce(counted.foreign_citizens, 0) as bigint) as foreign_citizens
from (select year from {{ ref('rpt_victims_by_year') }}) as years
cross join (values ('sex'), ('labor'), ('other'), ('unspecified')) as categories (tip_category)
left join counted using (year, tip_category)
