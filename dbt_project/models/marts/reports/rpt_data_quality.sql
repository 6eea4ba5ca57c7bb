-- Data-quality scorecard: one row per (agency, period, measure[, rule]) with a traffic light
-- and the change since the agency's previous period. The measures, their definitions and
-- thresholds are in the seed codelist_quality_measure; a period is the period of the
-- agency's extracts (YYYY or YYYY-MM) and the latest extract of it is the one measured,
-- except for timeliness and duplicate files, which look at every vintage.
with

measures as (
    select * from {{ ref('codelist_quality_measure') }}
),

-- Fields an agency does not record: measured as not applicable, never as missing.
not_recorded (source_agency, measure) as (
    values
    ('instante', 'residence_county'),
    ('instante', 'exploitation_form'),
    ('instante', 'exploitation_country'),
    ('ong', 'exploitation_country')
),

files as (
    select
        source_agency,
        period,
        source_file,
        extract_date,
        rows_read,
        row_number() over (
            partition by source_agency, period order by extract_date desc, source_file desc
        ) as recency
    from {{ source('ops', 'file_manifest') }}
    where status in ('validated', 'loaded') and period is not null
),

latest_files as (
    select * from files
    where recency = 1
),

periods as (
    select
        source_agency,
        period,
        count(*) as vintages,
        min(extract_date) as first_extract_date,
        case
            when length(period) = 4 then make_date(cast(period as integer), 12, 31)
            else last_day(cast(period || '-01' as date))
        end as period_end
    from files
    group by source_agency, period
),

grid as (
    select
        periods.source_agency,
        periods.period,
        measures.measure,
        cast(null as varchar) as rule
    from periods
    cross join measures
    where measures.measure != 'quarantined_share_by_rule'
    union all
    -- every rule the agency has triggered in any period, in every period of the agency
    select distinct
        periods.source_agency,
        periods.period,
        'quarantined_share_by_rule' as measure,
        quarantine.rule
    from periods
    inner join {{ source('ops', 'quarantine') }} as quarantine
        on periods.source_agency = quarantine.source_agency
),

persons as (
    select
        person.source_agency,
        person.period,
        person.cnp_status,
        person.birth_date,
        person.birth_year,
        person.residence_county_code,
        keys.person_id,
        keys.linked_by_cnp,
        nullif(person.sex, 'U') as sex
    from {{ source('unified', 'person_record') }} as person
    inner join latest_files using (source_file)
    inner join {{ ref('int_person_keys') }} as keys using (record_id)
),

victims as (
    select
        v.source_agency,
        v.period,
        v.exploitation_form,
        v.exploitation_country_code
    from {{ source('unified', 'victim_identification') }} as v
    inner join latest_files using (source_file)
    union all
    select
        a.source_agency,
        a.period,
        a.exploitation_form,
        a.exploitation_country_code
    from {{ source('unified', 'assistance_episode') }} as a
    inner join latest_files using (source_file)
),

completeness as (
    select
        source_agency,
        period,
        count(*) filter (where cnp_status = 'valid') as cnp_valid,
        count(*) filter (
            where birth_date is not null or (source_agency = 'ong' and birth_year is not null)
        ) as birth_date,
        count(*) filter (where residence_county_code is not null) as residence_county,
        count(*) as person_rows
    from persons
    group by source_agency, period
),

victim_completeness as (
    select
        source_agency,
        period,
        count(*) filter (where exploitation_form != 'unknown') as exploitation_form,
        count(exploitation_country_code) as exploitation_country,
        count(*) as victim_rows
    from victims
    group by source_agency, period
),

quarantined_rows as (
    select
        q.source_agency,
        f.period,
        q.rule,
        coalesce(q.source_sheet, '') || ':' || q.source_row as row_id
    from {{ source('ops', 'quarantine') }} as q
    inner join latest_files as f using (source_file)
),

quarantined as (
    select
        source_agency,
        period,
        count(distinct row_id) as rows_quarantined,
        count(distinct row_id) filter (where rule = 'duplicate_row') as duplicate_rows
    from quarantined_rows
    group by source_agency, period
),

quarantined_by_rule as (
    select
        source_agency,
        period,
        rule,
        count(distinct row_id) as rows_quarantined
    from quarantined_rows
    group by source_agency, period, rule
),

other_files as (
    select
        source_agency,
        period,
        count(*) filter (where status = 'rejected') as files_rejected,
        count(*) filter (where status = 'duplicate') as duplicate_files
    from {{ source('ops', 'file_manifest') }}
    where period is not null
    group by source_agency, period
),

revisions as (
    select
        source_agency,
        period,
        sum(rows_now) filter (where previous_source_file is null) as first_rows,
        coalesce(sum(abs(rows_change)), 0) as rows_changed
    from {{ ref('rpt_revision_log') }}
    where unified_table = 'person_record'
    group by source_agency, period
),

