-- Victims per main form of exploitation and year; all forms every year (0 = none).
with counted as (
    select
        identification_year as year,
        exploitation_form,
        count(*) as victims
    from {{ ref('fct_victim_identification') }}
    where is_counted
    group by all
)

select
    years.year,
    forms.exploitation_form,
    cast(coalesce(counted.victims, 0) as bigint) as victims
from (select year from {{ ref('rpt_victims_by_year') }}) as years
cross join {{ ref('dim_exploitation_form') }} as forms
left join counted using (year, exploitation_form)
