"""NGO / IO beneficiaries: rows as delivered, and their checks.

The mapping to the unified records is in `sources/ong/mapping.py`.
"""

from __future__ import annotations

import pandera.polars as pa

from schemas import checks
from schemas import vocabulary as v
from schemas.delivered import KEY_LENGTH, DeliveredPerson

AGENCY = "ong"
SHEET = "Beneficiari"


class OngBeneficiary(DeliveredPerson):
    """One assisted person as an assistance provider delivers it."""

    organizatie: str = pa.Field()
    cod_beneficiar_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)
    sex: str = pa.Field(nullable=True)
    anul_nasterii: str = pa.Field(nullable=True)
    cetatenie: str = pa.Field(nullable=True)
    judet: str = pa.Field(nullable=True)
    data_intrarii_in_program: str = pa.Field(nullable=True)
    forma_exploatare: str = pa.Field(nullable=True)
    participa_la_procesul_penal: str = pa.Field(nullable=True)
    nr_dosar_penal: str = pa.Field(nullable=True)
    name_birth_date_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)
    name_birth_year_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)

    _sex = checks.in_codelist("sex", codelist="sex", agency=AGENCY)
    _year = checks.is_whole_number("anul_nasterii", low=1900, high=2100)
    _country = checks.is_country("cetatenie")
    _county = checks.is_county("judet")
    _entry = checks.is_date("data_intrarii_in_program")
    _bare_year = checks.no_bare_year("data_intrarii_in_program")
    _after_extract = checks.not_after_extract("data_intrarii_in_program")
    _placeholders = checks.no_placeholder("organizatie")
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
