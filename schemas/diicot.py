"""DIICOT cases and persons: rows as delivered, and their checks.

The mapping to the unified records is in `sources/diicot/mapping.py`.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas import checks
from schemas.delivered import KEY_LENGTH, Delivered, DeliveredPerson
from schemas.parsers import parse_date

AGENCY = "diicot"
CASES_SHEET, PERSONS_SHEET = "Dosare", "Persoane"


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

    _case = checks.is_prosecutor_case("nr_dosar")
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

    _case = checks.is_prosecutor_case("nr_dosar")
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
