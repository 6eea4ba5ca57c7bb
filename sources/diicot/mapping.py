"""DIICOT cases and persons: accepted rows mapped to the unified records."""

from __future__ import annotations

import polars as pl

from schemas import vocabulary as v
from schemas.diicot import AGENCY, CASES_SHEET, PERSONS_SHEET
from schemas.parsers import parse_date, parse_ro_number
from sources.common.landing import LandingFile
from sources.common.mapping import (
    case_person_records,
    columns_of,
    lineage,
    offence_columns,
    offence_set,
)


def _yes(column: str) -> pl.Expr:
    code = v.to_code(pl.col(column), "yes_no", AGENCY)
    return pl.when(code == "yes").then(True).when(code == "no").then(False)


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    cases = accepted["cases"].with_columns(
        parse_date(pl.col("data_inregistrarii")).alias("_registered"),
        offence_set(pl.col("infractiuni")).alias("_offences"),
    )
    case_facts = cases.select("nr_dosar", "_registered", "_offences").unique(
        subset="nr_dosar", keep="first", maintain_order=True
    )
    persons = accepted["persons"].join(case_facts, on="nr_dosar", how="left")
    return {
        "case_record": _cases(file, cases),
        **case_person_records(
            file,
            PERSONS_SHEET,
            persons,
            agency=AGENCY,
            stage="prosecution",
            case_number="nr_dosar",
            event_date=pl.col("_registered"),
            offences=pl.col("_offences").fill_null([]),
            pretrial_detention=_yes("arestat_preventiv"),
            form="forma_exploatarii",
            exploited_in="tara_exploatarii",
        ),
    }


def _cases(file: LandingFile, cases: pl.DataFrame) -> pl.DataFrame:
    return cases.select(
        *lineage(file, CASES_SHEET),
        pl.col("nr_dosar").alias("case_number"),
        pl.lit("prosecution").alias("case_stage"),
        pl.col("structura").alias("handling_unit"),
        pl.col("_registered").alias("registration_date"),
        pl.lit(None, pl.Utf8).alias("referral_mode"),
        *offence_columns(pl.col("_offences")),
        pl.lit(None, pl.Utf8).alias("police_case_status"),
        pl.col("nr_dosar").alias("prosecutor_case_number"),
        v.to_code(pl.col("solutie"), "prosecutor_decision", AGENCY).alias("prosecutor_decision"),
        parse_date(pl.col("data_solutiei")).alias("prosecutor_decision_date"),
        pl.col("instanta_sesizata").alias("court_name"),
        _yes("grup_infractional_organizat").alias("organised_crime_group"),
        _yes("transfrontalier").alias("cross_border"),
        parse_ro_number(pl.col("valoare_sechestru_lei")).alias("seized_value_lei"),
    ).select(columns_of("case_record"))
