-- The agency extracts behind the numbers: loaded files, the latest of each (agency, period).
select
    source_agency,
    period,
    extract_date,
    source_file,
    cast(rows_read as bigint) as rows_read,
    cast(rows_accepted as bigint) as rows_accepted,
    cast(rows_quarantined as bigint) as rows_quarantined,
    extract_date = max(extract_date) over (partition by source_agency, period) as is_latest
from {{ source('ops', 'file_manifest') }}
where status = 'loaded'
