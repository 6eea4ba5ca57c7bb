"""ANITP victim register: accepted rows mapped to the unified records."""

from __future__ import annotations

import polars as pl

from schemas import vocabulary as v
from schemas.anitp import AGENCY
from schemas.parsers import parse_date
from sources.common.landing import LandingFile
from sources.common.mapping import age_group, lineage, person_records


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
        case_number=pl.col("nr_dosar_penal"),
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
