"""Multiple systems estimates per year and stratum, from rpt_capture_histories.

The statistics live in pipelines/estimation (statsmodels); this model only feeds them the
capture histories and writes their rows (method and seed fixed there: see strata.py). A
Python model is a table; the mart rpt_mse_estimates gives it its enforced contract.
"""

from typing import Any


def model(dbt: Any, session: Any) -> Any:
    from pipelines.estimation.strata import estimate_strata

    dbt.config(materialized="table")
    histories = dbt.ref("rpt_capture_histories").pl()
    return estimate_strata(histories).to_arrow()
