{{ config(meta={'dagster': {'ref': {'name': 'rpt_sdg_16_2_2'}}}) }}
-- Each SDG-form series row is the sum of its project-form rows, and the four SDG forms plus the
-- victims of unknown form add up to the total, in every (year, sex, age group).
with detail as (
    select
        year,
        sex,
        age_group,
        coalesce(sdg_form, 'unknown') as sdg_form,
        sum(victims) as victims
    from {{ ref('rpt_sdg_16_2_2') }}
    where exploitation_form <> 'total'
    group by all
),

series as (
    select
        year,
        sex,
        age_group,
        sdg_form,
        victims
    from {{ ref('rpt_sdg_16_2_2') }}
    where exploitation_form = 'total'
)

select
    s.year,
    s.sex,
    s.age_group,
    s.sdg_form
from series as s
left join detail as d using (year, sex, age_group, sdg_form)
where s.sdg_form <> 'total' and s.victims <> coalesce(d.victims, 0)
union all
select
    t.year,
    t.sex,
    t.age_group,
    t.sdg_form
from series as t
where
    t.sdg_form = 'total'
    and t.victims <> (
        select sum(d.victims) from detail as d
        where d.year = t.year and d.sex = t.sex and d.age_group = t.age_group
    )
