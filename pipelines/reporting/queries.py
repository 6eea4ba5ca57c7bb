"""Read the report marts for a period (read-only) and shape the standard tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

RATE_DECIMALS = 6


@dataclass(frozen=True)
class Period:
    first: int
    last: int

    @property
    def label(self) -> str:
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"


def read_mart(
    con: duckdb.DuckDBPyConnection, name: str, period: Period, year: str = "year"
) -> pl.DataFrame:
    frame: pl.DataFrame = con.sql(  # duckdb types .pl() as Any
        f"SELECT * FROM marts.{name} WHERE {year} BETWEEN ? AND ? ORDER BY ALL",
        params=[period.first, period.last],
    ).pl()
    return frame


def rate(count: pl.Expr, population: pl.Expr) -> pl.Expr:
    """Per 100,000. Over a period `population` is the sum of the yearly populations, so the
    rate is total victims / sum of the yearly populations: the average annual rate."""
    return (count * 100_000 / population).round(RATE_DECIMALS)


def victims_by_year(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_victims_by_year", period).with_columns(
        pl.col("rate_per_100k").round(RATE_DECIMALS)
    )


def victims_by_county(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """Over the whole period: rate = total victims / sum of yearly populations (average annual)."""
    yearly = read_mart(con, "rpt_victims_by_county_year", period)
    return (
        yearly.group_by("county_code", "county_name")
        .agg(
            pl.col("victims").sum(),
            pl.col("population").mean().alias("population_avg"),
            pl.col("population").sum().alias("_population_sum"),
            pl.col("population").null_count().alias("_missing"),
        )
        .with_columns(
            pl.when(pl.col("_missing") == 0).then(pl.col("population_avg").round(1)),
            pl.when(pl.col("_missing") == 0)
            .then(rate(pl.col("victims"), pl.col("_population_sum")))
            .alias("rate_per_100k"),
        )
        .sort("county_code")
        .select("county_code", "county_name", "victims", "population_avg", "rate_per_100k")
    )


def victims_by_county_year(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_victims_by_county_year", period).with_columns(
        rate(pl.col("victims"), pl.col("population")).alias("rate_per_100k")
    )


def victims_by_exploitation_country(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return (
        read_mart(con, "rpt_victims_by_exploitation_country_year", period)
        .group_by("country_code", "country_name")
        .agg(pl.col("victims").sum())
        .sort(["victims", "country_code"], descending=[True, False])
    )


def _share_of_known(over: list[str]) -> pl.Expr:
    """Of the victims whose form is known (unknown excluded, its share empty)."""
    is_known = pl.col("exploitation_form") != "unknown"
    known = pl.col("victims").filter(is_known).sum()
    known = known.over(over) if over else known
    return (
        pl.when(is_known & (known > 0))
        .then((pl.col("victims") / known).round(RATE_DECIMALS))
        .alias("share_of_known")
    )


def victims_by_form(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    totals = (
        read_mart(con, "rpt_victims_by_form_year", period)
        .group_by("exploitation_form", maintain_order=True)
        .agg(pl.col("victims").sum())
    )
    return totals.with_columns(_share_of_known([]))


def victims_by_form_year(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    yearly = read_mart(con, "rpt_victims_by_form_year", period)
    return yearly.with_columns(_share_of_known(["year"]))


ESTIMATE_COLUMNS = {
    "estimate": "estimated_total",
    "interval_low": "estimated_total_low",
    "interval_high": "estimated_total_high",
}


def mse_estimates(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """The experimental estimates of each year's whole victim population (stratum 'all')."""
    return read_mart(con, "rpt_mse_estimates", period).filter(pl.col("stratum") == "all")


