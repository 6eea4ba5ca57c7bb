"""Court decisions: accepted rows mapped to the unified records."""

from __future__ import annotations

import polars as pl

from schemas import vocabulary as v
from schemas.instante import AGENCY, iso_date
from schemas.parsers import parse_plain_number
from sources.common.landing import LandingFile
from sources.common.mapping import columns_of, lineage, offence_columns, person_records


def _code(column: str, codelist: str) -> pl.Expr:
    return v.to_code(pl.col(column), codelist, AGENCY)


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rows = accepted["decisions"]
    person = person_records(
        file,
        None,
        rows,
        role=pl.lit("defendant"),
        sex=_code("inculpat_sex", "sex"),
        birth_date=iso_date(pl.col("inculpat_data_nasterii")),
        case_number=pl.col("dosar_parchet"),
    )
    suspended = pl.col("pedeapsa_suspendare")
    decision = rows.select(
        *lineage(file, None),
        pl.col("numar_dosar").alias("court_case_number"),
        pl.col("instanta").alias("court_name"),
        _code("grad_jurisdictie", "court_level").alias("court_level"),
        pl.col("dosar_parchet").alias("prosecutor_case_number"),
        iso_date(pl.col("data_inregistrare")).alias("registration_date"),
        *offence_columns(v.to_offence_codes(pl.col("infractiune"))),
        _code("solutie", "court_decision").alias("decision"),
        iso_date(pl.col("data_solutie")).alias("decision_date"),
        (pl.col("definitiva") == "true").alias("is_final"),
        _code("pedeapsa_tip", "sentence_type").alias("sentence_type"),
        pl.col("pedeapsa_durata_luni").cast(pl.Int64).alias("sentence_months"),
        # Absent stays unknown (null); only a delivered true/false says suspended or not.
        pl.when(suspended.is_not_null()).then(suspended == "true").alias("is_suspended"),
        parse_plain_number(pl.col("pedeapsa_amenda_lei")).alias("fine_lei"),
        parse_plain_number(pl.col("confiscare_lei")).alias("confiscation_lei"),
        parse_plain_number(pl.col("despagubiri_lei")).alias("damages_lei"),
        pl.col("numar_victime").cast(pl.Int64).alias("victims_count"),
    ).select(columns_of("court_decision"))
    return {"person_record": person, "court_decision": decision}
