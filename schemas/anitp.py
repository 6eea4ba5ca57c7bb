"""ANITP victim register: rows as delivered, and their checks.

The mapping to the unified records is in `sources/anitp/mapping.py`.
"""

from __future__ import annotations

import pandera.polars as pa

from schemas import checks
from schemas.delivered import DeliveredPerson

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
