-- UNODC GLOTIP: victims by UNODC's own form categories (codelist_exploitation_form), per year;
-- every category every year (0 = none).
with categories as (
    select distinct unodc_category from {{ ref('dim_exploitation_form') }}
),

counted as (
    select
        v.identification_year as year,
        f.unodc_category,
        count(*) as victims
    from {{ ref('fct_victim_identification') }} as v
    inner join {{ ref('dim_exploitation_form') }} as f using (exploitation_form)
    where v.is_counted
    group by all
)

select
    years.year,
    categories.unodc_category,
    cast(coalesce(counted.victims, 0) as bigint) as victims
from (select year from {{ ref('rpt_victims_by_year') }}) as years
cross join categories
left join counted using (year, unodc_category)
