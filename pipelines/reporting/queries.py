"""Read the report marts for a period (read-only) and shape the standard tables."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
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


def victims_by_exploitation_country(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return (
        read_mart(con, "rpt_victims_by_exploitation_country_year", period)
        .group_by("country_code", "country_name")
        .agg(pl.col("victims").sum())
        .sort(["victims", "country_code"], descending=[True, False])
    )


def victims_by_form(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    """share_of_known: of the victims whose form is known (unknown excluded, its share empty)."""
    totals = (
        read_mart(con, "rpt_victims_by_form_year", period)
        .group_by("exploitation_form", maintain_order=True)
        .agg(pl.col("victims").sum())
    )
    known = totals.filter(pl.col("exploitation_form") != "unknown")["victims"].sum()
    return totals.with_columns(
        pl.when((pl.col("exploitation_form") != "unknown") & pl.lit(known > 0))
        .then((pl.col("victims") / pl.lit(known)).round(RATE_DECIMALS))
        .alias("share_of_known")
    )


def sdg_16_2_2(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_sdg_16_2_2", period).with_columns(
        pl.col("rate_per_100k").round(RATE_DECIMALS)
    )


def criminal_justice_by_year(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_criminal_justice_by_year", period)


def criminal_justice_by_offence_year(
    con: duckdb.DuckDBPyConnection, period: Period
) -> pl.DataFrame:
    return read_mart(con, "rpt_criminal_justice_by_offence_year", period)


def offence_reclassification(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_offence_reclassification", period)


def extracts_used(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    frame: pl.DataFrame = con.sql(
        "SELECT source_agency, period, extract_date, source_file, rows_accepted, rows_quarantined "
        "FROM marts.rpt_extracts_used WHERE is_latest ORDER BY ALL"
    ).pl()
    return frame


def series_breaks(con: duckdb.DuckDBPyConnection, period: Period) -> pl.DataFrame:
    return read_mart(con, "rpt_series_breaks", period)


def connect_read_only(warehouse: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(warehouse), read_only=True)
