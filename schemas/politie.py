"""Police case register: rows as delivered, and their mapping to the unified records."""

from __future__ import annotations

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas import checks
from schemas import vocabulary as v
from schemas.common import DeliveredPerson, case_victims, columns_of, lineage, person_records
from sources.common.dates import parse_date
from sources.common.delivery import SOURCE_ROW
from sources.common.landing import LandingFile

AGENCY = "politie"
# The register numbers cases P-<year>-<6 digits>; older units typed fewer, so any count is fine.
POLICE_CASE = r"^P-\d{4}-\d+$"
PROSECUTOR_CASE = r"^\d+/D/P/\d{4}$"
KEY_LENGTH = {"min_value": 64, "max_value": 64}  # hex HMAC-SHA256


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
    # Same rule name and words as the courts' check of the same number.
    _prosecutor_case = checks.expr_check(
        "dosar_parchet",
        name="prosecutor_case_number",
        error="not a prosecutor case number <n>/D/P/<year> (e.g. 812/D/P/2016)",
        valid=lambda c: c.str.contains(PROSECUTOR_CASE),
    )
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


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rows = accepted["case_persons"].with_columns(
        parse_date(pl.col("data_sesizare")).alias("_reported"),
        parse_date(pl.col("data_nasterii")).alias("_born"),
        v.to_code(pl.col("calitate"), "person_role", AGENCY).alias("_role"),
        # A set of articles: 'art. 210 alin. (1); art. 210 alin. (2)' is article 210 once.
        v.to_offence_articles(pl.col("incadrare")).list.unique().list.sort().alias("_offences"),
        v.to_country(pl.col("tara_exploatare")).alias("_exploited_in"),
    )
    return {
        "person_record": _persons(file, rows),
        "proceedings_event": _events(file, rows),
        "victim_identification": _victims(file, rows.filter(pl.col("_role") == "victim")),
        "case_record": _cases(file, rows),
    }


def _persons(file: LandingFile, rows: pl.DataFrame) -> pl.DataFrame:
    return person_records(
        file,
        None,
        rows,
        role=pl.col("_role"),
        sex=v.to_code(pl.col("sex"), "sex", AGENCY),
        birth_date=pl.col("_born"),
        citizenship=v.to_country(pl.col("cetatenie")),
        county=v.to_county(pl.col("judet_domiciliu")),
    )


def _events(file: LandingFile, rows: pl.DataFrame) -> pl.DataFrame:
    return rows.select(
        *lineage(file, None),
        pl.col("nr_unic_dosar").alias("case_number"),
        pl.lit("police").alias("case_stage"),
        pl.col("_role").alias("role"),
        pl.col("_reported").alias("event_date"),
        pl.col("_offences").alias("offence_articles"),
        pl.lit(None, pl.Boolean).alias("pretrial_detention"),
    ).select(columns_of("proceedings_event"))


def _victims(file: LandingFile, rows: pl.DataFrame) -> pl.DataFrame:
    return case_victims(
        file,
        None,
        rows,
        institution="police",
        identified=pl.col("_reported"),
        born=pl.col("_born"),
        form=v.to_code(pl.col("forma_exploatare"), "exploitation_form", AGENCY),
        exploited_in=pl.col("_exploited_in"),
        case_number=pl.col("nr_unic_dosar"),
    )


def _cases(file: LandingFile, rows: pl.DataFrame) -> pl.DataFrame:
    """One row per police case, traced to its first row (lowest source_row).

    The case facts repeat on every person row; they are taken from the first row, or from
    the first row that has them when the first leaves one empty. Offences are the union
    over all the case's rows (each row lists the articles for its person).
    """
    first = (
        rows.sort(SOURCE_ROW)
        .group_by("nr_unic_dosar", maintain_order=True)
        .agg(
            pl.col(SOURCE_ROW).first(),
            *[
                pl.col(c).drop_nulls().first()
                for c in ("unitate", "_reported", "mod_sesizare", "stadiu", "dosar_parchet")
            ],
            pl.col("_offences").list.explode(keep_nulls=False, empty_as_null=False).unique().sort(),
        )
    )
    return first.select(
        *lineage(file, None),
        pl.col("nr_unic_dosar").alias("case_number"),
        pl.lit("police").alias("case_stage"),
        pl.col("unitate").alias("handling_unit"),
        pl.col("_reported").alias("registration_date"),
        v.to_code(pl.col("mod_sesizare"), "referral_mode", AGENCY).alias("referral_mode"),
        pl.col("_offences").alias("offence_articles"),
        v.to_code(pl.col("stadiu"), "police_case_status", AGENCY).alias("police_case_status"),
        pl.col("dosar_parchet").alias("prosecutor_case_number"),
        # Only the prosecutor's extract knows these.
        pl.lit(None, pl.Utf8).alias("prosecutor_decision"),
        pl.lit(None, pl.Date).alias("prosecutor_decision_date"),
        pl.lit(None, pl.Utf8).alias("court_name"),
        pl.lit(None, pl.Boolean).alias("organised_crime_group"),
        pl.lit(None, pl.Boolean).alias("cross_border"),
        pl.lit(None, pl.Float64).alias("seized_value_lei"),
    ).select(columns_of("case_record"))
