"""Expressions shared by the agency mappings into the unified record base."""

from __future__ import annotations

import polars as pl

from schemas import vocabulary as v
from schemas.parsers import parse_date
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


NAME_KEY_COLUMNS = (
    "name_birth_date_key",
    "name_birth_year_key",
    "surname_key",
    "given_name_key",
    "surname_phonetic_key",
    "given_name_phonetic_key",
)


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
    case_number: pl.Expr | None = None,
) -> pl.DataFrame:
    """`person_record` rows: pseudonyms as the reader made them, attributes in project codes;
    what an agency does not record is null (sex: U). `case_number` is the criminal case the
    person belongs to (the prosecutor's number where the agency has it), for linkage."""
    nothing = pl.lit(None, pl.Utf8)
    born = birth_date if birth_date is not None else pl.lit(None, pl.Date)
    name_keys = [pl.col(c) if c in rows.columns else nothing.alias(c) for c in NAME_KEY_COLUMNS]
    bigrams = (
        pl.col("name_bigram_keys")
        if "name_bigram_keys" in rows.columns
        else pl.lit(None, pl.List(pl.Utf8)).alias("name_bigram_keys")
    )
    case = case_number if case_number is not None else nothing
    stem = pl.col("cnp_stem_key") if "cnp_stem_key" in rows.columns else nothing
    return rows.select(
        *lineage(file, sheet),
        pl.col("cnp_key").alias("person_key"),
        "cnp_status",
        stem.alias("cnp_stem_key"),
        *name_keys,
        bigrams,
        role.alias("role"),
        sex.fill_null("U").alias("sex"),
        born.alias("birth_date"),
        (birth_year if birth_year is not None else born.dt.year())
        .cast(pl.Int64)
        .alias("birth_year"),
        (citizenship if citizenship is not None else nothing).alias("citizenship_code"),
        (county if county is not None else nothing).alias("residence_county_code"),
        case.str.to_uppercase().str.replace_all(r"\s+", "").replace("", None).alias("case_number"),
    ).select(columns_of("person_record"))


def offence_set(qualification: pl.Expr) -> pl.Expr:
    """Distinct offence codes, sorted: 'art. 210 alin. (1); art. 210 alin. (2)' is CP210."""
    return v.to_offence_codes(qualification).list.unique().list.sort()


def offence_columns(codes: pl.Expr) -> list[pl.Expr]:
    """`offence_articles` (Criminal Code only) and `offence_codes` from a list of codes."""
    return [
        v.criminal_code_articles(codes).alias("offence_articles"),
        codes.alias("offence_codes"),
    ]


def case_person_records(
    file: LandingFile,
    sheet: str | None,
    rows: pl.DataFrame,
    *,
    agency: str,
    stage: str,
    case_number: str,
    event_date: pl.Expr,
    offences: pl.Expr,  # list of offence codes
    pretrial_detention: pl.Expr,
    form: str,
    exploited_in: str,
) -> dict[str, pl.DataFrame]:
    """`person_record`, `proceedings_event` and `victim_identification` of (case, person) rows.

    The police and DIICOT describe a person in a case alike: CALITATE (role), SEX,
    DATA_NASTERII, CETATENIE, JUDET_DOMICILIU, and for a victim the form and country of
    exploitation (columns `form`, `exploited_in`). `stage` is both the case stage and the
    institution that identified the victim (police, prosecution); a victim is identified on
    `event_date`, the date the case was registered.
    """
    rows = rows.with_columns(
        v.to_code(pl.col("calitate"), "person_role", agency).alias("_role"),
        parse_date(pl.col("data_nasterii")).alias("_born"),
    )
    persons = person_records(
        file,
        sheet,
        rows,
        role=pl.col("_role"),
        sex=v.to_code(pl.col("sex"), "sex", agency),
        birth_date=pl.col("_born"),
        citizenship=v.to_country(pl.col("cetatenie")),
        county=v.to_county(pl.col("judet_domiciliu")),
        # The prosecutor's number links a police person to the same case at DIICOT and court.
        case_number=pl.coalesce(
            *[pl.col(c) for c in ("dosar_parchet",) if c in rows.columns], pl.col(case_number)
        ),
    )
    events = rows.select(
        *lineage(file, sheet),
        pl.col(case_number).alias("case_number"),
        pl.lit(stage).alias("case_stage"),
        pl.col("_role").alias("role"),
        event_date.alias("event_date"),
        *offence_columns(offences),
        pretrial_detention.alias("pretrial_detention"),
    ).select(columns_of("proceedings_event"))
    victims = case_victims(
        file,
        sheet,
        rows.filter(pl.col("_role") == "victim"),
        institution=stage,
        identified=event_date,
        born=pl.col("_born"),
        form=v.to_code(pl.col(form), "exploitation_form", agency),
        exploited_in=v.to_country(pl.col(exploited_in)),
        case_number=pl.col(case_number),
    )
    return {"person_record": persons, "proceedings_event": events, "victim_identification": victims}
