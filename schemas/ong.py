"""NGO / IO beneficiaries: rows as delivered, and their mapping to the unified records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import checks
from schemas import vocabulary as v
from schemas.common import DeliveredPerson, columns_of, lineage, person_records
from sources.common.dates import parse_date
from sources.common.landing import LandingFile

AGENCY = "ong"
SHEET = "Beneficiari"


class OngBeneficiary(DeliveredPerson):
    """One assisted person as an assistance provider delivers it."""

    organizatie: str = pa.Field()
    cod_beneficiar_key: str = pa.Field(nullable=True)
    sex: str = pa.Field(nullable=True)
    anul_nasterii: str = pa.Field(nullable=True)
    cetatenie: str = pa.Field(nullable=True)
    judet: str = pa.Field(nullable=True)
    data_intrarii_in_program: str = pa.Field(nullable=True)
    forma_exploatare: str = pa.Field(nullable=True)
    participa_la_procesul_penal: str = pa.Field(nullable=True)
    nr_dosar_penal: str = pa.Field(nullable=True)
    name_birth_date_key: str = pa.Field(nullable=True)
    name_birth_year_key: str = pa.Field(nullable=True)

    _sex = checks.in_codelist("sex", codelist="sex", agency=AGENCY)
    _year = checks.is_whole_number("anul_nasterii", low=1900, high=2100)
    _country = checks.is_country("cetatenie")
    _county = checks.is_county("judet")
    _entry = checks.is_date("data_intrarii_in_program")
    _form = checks.expr_check(
        "forma_exploatare",
        name="exploitation_form_text",
        error="names no known form of exploitation (keyword rules in the codelist)",
        valid=lambda c: v.to_exploitation_form_by_keyword(c, AGENCY).is_not_null(),
    )
    _takes_part = checks.in_codelist(
        "participa_la_procesul_penal", codelist="yes_no", agency=AGENCY
    )


MODELS = {"beneficiaries": OngBeneficiary}


def country_in_text(text: pl.Expr) -> pl.Expr:
    """The first word or word pair of free text that names a country ('munca, Italia' -> IT)."""
    words = (
        text.str.replace_all(r"[()\[\],;:.]", " ")
        .str.split(" ")
        .list.eval(pl.element().filter(pl.element().str.len_chars() > 2))
    )
    pairs = words.list.eval(pl.concat_str(pl.element(), pl.element().shift(-1), separator=" "))
    candidates = pl.concat_list(pairs, words).list.eval(v.to_country(pl.element()).drop_nulls())
    return candidates.list.first()


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rows = accepted["beneficiaries"]
    birth_year = pl.col("anul_nasterii").cast(pl.Int64)
    person = person_records(
        file,
        SHEET,
        rows,
        role=pl.lit("assisted_person"),
        sex=v.to_code(pl.col("sex"), "sex", AGENCY),
        birth_year=birth_year,
        citizenship=v.to_country(pl.col("cetatenie")),
        county=v.to_county(pl.col("judet")),
    )
    episode = rows.select(
        *lineage(file, SHEET),
        pl.col("organizatie").alias("provider_name"),
        "cod_beneficiar_key",
        parse_date(pl.col("data_intrarii_in_program")).alias("programme_entry_date"),
        v.to_exploitation_form_by_keyword(pl.col("forma_exploatare"), AGENCY)
        .fill_null("unknown")
        .alias("exploitation_form"),
        country_in_text(pl.col("forma_exploatare")).alias("exploitation_country_code"),
        v.to_code(pl.col("participa_la_procesul_penal"), "yes_no", AGENCY).alias(
            "participates_in_proceedings"
        ),
        pl.col("nr_dosar_penal").alias("case_number"),
    ).rename({"cod_beneficiar_key": "beneficiary_code_key"})
    return {
        "person_record": person,
        "assistance_episode": episode.select(columns_of("assistance_episode")),
    }
