-- Confiscation and damages ordered in final trafficking decisions per year, with the number
-- of court files that ordered them and the two largest files' amounts, for the dominance rule
-- of the public release. Totals equal rpt_criminal_justice_by_year's amounts.
with files as (
    select
        decision_year as year,
        court_case_number,
        sum(confiscation_lei) as confiscation_lei,
        sum(damages_lei) as damages_lei
    from {{ ref('fct_court_decision') }}
    where is_final and is_trafficking_offence
    group by all
),

long as (
    unpivot files
    on confiscation_lei, damages_lei
    into name amount value lei
)

select
    cast(year as integer) as year,
    amount,
    cast(sum(lei) as double) as total_lei,
    cast(count(*) filter (where lei > 0) as bigint) as court_files,
    cast(max(lei) as double) as largest_lei,
    cast(list_sort(list(lei), 'DESC')[2] as double) as second_largest_lei
from long
where lei is not null
group by year, amount
