"""Police case register: accepted rows mapped to the unified records."""

from __future__ import annotations

import polars as pl

from schemas import vocabulary as v
from schemas.parsers import parse_date
from schemas.politie import AGENCY
from schemas.vocabulary import SOURCE_ROW
from sources.common.landing import LandingFile
from sources.common.mapping import (
    case_person_records,
    columns_of,
    lineage,
    offence_columns,
    offence_set,
)


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rows = accepted["case_persons"].with_columns(
        parse_date(pl.col("data_sesizare")).alias("_reported"),
        offence_set(pl.col("incadrare")).alias("_offences"),
    )
    return {
        **case_person_records(
            file,
            None,
            rows,
            agency=AGENCY,
            stage="police",
            case_number="nr_unic_dosar",
            event_date=pl.col("_reported"),
            offences=pl.col("_offences"),
            pretrial_detention=pl.lit(None, pl.Boolean),
            form="forma_exploatare",
            exploited_in="tara_exploatare",
        ),
        "case_record": _cases(file, rows),
    }


def _cases(file: LandingFile, rows: pl.DataFrame) -> pl.DataFrame:
    """One row per police case, traced to its first row (lowest source_row).

    The case facts repeat on every person row; they are taken from the first row, or from
    the first row that has them when the first leaves one empty. Offences are the union
    over all the case's rows (each row lists the articles for its person).
    """
    first = (
        rows.sort(SOURCE_ROW)
        .group_by("nr_unic_dosar", maintain_order=True)
        .agg(
            pl.col(SOURCE_ROW).first(),
            *[
                pl.col(c).drop_nulls().first()
                for c in ("unitate", "_reported", "mod_sesizare", "stadiu", "dosar_parchet")
            ],
            pl.col("_offences").list.explode(keep_nulls=False, empty_as_null=False).unique().sort(),
        )
    )
    return first.select(
        *lineage(file, None),
        pl.col("nr_unic_dosar").alias("case_number"),
        pl.lit("police").alias("case_stage"),
        pl.col("unitate").alias("handling_unit"),
        pl.col("_reported").alias("registration_date"),
        v.to_code(pl.col("mod_sesizare"), "referral_mode", AGENCY).alias("referral_mode"),
        *offence_columns(pl.col("_offences")),
        v.to_code(pl.col("stadiu"), "police_case_status", AGENCY).alias("police_case_status"),
        pl.col("dosar_parchet").alias("prosecutor_case_number"),
        # Only the prosecutor's extract knows these.
        pl.lit(None, pl.Utf8).alias("prosecutor_decision"),
        pl.lit(None, pl.Date).alias("prosecutor_decision_date"),
        pl.lit(None, pl.Utf8).alias("court_name"),
        pl.lit(None, pl.Boolean).alias("organised_crime_group"),
        pl.lit(None, pl.Boolean).alias("cross_border"),
        pl.lit(None, pl.Float64).alias("seized_value_lei"),
    ).select(columns_of("case_record"))
