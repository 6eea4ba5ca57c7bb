"""Expressions shared by the agency mappings into the unified record base."""

from __future__ import annotations

import polars as pl

from schemas.unified import UNIFIED_MODELS
from schemas.vocabulary import SOURCE_ROW
from sources.common.landing import LandingFile


def record_id(file: LandingFile, sheet: str | None) -> pl.Expr:
    """`<file stem>:<sheet or ->:<row>`: unique per source row, readable by a steward."""
    prefix = f"{file.path.stem}:{sheet or '-'}:"
    return pl.format(prefix + "{}", pl.col(SOURCE_ROW)).alias("record_id")


def lineage(file: LandingFile, sheet: str | None) -> list[pl.Expr]:
    """The lineage columns every unified table starts with."""
    return [
        record_id(file, sheet),
        pl.lit(file.agency).alias("source_agency"),
        pl.lit(file.file_name).alias("source_file"),
        pl.lit(sheet, pl.Utf8).alias("source_sheet"),
        pl.col(SOURCE_ROW).alias("source_row"),
        pl.lit(file.period).alias("period"),
        pl.lit(file.extract_date).alias("extract_date"),
    ]


def age_at(birth_date: pl.Expr, event_date: pl.Expr) -> pl.Expr:
    """Completed years between a birth date and an event date."""
    had_birthday = (event_date.dt.month() > birth_date.dt.month()) | (
        (event_date.dt.month() == birth_date.dt.month())
        & (event_date.dt.day() >= birth_date.dt.day())
    )
    years = event_date.dt.year() - birth_date.dt.year()
    return (years - pl.when(had_birthday).then(0).otherwise(1)).cast(pl.Int64)


def age_group(age: pl.Expr) -> pl.Expr:
    """child (< 18), adult (18+), unknown (no age)."""
    return (
        pl.when(age.is_null())
        .then(pl.lit("unknown"))
        .when(age < 18)
        .then(pl.lit("child"))
        .otherwise(pl.lit("adult"))
    )


def scope_from_country(country_code: pl.Expr) -> pl.Expr:
    """Domestic when exploited in Romania, transnational elsewhere, unknown when not recorded."""
    return (
        pl.when(country_code.is_null())
        .then(pl.lit("unknown"))
        .when(country_code == "RO")
        .then(pl.lit("domestic"))
        .otherwise(pl.lit("transnational"))
    )


def sex_or_unknown(code: pl.Expr) -> pl.Expr:
    return code.fill_null("U")


def columns_of(table: str) -> list[str]:
    """The columns of a unified table, in the model's order."""
    return list(UNIFIED_MODELS[table].to_schema().columns)


def case_victims(
    file: LandingFile,
    sheet: str | None,
    rows: pl.DataFrame,
    *,
    institution: str,
    identified: pl.Expr,
    born: pl.Expr,
    form: pl.Expr,
    exploited_in: pl.Expr,
    case_number: pl.Expr,
) -> pl.DataFrame:
    """Victims named in a criminal case (police PV, DIICOT injured party): one form, and none
    of the facts only the ANITP register holds (recruitment, assistance, participation)."""
    age = age_at(born, identified)
    return rows.select(
        *lineage(file, sheet),
        identified.alias("identification_date"),
        pl.lit(institution).alias("identifying_institution"),
        age.alias("age_at_identification"),
        age_group(age).alias("age_group"),
        form.fill_null("unknown").alias("exploitation_form"),
        pl.when(form.is_null())
        .then(pl.lit([], pl.List(pl.Utf8)))
        .otherwise(pl.concat_list(form))
        .alias("exploitation_forms"),
        exploited_in.alias("exploitation_country_code"),
        scope_from_country(exploited_in).alias("trafficking_scope"),
        *[
            pl.lit(None, pl.Utf8).alias(c)
            for c in (
                "recruitment_method",
                "residence_area",
                "accepted_assistance",
                "participates_in_proceedings",
            )
        ],
        case_number.alias("case_number"),
    ).select(columns_of("victim_identification"))


def person_records(
    file: LandingFile,
    sheet: str | None,
    rows: pl.DataFrame,
    *,
    role: pl.Expr,
    sex: pl.Expr,
    birth_date: pl.Expr | None = None,
    birth_year: pl.Expr | None = None,
    citizenship: pl.Expr | None = None,
    county: pl.Expr | None = None,
) -> pl.DataFrame:
    """`person_record` rows: pseudonyms as the reader made them, attributes in project codes;
    what an agency does not record is null (sex: U)."""
    nothing = pl.lit(None, pl.Utf8)
    born = birth_date if birth_date is not None else pl.lit(None, pl.Date)
    name_keys = [
        pl.col(c) if c in rows.columns else nothing.alias(c)
        for c in ("name_birth_date_key", "name_birth_year_key")
    ]
    return rows.select(
        *lineage(file, sheet),
        pl.col("cnp_key").alias("person_key"),
        "cnp_status",
        *name_keys,
        role.alias("role"),
        sex.fill_null("U").alias("sex"),
        born.alias("birth_date"),
        (birth_year if birth_year is not None else born.dt.year())
        .cast(pl.Int64)
        .alias("birth_year"),
        (citizenship if citizenship is not None else nothing).alias("citizenship_code"),
        (county if county is not None else nothing).alias("residence_county_code"),
    ).select(columns_of("person_record"))
