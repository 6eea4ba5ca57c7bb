"""Court decisions: rows as delivered, and their mapping to the unified records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas import checks
from schemas import vocabulary as v
from schemas.common import DeliveredPerson, columns_of, lineage, person_records
from sources.common.dates import parse_date, parse_plain_number
from sources.common.landing import LandingFile

AGENCY = "instante"
BOOLEAN = r"^(true|false)$"


class InstanteDecision(DeliveredPerson):
    """One (court file, defendant, decision) line as the courts export it."""

    numar_dosar: str = pa.Field()
    instanta: str = pa.Field()
    grad_jurisdictie: str = pa.Field()
    dosar_parchet: str = pa.Field(nullable=True)
    data_inregistrare: str = pa.Field(nullable=True)
    inculpat_sex: str = pa.Field(nullable=True)
    inculpat_data_nasterii: str = pa.Field(nullable=True)
    infractiune: str = pa.Field()
    solutie: str = pa.Field()
    data_solutie: str = pa.Field()
    definitiva: str = pa.Field()
    pedeapsa_tip: str = pa.Field(nullable=True)
    pedeapsa_durata_luni: str = pa.Field(nullable=True)
    pedeapsa_suspendare: str = pa.Field(nullable=True)
    pedeapsa_amenda_lei: str = pa.Field(nullable=True)
    confiscare_lei: str = pa.Field(nullable=True)
    despagubiri_lei: str = pa.Field(nullable=True)
    numar_victime: str = pa.Field(nullable=True)
    name_birth_date_key: str = pa.Field(nullable=True)
    name_birth_year_key: str = pa.Field(nullable=True)

    _file = checks.matches(
        "numar_dosar", pattern=r"^\d+/\d+/\d{4}(/[a-z0-9]+)*$", what="court file <n>/<court>/<year>"
    )
    _prosecutor_case = checks.matches(
        "dosar_parchet", pattern=r"^\d+/D/P/\d{4}$", what="prosecutor case number <n>/D/P/<year>"
    )
    _level = checks.in_codelist("grad_jurisdictie", codelist="court_level", agency=AGENCY)
    _dates = checks.is_date("data_inregistrare", "inculpat_data_nasterii", "data_solutie")
    _sex = checks.in_codelist("inculpat_sex", codelist="sex", agency=AGENCY)
    _offence = checks.is_offence_list("infractiune")
    _decision = checks.in_codelist("solutie", codelist="court_decision", agency=AGENCY)
    _booleans = checks.matches(
        "definitiva", "pedeapsa_suspendare", pattern=BOOLEAN, what="boolean (true/false)"
    )
    _sentence = checks.in_codelist("pedeapsa_tip", codelist="sentence_type", agency=AGENCY)
    _counts = checks.is_whole_number("pedeapsa_durata_luni", "numar_victime", low=0, high=1200)
    _amounts = checks.is_plain_amount("pedeapsa_amenda_lei", "confiscare_lei", "despagubiri_lei")

    @checks.row_rule(
        "prison_has_length", "a prison sentence needs its length in months (pedeapsa.durata_luni)"
    )
    def prison_has_length(cls, data: PolarsData) -> pl.LazyFrame:
        prison = pl.col("pedeapsa_tip") == "inchisoare"
        return data.lazyframe.select(
            (~prison | pl.col("pedeapsa_durata_luni").is_not_null()).fill_null(True)
        )


MODELS = {"decisions": InstanteDecision}


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rows = accepted["decisions"]
    born = parse_date(pl.col("inculpat_data_nasterii"))
    person = person_records(
        file,
        None,
        rows,
        role=pl.lit("defendant"),
        sex=v.to_code(pl.col("inculpat_sex"), "sex", AGENCY),
        birth_date=born,
    )
    decision = rows.select(
        *lineage(file, None),
        pl.col("numar_dosar").alias("court_case_number"),
        pl.col("instanta").alias("court_name"),
        v.to_code(pl.col("grad_jurisdictie"), "court_level", AGENCY).alias("court_level"),
        pl.col("dosar_parchet").alias("prosecutor_case_number"),
        parse_date(pl.col("data_inregistrare")).alias("registration_date"),
        v.to_offence_articles(pl.col("infractiune")).alias("offence_articles"),
        v.to_code(pl.col("solutie"), "court_decision", AGENCY).alias("decision"),
        parse_date(pl.col("data_solutie")).alias("decision_date"),
        (pl.col("definitiva") == "true").alias("is_final"),
        v.to_code(pl.col("pedeapsa_tip"), "sentence_type", AGENCY).alias("sentence_type"),
        pl.col("pedeapsa_durata_luni").cast(pl.Int64).alias("sentence_months"),
        pl.when(pl.col("pedeapsa_suspendare").is_not_null())
        .then(pl.col("pedeapsa_suspendare") == "true")
        .alias("is_suspended"),
        parse_plain_number(pl.col("pedeapsa_amenda_lei")).alias("fine_lei"),
        parse_plain_number(pl.col("confiscare_lei")).alias("confiscation_lei"),
        parse_plain_number(pl.col("despagubiri_lei")).alias("damages_lei"),
        pl.col("numar_victime").cast(pl.Int64).alias("victims_count"),
    ).select(columns_of("court_decision"))
    return {"person_record": person, "court_decision": decision}
