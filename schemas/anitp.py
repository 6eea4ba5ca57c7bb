"""ANITP victim register: rows as delivered, and their mapping to the unified records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl

from schemas import checks
from schemas import vocabulary as v
from schemas.common import DeliveredPerson, age_group, lineage, person_records
from sources.common.dates import parse_date
from sources.common.landing import LandingFile

AGENCY = "anitp"


class AnitpVictim(DeliveredPerson):
    """One identified victim (identification episode), as ANITP delivers it."""

    id_simev: str = pa.Field()
    data_identificare: str = pa.Field()
    institutie_identificare: str = pa.Field()
    sex: str = pa.Field()
    data_nasterii: str = pa.Field(nullable=True)
    varsta: str = pa.Field()
    cetatenie: str = pa.Field(nullable=True)
    judet_resedinta: str = pa.Field(nullable=True)
    mediu: str = pa.Field(nullable=True)
    forma_exploatare: str = pa.Field(nullable=True)
    tip_trafic: str = pa.Field(nullable=True)
    tara_exploatare: str = pa.Field(nullable=True)
    mod_recrutare: str = pa.Field(nullable=True)
    asistenta: str = pa.Field(nullable=True)
    participare_proces: str = pa.Field(nullable=True)
    nr_dosar_penal: str = pa.Field(nullable=True)

    _id = checks.matches("id_simev", pattern=r"^V-\d{4}-\d+$", what="register id V-<year>-<n>")
    _dates = checks.is_date("data_identificare", "data_nasterii", excel_serials=False)
    _bare_year = checks.no_bare_year("data_identificare", "data_nasterii")
    _after_extract = checks.not_after_extract("data_identificare", "data_nasterii")
    _placeholders = checks.no_placeholder(
        "id_simev", "data_identificare", "institutie_identificare", "sex", "varsta"
    )
    _age = checks.is_whole_number("varsta", low=0, high=110)
    _institution = checks.in_codelist(
        "institutie_identificare", codelist="identifying_institution", agency=AGENCY
    )
    _sex = checks.in_codelist("sex", codelist="sex", agency=AGENCY)
    _countries = checks.is_country("cetatenie", "tara_exploatare")
    _county = checks.is_county("judet_resedinta")
    _area = checks.in_codelist("mediu", codelist="residence_area", agency=AGENCY)
    _forms = checks.is_form_list("forma_exploatare", agency=AGENCY)
    _scope = checks.in_codelist("tip_trafic", codelist="trafficking_scope", agency=AGENCY)
    _recruitment = checks.in_codelist("mod_recrutare", codelist="recruitment_method", agency=AGENCY)
    _yes_no = checks.in_codelist(
        "asistenta", "participare_proces", codelist="yes_no", agency=AGENCY
    )


MODELS = {"victims": AnitpVictim}


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rows = accepted["victims"]
    birth_date = parse_date(pl.col("data_nasterii"))
    age = pl.col("varsta").cast(pl.Int64)
    forms = v.to_exploitation_forms(pl.col("forma_exploatare"), AGENCY)
    person = person_records(
        file,
        None,
        rows,
        role=pl.lit("victim"),
        sex=v.to_code(pl.col("sex"), "sex", AGENCY),
        birth_date=birth_date,
        birth_year=pl.coalesce(
            birth_date.dt.year(), parse_date(pl.col("data_identificare")).dt.year() - age
        ),
        citizenship=v.to_country(pl.col("cetatenie")),
        county=v.to_county(pl.col("judet_resedinta")),
    )
    victim = rows.select(
        *lineage(file, None),
        parse_date(pl.col("data_identificare")).alias("identification_date"),
        v.to_code(pl.col("institutie_identificare"), "identifying_institution", AGENCY).alias(
            "identifying_institution"
        ),
        age.alias("age_at_identification"),
        age_group(age).alias("age_group"),
        forms.list.first().fill_null("unknown").alias("exploitation_form"),
        forms.fill_null([]).alias("exploitation_forms"),
        v.to_country(pl.col("tara_exploatare")).alias("exploitation_country_code"),
        v.to_code(pl.col("tip_trafic"), "trafficking_scope", AGENCY)
        .fill_null("unknown")
        .alias("trafficking_scope"),
        v.to_code(pl.col("mod_recrutare"), "recruitment_method", AGENCY).alias(
            "recruitment_method"
        ),
        v.to_code(pl.col("mediu"), "residence_area", AGENCY).alias("residence_area"),
        v.to_code(pl.col("asistenta"), "yes_no", AGENCY).alias("accepted_assistance"),
        v.to_code(pl.col("participare_proces"), "yes_no", AGENCY).alias(
            "participates_in_proceedings"
        ),
        pl.col("nr_dosar_penal").alias("case_number"),
    )
    return {"person_record": person, "victim_identification": victim}
