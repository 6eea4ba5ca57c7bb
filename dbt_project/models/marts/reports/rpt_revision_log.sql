-- What each new extract (vintage) of an (agency, period) changed, per unified table: rows
-- in it, rows in the extract it supersedes, and the difference. Earlier vintages stay in
-- unified.*, so a revision can always be traced back.
{% set tables = [
    'person_record', 'victim_identification', 'case_record',
    'proceedings_event', 'court_decision', 'assistance_episode'
] %}

with

vintages as (
    select
        source_agency,
        period,
        extract_date,
        source_file,
        lag(extract_date) over w as previous_extract_date,
        lag(source_file) over w as previous_source_file
    from {{ ref('rpt_extracts_used') }}
    window w as (partition by source_agency, period order by extract_date, source_file)
),

rows_per_file as (
    {% for table in tables %}
        select
            source_file,
            '{{ table }}' as unified_table,
            count(*) as n_rows
        from {{ source('unified', table) }}
        group by source_file
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

tables_of_agency as (
    select distinct
        v.source_agency,
        r.unified_table
    from rows_per_file as r
    inner join vintages as v on r.source_file = v.source_file
),

vintage_tables as (
    select
        vintages.*,
        tables_of_agency.unified_table,
        case
            when vintages.previous_source_file is not null
                then coalesce(before_rows.n_rows, 0)
        end as rows_before
    from vintages
    inner join tables_of_agency on vintages.source_agency = tables_of_agency.source_agency
    left join rows_per_file as before_rows
        on
            vintages.previous_source_file = before_rows.source_file
            and tables_of_agency.unified_table = before_rows.unified_table
)

select
    v.source_agency,
    v.period,
    v.unified_table,
    v.extract_date,
    v.source_file,
    v.previous_extract_date,
    v.previous_source_file,
    cast(coalesce(now_rows.n_rows, 0) as bigint) as rows_now,
    cast(v.rows_before as bigint) as rows_before,
    cast(coalesce(now_rows.n_rows, 0) - v.rows_before as bigint) as rows_change
from vintage_tables as v
left join rows_per_file as now_rows
    on v.source_file = now_rows.source_file and v.unified_table = now_rows.unified_table
