-- Compensation (damages) ordered for victims in final trafficking decisions, per year of the
-- decision. Amounts are ordered, not recovered. Victims: numar_victime of the court files in
-- which damages were ordered (the extract does not say how many of them were compensated).
with files as (
    select
        decision_year as year,
        court_case_number,
        sum(damages_lei) as damages_lei,
        max(victims_count) as victims
    from {{ ref('fct_court_decision') }}
    where is_final and is_trafficking_offence and damages_lei > 0
    group by all
),

years as (
    {{ known_years('instante') }}
    union
    select year from files
)

select
    cast(years.year as integer) as year,
    cast(count(files.court_case_number) as bigint) as court_files_with_damages,
    cast(sum(files.victims) as bigint) as victims_in_those_files,
    cast(coalesce(sum(files.damages_lei), 0) as double) as damages_ordered_lei
from years
left join files using (year)
group by all