def sdg_16_2_2(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """With the experimental estimate of all victims, found or not, beside the detected ones
    on each year's total row (whole persons; empty where there is no estimate)."""
    sdg = read_mart(con, "rpt_sdg_16_2_2", period).with_columns(
        pl.col("rate_per_100k").round(RATE_DECIMALS)
    )
    estimates = mse_estimates(con, period).select(
        "year",
        *(pl.col(c).round(0).cast(pl.Int64).alias(name) for c, name in ESTIMATE_COLUMNS.items()),
    )
    total_row = pl.all_horizontal(
        pl.col(c) == "total" for c in ("sex", "age_group", "exploitation_form", "sdg_form")
    )
    with_estimates = sdg.join(estimates, on="year", how="left", maintain_order="left")
    return with_estimates.with_columns(
        pl.when(total_row).then(pl.col(name)).alias(name) for name in ESTIMATE_COLUMNS.values()
    )


def victims_by_status(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_victims_by_status_year", period)


def criminal_justice_by_year(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_criminal_justice_by_year", period)


def criminal_justice_by_offence_year(
    con: duckdb.DuckDBPyConnection, period: Period
) -> pl.DataFrame:
    return read_mart(con, "rpt_criminal_justice_by_offence_year", period)


def offence_reclassification(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_offence_reclassification", period)


CASE_DURATION_SCHEMA = {
    "registration_year": pl.Int32,
    "transition": pl.Utf8,
    "cases": pl.Int64,
    "still_open": pl.Int64,
    "share_still_open": pl.Float64,
    "median_days": pl.Float64,
}


def km_median(days: np.ndarray, reached: np.ndarray) -> float | None:
    """Kaplan-Meier median: the first time the survival curve falls below 0.5 (statsmodels'
    SAS convention); None when it never does (median not reached) or nothing was reached."""
    if not reached.any():
        return None
    # statsmodels (with scipy.stats) loads here, not with the Dagster definitions.
    from statsmodels.duration.survfunc import SurvfuncRight

    median = SurvfuncRight(days, reached.astype(int)).quantile(0.5)
    return None if np.isnan(median) else float(median)


def case_durations(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """Per registration year and transition: cases, still open (censored at the extract date),
    their share and the Kaplan-Meier median days."""
    cases = read_mart(con, "fct_case_duration", period, year="registration_year")
    rows = []
    for (year, transition), group in cases.group_by(
        "registration_year", "transition", maintain_order=True
    ):
        reached = group["event_observed"].to_numpy()
        still_open = int((~reached).sum())
        rows.append(
            {
                "registration_year": year,
                "transition": transition,
                "cases": group.height,
                "still_open": still_open,
                "share_still_open": round(still_open / group.height, RATE_DECIMALS),
                "median_days": km_median(group["duration_days"].to_numpy(), reached),
            }
        )
    return pl.DataFrame(rows, schema=CASE_DURATION_SCHEMA).sort("registration_year", "transition")


def extracts_used(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    frame: pl.DataFrame = con.sql(
        "SELECT source_agency, period, extract_date, source_file, rows_accepted, rows_quarantined "
        "FROM marts.rpt_extracts_used WHERE is_latest ORDER BY ALL"
    ).pl()
    return frame


def series_breaks(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_series_breaks", period)


def code_labels(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """English labels of the codes the tables use, from the marts' dimension tables and the
    codelist seed (sex, age group), for the workbooks; the CSVs keep the codes."""
    sources = {
        "county_code": "SELECT county_code, county_name FROM marts.dim_county",
        "country_code": "SELECT country_code, country_name_en FROM marts.dim_country",
        "exploitation_form": "SELECT exploitation_form, label_en FROM marts.dim_exploitation_form",
        "sex": "SELECT code, label_en FROM seeds.codelist_codes WHERE codelist = 'sex'",
        "age_group": "SELECT code, label_en FROM seeds.codelist_codes WHERE codelist = 'age_group'",
    }
    labels: dict[str, dict[str, str]] = {}
    for column, sql in sources.items():
        try:
            labels[column] = dict(con.sql(sql).fetchall())
        except duckdb.CatalogException:  # an older publication without the table: codes only
            labels[column] = {}
    return labels


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True)
