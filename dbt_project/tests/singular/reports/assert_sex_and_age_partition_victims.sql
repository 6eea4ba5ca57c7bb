{{ config(meta={'dagster': {'ref': {'name': 'rpt_victims_by_year'}}}) }}
-- Sex, age and scope each split the victims of a year with nothing lost.
select year
from {{ ref('rpt_victims_by_year') }}
where
    female + male + sex_unknown <> victims
    or children + adults + age_unknown <> victims
    or domestic + transnational + scope_unknown <> victims
