{{ config(meta={'dagster': {'ref': {'name': 'rpt_persons_by_legal_status_sex'}}}) }}
-- The sexes of each legal status add up to the person counts of rpt_criminal_justice_by_year.
with by_sex as (
    select
        year,
        legal_status,
        sum(persons) as persons
    from {{ ref('rpt_persons_by_legal_status_sex') }}
    group by all
),

totals as (
    unpivot (
        select
            year,
            persons_suspected as suspected,
            persons_sent_to_court as prosecuted,
            persons_convicted_final as convicted
        from {{ ref('rpt_criminal_justice_by_year') }}
    )
    on suspected, prosecuted, convicted
    into name legal_status value persons
)

select totals.year
from totals
left join by_sex using (year, legal_status)
where totals.persons is distinct from by_sex.persons
