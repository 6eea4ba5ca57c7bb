-- SDG 16.2.2: victims per 100,000 population by sex, age group and form, with total rows.
-- Two form columns: exploitation_form (project code) and sdg_form (the UN series). A row with a
-- project form carries its sdg_form (empty for an unknown form); rows with exploitation_form
-- 'total' are the UN series: each sdg_form summed over its project forms, and total/total.
-- Population: Eurostat demo_pjan for every row (so F + M = total and child + adult = total);
-- none (null) where the group has no population (unknown sex or age).
with victims as (
    select
        v.identification_year as year,
        v.sex,
        v.age_group,
        v.exploitation_form,
        f.sdg_form
    from {{ ref('fct_victim_identification') }} as v
    inner join {{ ref('dim_exploitation_form') }} as f using (exploitation_form)
    where v.is_counted
),

by_project_form as (
    select
        year,
        coalesce(sex, 'total') as sex,
        coalesce(age_group, 'total') as age_group,
        coalesce(exploitation_form, 'total') as exploitation_form,
        count(*) as victims
    from victims
    group by year, cube(sex, age_group, exploitation_form)
),

by_sdg_form as (
    select
        year,
        coalesce(sex, 'total') as sex,
        coalesce(age_group, 'total') as age_group,
        sdg_form,
        count(*) as victims
    from victims
    where sdg_form is not null
    group by year, sdg_form, cube(sex, age_group)
),

forms as (
    select
        exploitation_form,
        sdg_form
    from {{ ref('dim_exploitation_form') }}
    union all
    select
        'total' as exploitation_form,
        sdg_form
    from {{ ref('dim_sdg_form') }}
),

grid as (
    select
        years.year,
        sexes.sex,
        ages.age_group,
        forms.exploitation_form,
        forms.sdg_form
    from (select year from {{ ref('rpt_victims_by_year') }}) as years
    cross join (values ('F'), ('M'), ('U'), ('total')) as sexes (sex)
    cross join (values ('child'), ('adult'), ('unknown'), ('total')) as ages (age_group)
    cross join forms
),

population as (
    select
        year,
        sex,
        case age_group when '0-17' then 'child' when '18+' then 'adult' else 'total' end
            as age_group,
        population
    from {{ ref('ref_population_national_sex_age') }}
),

counted as (
    select
        grid.*,
        case
            when grid.exploitation_form <> 'total' or grid.sdg_form = 'total'
                then coalesce(p.victims, 0)
            else coalesce(s.victims, 0)
        end as victims
    from grid
    left join by_project_form as p
        on
            grid.year = p.year and grid.sex = p.sex and grid.age_group = p.age_group
            and grid.exploitation_form = p.exploitation_form
    left join by_sdg_form as s
        on
            grid.year = s.year and grid.sex = s.sex and grid.age_group = s.age_group
            and grid.sdg_form = s.sdg_form
)

select
    counted.year,
    counted.sex,
    counted.age_group,
    counted.exploitation_form,
    counted.sdg_form,
    case when counted.exploitation_form = 'total' then series.un_series_code end
        as sdg_series_code,
    cast(counted.victims as bigint) as victims,
    cast(population.population as bigint) as population,
    counted.victims * 100000.0 / population.population as rate_per_100k
from counted
left join {{ ref('dim_sdg_form') }} as series on counted.sdg_form = series.sdg_form
left join population
    on
        counted.year = population.year
        and counted.sex = population.sex
        and counted.age_group = population.age_group
