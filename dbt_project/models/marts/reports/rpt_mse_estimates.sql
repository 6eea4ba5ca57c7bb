-- Multiple systems estimates per year and stratum: the rows the Python model
-- int_mse_estimates computes (pipelines/estimation/strata.py), under this mart's contract.
select
    cast(year as integer) as year,
    stratum,
    stratum_value,
    lists_used,
    cast(observed as bigint) as observed,
    cast(estimate as double) as estimate,
    cast(interval_low as double) as interval_low,
    cast(interval_high as double) as interval_high,
    interval_method,
    model_method,
    model_terms,
    warning
from {{ ref('int_mse_estimates') }}
