{{ config(meta={'dagster': {'ref': {'name': 'rpt_victims_by_year'}}}) }}
-- The citizenship rows and the three ANITP assistance groups of a year add up to its victims;
-- girls + boys never exceed the children of a TIP category.
with citizenship as (
    select
        year,
        sum(victims) as victims
    from {{ ref('rpt_victims_by_citizenship_year') }}
    group by year
)

select
    y.year,
    'citizenship' as breakdown
from {{ ref('rpt_victims_by_year') }} as y
left join citizenship as c using (year)
where coalesce(c.victims, 0) <> coalesce(y.victims, 0)
union all
select
    a.year,
    'assistance' as breakdown
from {{ ref('rpt_victims_assisted_year') }} as a
where
    a.anitp_accepted_assistance + a.anitp_declined_assistance + a.anitp_assistance_not_recorded
    <> a.victims
union all
select
    t.year,
    'girls_and_boys' as breakdown
from {{ ref('rpt_victims_by_tip_category_year') }} as t
where t.girls + t.boys > t.children