-- Each linked person row against every row of the same person at another agency (latest
-- extracts of every period); it agrees when it matches all of them where both give a value,
-- that is when the other agencies' values, where given, are all its own: their count, least
-- and greatest value per person and agency stand for the rows (a row-by-row self-join grows
-- with the square of a person's rows and held the whole join in memory).
linked as (
    select
        source_agency,
        period,
        person_id,
        sex,
        residence_county_code,
        coalesce(birth_year, year(birth_date)) as birth_year
    from persons
    where linked_by_cnp
),

given_per_agency as (
    select
        person_id,
        source_agency,
        count(sex) as sex_given,
        min(sex) as sex_least,
        max(sex) as sex_greatest,
        count(birth_year) as birth_year_given,
        min(birth_year) as birth_year_least,
        max(birth_year) as birth_year_greatest,
        count(residence_county_code) as county_given,
        min(residence_county_code) as county_least,
        max(residence_county_code) as county_greatest
    from linked
    group by person_id, source_agency
),

given_elsewhere as (
    select
        mine.person_id,
        mine.source_agency,
        sum(theirs.sex_given) as sex_given,
        min(theirs.sex_least) as sex_least,
        max(theirs.sex_greatest) as sex_greatest,
        sum(theirs.birth_year_given) as birth_year_given,
        min(theirs.birth_year_least) as birth_year_least,
        max(theirs.birth_year_greatest) as birth_year_greatest,
        sum(theirs.county_given) as county_given,
        min(theirs.county_least) as county_least,
        max(theirs.county_greatest) as county_greatest
    from given_per_agency as mine
    inner join given_per_agency as theirs
        on mine.person_id = theirs.person_id and mine.source_agency != theirs.source_agency
    group by mine.person_id, mine.source_agency
),

comparisons as (
    select
        mine.source_agency,
        mine.period,
        {{ agrees_with_all('mine.sex', 'other.sex') }} as sex_agrees,
        {{ agrees_with_all('mine.birth_year', 'other.birth_year') }} as birth_year_agrees,
        {{ agrees_with_all('mine.residence_county_code', 'other.county') }} as county_agrees
    from linked as mine
    inner join given_elsewhere as other using (person_id, source_agency)
),

consistency as (
    select
        source_agency,
        period,
        count(*) filter (where sex_agrees) as sex_agree,
        count(sex_agrees) as sex_compared,
        count(*) filter (where birth_year_agrees) as birth_year_agree,
        count(birth_year_agrees) as birth_year_compared,
        count(*) filter (where county_agrees) as county_agree,
        count(county_agrees) as county_compared
    from comparisons
    group by source_agency, period
),

-- (numerator, denominator) of each share; counts and days carry their value as numerator.
fractions as (
    select
        grid.source_agency,
        grid.period,
        grid.measure,
        grid.rule,
        case grid.measure
            when 'cnp_valid' then c.cnp_valid
            when 'birth_date' then c.birth_date
            when 'residence_county' then c.residence_county
            when 'exploitation_form' then v.exploitation_form
            when 'exploitation_country' then v.exploitation_country
            when 'quarantined_share' then coalesce(q.rows_quarantined, 0)
            when 'quarantined_share_by_rule' then coalesce(r.rows_quarantined, 0)
            when 'duplicate_row_share' then coalesce(q.duplicate_rows, 0)
            when 'files_rejected' then coalesce(o.files_rejected, 0)
            when 'duplicate_files' then coalesce(o.duplicate_files, 0)
            when 'days_to_first_extract' then p.first_extract_date - p.period_end
            when 'vintages' then p.vintages
            when 'revision_change_share' then rev.rows_changed
            when 'sex_agreement' then s.sex_agree
            when 'birth_year_agreement' then s.birth_year_agree
            when 'county_agreement' then s.county_agree
        end as numerator,
        case
            when grid.measure in ('cnp_valid', 'birth_date', 'residence_county')
                then c.person_rows
            when grid.measure in ('exploitation_form', 'exploitation_country') then v.victim_rows
            when
                grid.measure in (
                    'quarantined_share', 'quarantined_share_by_rule', 'duplicate_row_share'
                )
                then f.rows_read
            when grid.measure = 'revision_change_share' then rev.first_rows
            when grid.measure = 'sex_agreement' then s.sex_compared
            when grid.measure = 'birth_year_agreement' then s.birth_year_compared
            when grid.measure = 'county_agreement' then s.county_compared
        end as denominator,
        nr.measure is null as applicable
    from grid
    inner join periods as p using (source_agency, period)
    inner join latest_files as f using (source_agency, period)
    left join completeness as c using (source_agency, period)
    left join victim_completeness as v using (source_agency, period)
    left join quarantined as q using (source_agency, period)
    left join quarantined_by_rule as r using (source_agency, period, rule)
    left join other_files as o using (source_agency, period)
    left join revisions as rev using (source_agency, period)
    left join consistency as s using (source_agency, period)
    left join not_recorded as nr using (source_agency, measure)
),

scored as (
    select
        fractions.*,
        measures.dimension,
        measures.unit,
        measures.better,
        measures.green as green_threshold,
        measures.amber as amber_threshold,
        measures.definition,
        case
            when not fractions.applicable then null
            when measures.unit != 'share' then cast(fractions.numerator as double)
            when fractions.denominator > 0 then fractions.numerator / fractions.denominator
        end as value
    from fractions
    inner join measures using (measure)
),

rated as (
    select
        *,
        case
            when not applicable then 'not_applicable'
            when value is null then 'no_data'
            when better = 'higher' and value >= green_threshold then 'green'
            when better = 'higher' and value >= amber_threshold then 'amber'
            when better = 'higher' then 'red'
            when value <= green_threshold then 'green'
            when value <= amber_threshold then 'amber'
            else 'red'
        end as status
    from scored
)

select
    source_agency,
    period,
    dimension,
    measure,
    rule,
    applicable,
    cast(case when applicable then numerator end as bigint) as numerator,
    cast(case when applicable then denominator end as bigint) as denominator,
    cast(round(value, 6) as double) as value,
    unit,
    status,
    better,
    green_threshold,
    amber_threshold,
    lag(period) over w as previous_period,
    cast(round(lag(value) over w, 6) as double) as previous_value,
    cast(round(value - lag(value) over w, 6) as double) as change,
    lag(status) over w as previous_status,
    definition
from rated
window w as (partition by source_agency, measure, rule order by period)
