"""Police case register: rows as delivered, and their checks.

The mapping to the unified records is in `sources/politie/mapping.py`.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas import checks
from schemas.delivered import KEY_LENGTH, DeliveredPerson
from schemas.parsers import parse_date

AGENCY = "politie"
# The register numbers cases P-<year>-<6 digits>; older units typed fewer, so any count is fine.
POLICE_CASE = r"^P-\d{4}-\d+$"


class PolitieCasePerson(DeliveredPerson):
    """One (police case, person) row as the police deliver it.

    FORMA_EXPLOATARE is filled for victims only, but a victim without it is still a victim
    (mapped to form `unknown`), so the column is nullable and only its codes are checked.
    """

    nr_unic_dosar: str = pa.Field()
    unitate: str = pa.Field(nullable=True)
    data_sesizare: str = pa.Field()
    mod_sesizare: str = pa.Field(nullable=True)
    incadrare: str = pa.Field()
    calitate: str = pa.Field()
    sex: str = pa.Field(nullable=True)
    data_nasterii: str = pa.Field(nullable=True)
    cetatenie: str = pa.Field(nullable=True)
    judet_domiciliu: str = pa.Field(nullable=True)
    forma_exploatare: str = pa.Field(nullable=True)
    tara_exploatare: str = pa.Field(nullable=True)
    dosar_parchet: str = pa.Field(nullable=True)
    stadiu: str = pa.Field(nullable=True)
    name_birth_date_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)
    name_birth_year_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)

    _case = checks.expr_check(
        "nr_unic_dosar",
        name="police_case_id",
        error="not a police case id P-<year>-<number> (e.g. P-2016-004512)",
        valid=lambda c: c.str.contains(POLICE_CASE),
    )
    _dates = checks.is_date("data_sesizare", "data_nasterii", excel_serials=False)
    _bare_year = checks.no_bare_year("data_sesizare", "data_nasterii")
    _after_extract = checks.not_after_extract("data_sesizare", "data_nasterii")
    _placeholders = checks.no_placeholder("nr_unic_dosar", "data_sesizare", "incadrare", "calitate")
    _mode = checks.in_codelist("mod_sesizare", codelist="referral_mode", agency=AGENCY)
    _offences = checks.is_offence_list("incadrare")
    _role = checks.in_codelist("calitate", codelist="person_role", agency=AGENCY)
    _sex = checks.in_codelist("sex", codelist="sex", agency=AGENCY)
    _countries = checks.is_country("cetatenie", "tara_exploatare")
    _county = checks.is_county("judet_domiciliu")
    _form = checks.in_codelist("forma_exploatare", codelist="exploitation_form", agency=AGENCY)
    _prosecutor_case = checks.is_prosecutor_case("dosar_parchet")
    _status = checks.in_codelist("stadiu", codelist="police_case_status", agency=AGENCY)

    @checks.row_rule(
        "born_before_report",
        "the birth date (DATA_NASTERII) must be from 1900 and not after the report date "
        "(DATA_SESIZARE)",
    )
    def born_before_report(cls, data: PolarsData) -> pl.LazyFrame:
        # Caught here, with words, rather than as a negative age in the unified tables.
        born, reported = parse_date(pl.col("data_nasterii")), parse_date(pl.col("data_sesizare"))
        plausible = (born.dt.year() >= 1900) & (born <= reported)
        # Unknown or unreadable dates are judged by the column checks, not here.
        return data.lazyframe.select(plausible.fill_null(True).alias("ok"))


MODELS = {"case_persons": PolitieCasePerson}
