"""Court decisions: rows as delivered, and their checks.

The mapping to the unified records is in `sources/instante/mapping.py`.
"""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas import checks
from schemas import vocabulary as v
from schemas.delivered import KEY_LENGTH, DeliveredPerson

AGENCY = "instante"
# ECRIS numbers: <n>/<court code>/<year>, an appeal or incident file adds /a1, /a1.2, /c3 ...
COURT_FILE = r"^\d+/\d+/\d{4}(/[a-z]+\d*(\.\d+)*)*$"
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
MAX_SENTENCE_MONTHS = 600  # 50 years: above any prison term the Criminal Code allows


def iso_date(expr: pl.Expr) -> pl.Expr:
    """`YYYY-MM-DD` only: the courts' export writes nothing else, so a dotted date or an
    Excel serial number here is an error, not another accepted form (unlike checks.is_date)."""
    text = expr.str.strip_chars()
    return pl.when(text.str.contains(ISO_DATE)).then(
        text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    )


def _code(column: str, codelist: str) -> pl.Expr:
    return v.to_code(pl.col(column), codelist, AGENCY)


class InstanteDecision(DeliveredPerson):
    """One (court file, defendant, decision) line as the courts export it."""

    numar_dosar: str = pa.Field()
    instanta: str = pa.Field()
    grad_jurisdictie: str = pa.Field()
    dosar_parchet: str = pa.Field(nullable=True)
    data_inregistrare: str = pa.Field(nullable=True)
    inculpat_sex: str = pa.Field(nullable=True)
    inculpat_data_nasterii: str = pa.Field(nullable=True)
    infractiune: str = pa.Field()
    solutie: str = pa.Field()
    data_solutie: str = pa.Field()
    definitiva: str = pa.Field()
    pedeapsa_tip: str = pa.Field(nullable=True)
    pedeapsa_durata_luni: str = pa.Field(nullable=True)
    pedeapsa_suspendare: str = pa.Field(nullable=True)
    pedeapsa_amenda_lei: str = pa.Field(nullable=True)
    confiscare_lei: str = pa.Field(nullable=True)
    despagubiri_lei: str = pa.Field(nullable=True)
    numar_victime: str = pa.Field(nullable=True)
    name_birth_date_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)
    name_birth_year_key: str = pa.Field(nullable=True, str_length=KEY_LENGTH)

    _court_file = checks.expr_check(
        "numar_dosar",
        name="court_file_number",
        error="not a court file number <n>/<court code>/<year>, optionally /a1 (e.g. 4567/99/2017)",
        valid=lambda c: c.str.contains(COURT_FILE),
    )
    _court = checks.expr_check(
        "instanta",
        name="court_name",
        error="not a court name (no letters)",
        valid=lambda c: c.str.contains(r"\p{L}"),
    )
    _level = checks.in_codelist("grad_jurisdictie", codelist="court_level", agency=AGENCY)
    _prosecutor_case = checks.is_prosecutor_case("dosar_parchet")
    _dates = checks.expr_check(
        "data_inregistrare",
        "inculpat_data_nasterii",
        "data_solutie",
        name="date",
        error="not a calendar date written YYYY-MM-DD (e.g. 2017-10-16)",
        valid=lambda c: iso_date(c).is_not_null(),
    )
    _after_extract = checks.not_after_extract(
        "data_inregistrare", "inculpat_data_nasterii", "data_solutie", parse=iso_date
    )
    _placeholders = checks.no_placeholder(
        "numar_dosar", "instanta", "grad_jurisdictie", "infractiune", "solutie", "data_solutie"
    )
    _sex = checks.in_codelist("inculpat_sex", codelist="sex", agency=AGENCY)
    _offence = checks.is_offence_list("infractiune")
    _decision = checks.in_codelist("solutie", codelist="court_decision", agency=AGENCY)
    _booleans = checks.expr_check(
        "definitiva",
        "pedeapsa_suspendare",
        name="boolean",
        error="not a JSON boolean (true or false)",
        valid=lambda c: c.is_in(["true", "false"]),
    )
    _sentence = checks.in_codelist("pedeapsa_tip", codelist="sentence_type", agency=AGENCY)
    _months = checks.is_whole_number("pedeapsa_durata_luni", low=1, high=MAX_SENTENCE_MONTHS)
    _victims = checks.is_whole_number("numar_victime")
    _amounts = checks.is_plain_amount("pedeapsa_amenda_lei", "confiscare_lei", "despagubiri_lei")

    @checks.row_rule(
        "prison_has_length",
        "a conviction to prison (pedeapsa.tip inchisoare) needs the length in pedeapsa.durata_luni",
    )
    def prison_has_length(cls, data: PolarsData) -> pl.LazyFrame:
        prison = (_code("solutie", "court_decision") == "conviction") & (
            _code("pedeapsa_tip", "sentence_type") == "prison"
        )
        return data.lazyframe.select(
            (~prison.fill_null(False) | pl.col("pedeapsa_durata_luni").is_not_null()).alias("ok")
        )

    @checks.row_rule(
        "born_before_decision",
        "the defendant's birth date (inculpat.data_nasterii) must be from 1900 and before the "
        "decision date",
    )
    def born_before_decision(cls, data: PolarsData) -> pl.LazyFrame:
        born, decided = iso_date(pl.col("inculpat_data_nasterii")), iso_date(pl.col("data_solutie"))
        plausible = (born.dt.year() >= 1900) & (born < decided)
        # Unknown or unreadable dates are judged by the column checks, not here.
        return data.lazyframe.select(plausible.fill_null(True).alias("ok"))


MODELS = {"decisions": InstanteDecision}
