-- Final trafficking convictions per year by sentence length band: persons, custodial,
-- suspended and below the statutory minimum. The bands add up to persons_convicted_final.
with bands as (
    select unnest([
        'under_1y', '1y_to_under_3y', '3y_to_under_5y', '5y_to_under_10y', '10y_and_over',
        'fine_only', 'unknown'
    ]) as sentence_band
),

years as (
    select year
    from {{ ref('rpt_criminal_justice_by_year') }}
    where persons_convicted_final is not null
),

counted as (
    select
        year,
        sentence_band,
        count(*) as persons,
        count(*) filter (where is_custodial) as custodial,
        count(*) filter (where is_suspended) as suspended,
        count(*) filter (where is_below_minimum) as below_statutory_minimum,
        count(*) filter (where is_below_minimum is null) as minimum_unknown
    from {{ ref('fct_trafficking_sentence') }}
    group by all
)

select
    years.year,
    bands.sentence_band,
    cast(coalesce(c.persons, 0) as bigint) as persons,
    cast(coalesce(c.custodial, 0) as bigint) as custodial,
    cast(coalesce(c.suspended, 0) as bigint) as suspended,
    cast(coalesce(c.below_statutory_minimum, 0) as bigint) as below_statutory_minimum,
    cast(coalesce(c.minimum_unknown, 0) as bigint) as minimum_unknown
from years
cross join bands
left join counted as c on years.year = c.year and bands.sentence_band = c.sentence_band
