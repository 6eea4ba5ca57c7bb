"""DIICOT cases and persons: rows as delivered, and their mapping to the unified records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas import checks
from schemas import vocabulary as v
from schemas.common import (
    Delivered,
    DeliveredPerson,
    case_victims,
    columns_of,
    lineage,
    person_records,
)
from sources.common.dates import parse_date, parse_ro_number
from sources.common.landing import LandingFile

AGENCY = "diicot"
CASES_SHEET, PERSONS_SHEET = "Dosare", "Persoane"
CASE_NUMBER = r"^\d+/D/P/\d{4}$"
KEY_LENGTH = {"min_value": 64, "max_value": 64}  # hex HMAC-SHA256


def _case_number(column: str):  # a pandera check, as those of schemas.checks
    # Same rule name and words as the police's and the courts' check of the same number.
    return checks.expr_check(
        column,
        name="prosecutor_case_number",
        error="not a prosecutor case number <n>/D/P/<year> (e.g. 812/D/P/2016)",
        valid=lambda c: c.str.contains(CASE_NUMBER),
    )


class DiicotCase(Delivered):
    """One case (sheet Dosare) as DIICOT delivers it."""

    nr_dosar: str = pa.Field()
    structura: str = pa.Field(nullable=True)
    data_inregistrarii: str = pa.Field()
    infractiuni: str = pa.Field()
    solutie: str = pa.Field()
    data_solutiei: str = pa.Field(nullable=True)
    instanta_sesizata: str = pa.Field(nullable=True)
    grup_infractional_organizat: str = pa.Field(nullable=True)
    transfrontalier: str = pa.Field(nullable=True)
    valoare_sechestru_lei: str = pa.Field(nullable=True)

    _case = _case_number("nr_dosar")
    _dates = checks.is_date("data_inregistrarii", "data_solutiei")
    _bare_year = checks.no_bare_year("data_inregistrarii", "data_solutiei")
    _after_extract = checks.not_after_extract("data_inregistrarii", "data_solutiei")
    _placeholders = checks.no_placeholder(
        "nr_dosar", "data_inregistrarii", "infractiuni", "solutie"
    )
    _offences = checks.is_offence_list("infractiuni")
    _decision = checks.in_codelist("solutie", codelist="prosecutor_decision", agency=AGENCY)
    _flags = checks.in_codelist(
        "grup_infractional_organizat", "transfrontalier", codelist="yes_no", agency=AGENCY
    )
    _amount = checks.is_ro_amount("valoare_sechestru_lei")

    @checks.row_rule(
        "decided_after_registration",
        "the decision date (Data soluției) must not be before the registration date "
        "(Data înregistrării)",
    )
    def decided_after_registration(cls, data: PolarsData) -> pl.LazyFrame:
        decided = parse_date(pl.col("data_solutiei"))
        registered = parse_date(pl.col("data_inregistrarii"))
        # Missing or unreadable dates are judged by the column checks, not here.
        return data.lazyframe.select((decided >= registered).fill_null(True).alias("ok"))


class DiicotPerson(DeliveredPerson):
    """One (case, person) row (sheet Persoane) as DIICOT delivers it."""

    nr_dosar: str = pa.Field()
    calitate: str = pa.Field()
    sex: str = pa.Field(nullable=True)
    data_nasterii: str = pa.Field(nullable=True)
    cetatenie: str = pa.Field(nullable=True)
    judet_domiciliu: str = pa.Field(nullable=True)
    forma_exploatarii: str = pa.Field(nullable=True)
    tara_exploatarii: str = pa.Field(nullable=True)
    arestat_preventiv: str = pa.Field(nullable=True)
    name_birth_date_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)
    name_birth_year_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)

    _case = _case_number("nr_dosar")
    _role = checks.in_codelist("calitate", codelist="person_role", agency=AGENCY)
    _sex = checks.in_codelist("sex", codelist="sex", agency=AGENCY)
    _born = checks.is_date("data_nasterii")
    _bare_year = checks.no_bare_year("data_nasterii")
    _after_extract = checks.not_after_extract("data_nasterii")
    _placeholders = checks.no_placeholder("nr_dosar", "calitate")
    # An earlier year is a typing error (1099 for 1999); caught here with words rather than
    # as an out-of-range birth year in the unified person record.
    _born_from_1900 = checks.expr_check(
        "data_nasterii",
        name="birth_date_from_1900",
        error="the birth date must be from 1900 on",
        valid=lambda c: parse_date(c).dt.year().ge(1900) | parse_date(c).is_null(),
    )
    _countries = checks.is_country("cetatenie", "tara_exploatarii")
    _county = checks.is_county("judet_domiciliu")
    _form = checks.in_codelist("forma_exploatarii", codelist="exploitation_form", agency=AGENCY)
    _arrested = checks.in_codelist("arestat_preventiv", codelist="yes_no", agency=AGENCY)


MODELS = {"cases": DiicotCase, "persons": DiicotPerson}


def _yes(column: str) -> pl.Expr:
    code = v.to_code(pl.col(column), "yes_no", AGENCY)
    return pl.when(code == "yes").then(True).when(code == "no").then(False)


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    cases = accepted["cases"].with_columns(
        parse_date(pl.col("data_inregistrarii")).alias("_registered"),
        # Distinct and sorted, as for the police: 'art. 210 alin. (1); art. 210 alin. (2)' is 210.
        v.to_offence_articles(pl.col("infractiuni")).list.unique().list.sort().alias("_offences"),
    )
    case_facts = cases.select("nr_dosar", "_registered", "_offences").unique(
        subset="nr_dosar", keep="first", maintain_order=True
    )
    persons = (
        accepted["persons"]
        .join(case_facts, on="nr_dosar", how="left")
        .with_columns(
            parse_date(pl.col("data_nasterii")).alias("_born"),
            v.to_code(pl.col("calitate"), "person_role", AGENCY).alias("_role"),
            v.to_country(pl.col("tara_exploatarii")).alias("_exploited_in"),
        )
    )
    return {
        "case_record": _cases(file, cases),
        "person_record": _persons(file, persons),
        "proceedings_event": _events(file, persons),
        "victim_identification": _victims(file, persons.filter(pl.col("_role") == "victim")),
    }


def _cases(file: LandingFile, cases: pl.DataFrame) -> pl.DataFrame:
    return cases.select(
        *lineage(file, CASES_SHEET),
        pl.col("nr_dosar").alias("case_number"),
        pl.lit("prosecution").alias("case_stage"),
        pl.col("structura").alias("handling_unit"),
        pl.col("_registered").alias("registration_date"),
        pl.lit(None, pl.Utf8).alias("referral_mode"),
        pl.col("_offences").alias("offence_articles"),
        pl.lit(None, pl.Utf8).alias("police_case_status"),
        pl.col("nr_dosar").alias("prosecutor_case_number"),
        v.to_code(pl.col("solutie"), "prosecutor_decision", AGENCY).alias("prosecutor_decision"),
        parse_date(pl.col("data_solutiei")).alias("prosecutor_decision_date"),
        pl.col("instanta_sesizata").alias("court_name"),
        _yes("grup_infractional_organizat").alias("organised_crime_group"),
        _yes("transfrontalier").alias("cross_border"),
        parse_ro_number(pl.col("valoare_sechestru_lei")).alias("seized_value_lei"),
    ).select(columns_of("case_record"))


def _persons(file: LandingFile, persons: pl.DataFrame) -> pl.DataFrame:
    return person_records(
        file,
        PERSONS_SHEET,
        persons,
        role=pl.col("_role"),
        sex=v.to_code(pl.col("sex"), "sex", AGENCY),
        birth_date=pl.col("_born"),
        citizenship=v.to_country(pl.col("cetatenie")),
        county=v.to_county(pl.col("judet_domiciliu")),
    )


def _events(file: LandingFile, persons: pl.DataFrame) -> pl.DataFrame:
    return persons.select(
        *lineage(file, PERSONS_SHEET),
        pl.col("nr_dosar").alias("case_number"),
        pl.lit("prosecution").alias("case_stage"),
        pl.col("_role").alias("role"),
        pl.col("_registered").alias("event_date"),
        pl.col("_offences").fill_null([]).alias("offence_articles"),
        _yes("arestat_preventiv").alias("pretrial_detention"),
    ).select(columns_of("proceedings_event"))


def _victims(file: LandingFile, victims: pl.DataFrame) -> pl.DataFrame:
    return case_victims(
        file,
        PERSONS_SHEET,
        victims,
        institution="prosecution",
        identified=pl.col("_registered"),
        born=pl.col("_born"),
        form=v.to_code(pl.col("forma_exploatarii"), "exploitation_form", AGENCY),
        exploited_in=pl.col("_exploited_in"),
        case_number=pl.col("nr_dosar"),
    )
