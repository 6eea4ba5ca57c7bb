-- One row per (year, person) finally convicted of a trafficking offence: the final conviction
-- with the longest prison term that year (a fine only when there is no prison term), its
-- length band and whether it is below the statutory minimum in force at the decision date.
with convictions as (
    select distinct on (person_id, decision_year)
        person_id,
        decision_year as year,
        decision_date,
        offence_codes,
        sentence_type,
        sentence_months,
        is_custodial,
        is_suspended_prison
    from {{ ref('fct_court_decision') }}
    where decision = 'conviction' and is_final and is_trafficking_offence
    order by
        person_id asc,
        decision_year asc,
        (sentence_type = 'prison') desc nulls last,
        sentence_months desc nulls last,
        record_id asc
),

-- The offence date is not recorded: the minimum in force at the decision date is used, and
-- with several trafficking offences the lowest of their minimums.
minimums as (
    select
        c.person_id,
        c.year,
        min(m.minimum_months) as minimum_months
    from convictions as c
    inner join {{ ref('ref_offence_minimum_sentence') }} as m
        on
            list_contains(c.offence_codes, m.offence_code)
            and c.decision_date >= m.valid_from
            and (m.valid_to is null or c.decision_date <= m.valid_to)
    group by all
)

select
    c.year,
    c.person_id,
    c.sentence_type,
    c.sentence_months,
    coalesce(c.is_custodial, false) as is_custodial,
    coalesce(c.is_suspended_prison, false) as is_suspended,
    case
        when c.sentence_type = 'fine' then 'fine_only'
        when c.sentence_type = 'prison' and c.sentence_months < 12 then 'under_1y'
        when c.sentence_type = 'prison' and c.sentence_months < 36 then '1y_to_under_3y'
        when c.sentence_type = 'prison' and c.sentence_months < 60 then '3y_to_under_5y'
        when c.sentence_type = 'prison' and c.sentence_months < 120 then '5y_to_under_10y'
        when c.sentence_type = 'prison' then '10y_and_over'
        else 'unknown'
    end as sentence_band,
    m.minimum_months,
    case
        when c.sentence_type = 'fine' then true
        when c.sentence_type = 'prison' then c.sentence_months < m.minimum_months
    end as is_below_minimum
from convictions as c
left join minimums as m using (person_id, year)
