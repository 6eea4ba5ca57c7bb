-- Known breaks in the series, to print beside any table that spans them.
select
    cast(year as integer) as year,
    description
from {{ ref('codelist_series_breaks') }}
