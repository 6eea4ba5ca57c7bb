"""Multiple systems estimates per year and stratum, from rpt_capture_histories.

The statistics live in pipelines/estimation; this model only feeds them the
capture histories and writes their rows (method and seed fixed there: see strata.py). A
Python model is a table; the mart rpt_mse_estimates gives it its enforced contract.
The rows of the last build (this table, until dbt replaces it) are handed over too: a
stratum whose capture table and estimation code are unchanged keeps its row.
"""

from typing import Any

import duckdb


def model(dbt: Any, session: Any) -> Any:
    from pipelines.estimation.strata import estimate_strata

    dbt.config(materialized="table")
    histories = dbt.ref("rpt_capture_histories").pl()
    # A polars frame, not Arrow: for an Arrow table dbt-duckdb imports pyarrow.dataset, and
    # with it pandas (about 0.3 s of every build).
    return estimate_strata(histories, previous=_last_build(dbt, session))


def _last_build(dbt: Any, session: Any) -> Any:
    """This model's table as the last build left it, or None before the first build."""
    try:
        return session.sql(f"select * from {dbt.this}").pl()
    except duckdb.CatalogException:
        return None
