-- SDG 16.2.2: victims per 100,000 population by sex, age group and form, with total rows.
-- Population: INS county sum for the national total; Eurostat demo_pjan by sex and age;
-- none (null) where the group has no population (unknown sex or age).
with counted as (
    select
        identification_year as year,
        coalesce(sex, 'total') as sex,
        coalesce(age_group, 'total') as age_group,
        coalesce(exploitation_form, 'total') as exploitation_form,
        count(*) as victims
    from {{ ref('fct_victim_identification') }}
    where is_counted
    group by identification_year, cube(sex, age_group, exploitation_form)
),

forms as (
    select exploitation_form from {{ ref('dim_exploitation_form') }}
    union all
    select 'total' as exploitation_form
),

grid as (
    select
        years.year,
        sexes.sex,
        ages.age_group,
        forms.exploitation_form
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
    where not (sex = 'total' and age_group = 'total')
    union all
    select
        year,
        'total' as sex,
        'total' as age_group,
        sum(population) as population
    from {{ ref('ref_population_county_year') }}
    group by year
)

select
    grid.year,
    grid.sex,
    grid.age_group,
    grid.exploitation_form,
    cast(coalesce(counted.victims, 0) as bigint) as victims,
    cast(population.population as bigint) as population,
    coalesce(counted.victims, 0) * 100000.0 / population.population as rate_per_100k
from grid
left join counted using (year, sex, age_group, exploitation_form)
left join population using (year, sex, age_group)
