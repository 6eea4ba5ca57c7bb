-- Persons suspected, prosecuted and convicted of trafficking per year, by sex. Same persons
-- as rpt_criminal_justice_by_year: the three sexes add up to its columns; a year where that
-- column is unknown (null) has no rows.
with known as (
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
),

sexes as (
    select unnest(['female', 'male', 'unknown']) as sex
),

counted as (
    select
        year,
        legal_status,
        sex,
        count(*) as persons
    from {{ ref('fct_trafficking_person_status') }}
    group by all
)

select
    known.year,
    known.legal_status,
    sexes.sex,
    cast(coalesce(counted.persons, 0) as bigint) as persons
from known
cross join sexes
left join counted
    on
        known.year = counted.year
        and known.legal_status = counted.legal_status
        and sexes.sex = counted.sex
