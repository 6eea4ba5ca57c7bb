-- The agency extracts behind the numbers: loaded files, the latest of each (agency, period).
select
    source_agency,
    period,
    extract_date,
    source_file,
    cast(rows_accepted as bigint) as rows_accepted,
    extract_date = max(extract_date) over (partition by source_agency, period) as is_latest
from {{ source('ops', 'file_manifest') }}
where status = 'loaded'
