"""Police model and mapping, on rows built by hand as the reader delivers them (all text)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import politie as schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.politie import mapping
from tests.schemas.unified_types import UNIFIED_TYPES

FILE = LandingFile(
    "politie", Path("politie_2020_20210110.csv"), "2020", dt.date(2021, 1, 10), "0" * 64, 1
)
GOOD: dict[str, str | None] = {
    "nr_unic_dosar": "P-2020-000101",
    "unitate": "SCCO CONSTANTA",
    "data_sesizare": "03.02.2020",
    "mod_sesizare": "DIN OFICIU",
    "incadrare": "art. 210 alin. (1) lit. a) C.pen.",
    "calitate": "PV",
    "sex": "F",
    "data_nasterii": "12.05.2000",
    "cetatenie": "ROMANIA",
    "judet_domiciliu": "CONSTANŢA",
    "forma_exploatare": "SEX",
    "tara_exploatare": "MAREA BRITANIE",
    "dosar_parchet": "77/D/P/2020",
    "stadiu": "TRIMIS PARCHET",
    "cnp_status": "valid",
    "cnp_key": "a" * 64,
    "name_birth_date_key": "b" * 64,
    "name_birth_year_key": "c" * 64,
}
SUSPECT: dict[str, str | None] = {
    "calitate": "S",
    "sex": "M",
    "data_nasterii": "01.01.1978",
    "judet_domiciliu": "MUN. BUCURESTI",
    "forma_exploatare": None,
    "tara_exploatare": None,
    "cnp_key": "d" * 64,
}


def rows(*changes: dict[str, str | None]) -> pl.DataFrame:
    """Row 2 is GOOD, row n + 2 is GOOD with the n-th changes (line 1 is the header)."""
    records = [GOOD, *({**GOOD, **change} for change in changes)]
    frame = pl.DataFrame(records, schema={column: pl.Utf8 for column in GOOD})
    return frame.with_row_index("source_row", offset=2).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )


def quarantined(frame: pl.DataFrame) -> list[tuple[int, str | None, str]]:
    delivery = Delivery(FILE, [DeliveredTable("case_persons", None, frame)])
    quarantine = validate_delivery(delivery, schema.MODELS).quarantine
    return sorted(quarantine.select("source_row", "column_name", "rule").rows(), key=str)


def test_models_cover_the_one_entity() -> None:
    assert list(schema.MODELS) == ["case_persons"]
    assert schema.MODELS["case_persons"] is schema.PolitieCasePerson


def test_accepted_spellings_pass() -> None:
    frame = rows(
        {"nr_unic_dosar": "P-2016-4512"},  # fewer digits than usual
        {"nr_unic_dosar": "P-2016-0004512"},
        {"judet_domiciliu": "IAŞI"},  # cedilla
        {"judet_domiciliu": "IAȘI"},  # comma below
        {"judet_domiciliu": "IASI"},
        {"judet_domiciliu": "MUN. BUCURESTI"},
        {"judet_domiciliu": "SATU MARE"},
        {"judet_domiciliu": "IALOMIŢA"},
        {"cetatenie": "REPUBLICA MOLDOVA", "cnp_status": "missing", "cnp_key": None},
        {"tara_exploatare": "GERMANIA"},
        {"tara_exploatare": "ROMANIA"},
        {"incadrare": "art.211 CP"},
        {"incadrare": "art. 210 alin. (1) lit. a) C.pen.; art.211 CP"},
        {"incadrare": "art. 210 C.pen.; art. 367 C.pen."},
        {"mod_sesizare": "PLANGERE", "stadiu": "IN LUCRU", "dosar_parchet": None},
        {"mod_sesizare": "DENUNT", "stadiu": "DECLINAT", "dosar_parchet": None},
        {"mod_sesizare": "SESIZARE ONG", "stadiu": "CLASAT", "dosar_parchet": None},
        {"mod_sesizare": "ALTUL"},
        *({"forma_exploatare": f} for f in ("MUNCA", "CERS", "INFR", "ORG", "PORN", "CAS", "ALT")),
        {"forma_exploatare": None, "tara_exploatare": None},  # a victim without a form: allowed
        SUSPECT,
        {**SUSPECT, "sex": None, "data_nasterii": None, "name_birth_date_key": None},
        {"data_nasterii": "03.02.2020"},  # born on the report day
        {"data_nasterii": "01.01.1900"},
    )
    assert quarantined(frame) == []


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        ({"nr_unic_dosar": "2020-000101"}, "nr_unic_dosar", "police_case_id"),
        ({"nr_unic_dosar": "P-20-000101"}, "nr_unic_dosar", "police_case_id"),
        ({"nr_unic_dosar": "812/D/P/2016"}, "nr_unic_dosar", "police_case_id"),
        ({"nr_unic_dosar": None}, "nr_unic_dosar", "not_nullable"),
        ({"data_sesizare": "31.02.2016"}, "data_sesizare", "date"),
        ({"data_sesizare": "2016/03/28"}, "data_sesizare", "date"),
        ({"data_sesizare": None}, "data_sesizare", "not_nullable"),
        ({"data_nasterii": "12.13.2000"}, "data_nasterii", "date"),
        ({"mod_sesizare": "TELEFON"}, "mod_sesizare", "codelist_referral_mode"),
        ({"incadrare": "art. 199 CP"}, "incadrare", "offence"),
        ({"incadrare": "art. 210 C.pen.; art. 199 C.pen."}, "incadrare", "offence"),
        ({"incadrare": "trafic de persoane"}, "incadrare", "offence"),
        ({"incadrare": None}, "incadrare", "not_nullable"),
        ({"calitate": "M"}, "calitate", "codelist_person_role"),
        ({"calitate": None}, "calitate", "not_nullable"),
        ({"sex": "X"}, "sex", "codelist_sex"),
        ({"cetatenie": "MOLDAVIA DE NORD"}, "cetatenie", "country"),
        ({"judet_domiciliu": "XYZ"}, "judet_domiciliu", "county"),
        ({"judet_domiciliu": "PASCANI"}, "judet_domiciliu", "county"),  # a town, not a county
        ({"forma_exploatare": "FOO"}, "forma_exploatare", "codelist_exploitation_form"),
        ({"forma_exploatare": "SEX|MUNCA"}, "forma_exploatare", "codelist_exploitation_form"),
        ({"tara_exploatare": "ATLANTIDA"}, "tara_exploatare", "country"),
        ({"dosar_parchet": "812/P/2016"}, "dosar_parchet", "prosecutor_case_number"),
        ({"dosar_parchet": "P-2016-004512"}, "dosar_parchet", "prosecutor_case_number"),
        ({"stadiu": "FINALIZAT"}, "stadiu", "codelist_police_case_status"),
        ({"cnp_status": "unknown"}, "cnp_status", "isin"),
        ({"cnp_key": "short"}, "cnp_key", "str_length"),
        ({"name_birth_date_key": "short"}, "name_birth_date_key", "str_length"),
        ({"name_birth_year_key": "short"}, "name_birth_year_key", "str_length"),
    ],
)
def test_each_column_check_names_its_rule(
    change: dict[str, str | None], column: str, rule: str
) -> None:
    assert quarantined(rows(change)) == [(3, column, rule)]


def test_birth_date_from_1900_and_not_after_the_report() -> None:
    frame = rows(
        {"data_nasterii": "04.02.2020"},  # the day after the report
        {"data_nasterii": "31.12.1899"},
        {"data_nasterii": "03.02.2020"},  # the report day itself: age 0
        {"data_nasterii": None},  # unknown: nothing to judge
    )
    assert quarantined(frame) == [(3, None, "born_before_report"), (4, None, "born_before_report")]


def test_quarantine_reason_is_readable_and_hides_keys() -> None:
    delivery = Delivery(
        FILE,
        [DeliveredTable("case_persons", None, rows({"stadiu": "FINALIZAT", "cnp_key": "x"}))],
    )
    quarantine = validate_delivery(delivery, schema.MODELS).quarantine.sort("column_name")
    assert quarantine["column_name"].to_list() == ["cnp_key", "stadiu"]
    assert quarantine["value"].to_list() == ["(identifier, not shown)", "FINALIZAT"]
    assert quarantine["reason"][1].startswith("stadiu: not a known police case status value")


# ------------------------------------------------------------------------------ mapping

CASE_B = "P-2020-000202"


def mapped() -> dict[str, pl.DataFrame]:
    """Case A (P-2020-000101) on rows 2, 4, 5; case B interleaved on rows 3 and 6."""
    case_b = {
        "nr_unic_dosar": CASE_B,
        "unitate": None,  # the first row of case B leaves the unit empty
        "data_sesizare": "10.06.2020",
        "mod_sesizare": "PLANGERE",
        "incadrare": "art.210 CP",
        "dosar_parchet": None,
        "stadiu": "IN LUCRU",
    }
    frame = rows(
        {
            **case_b,
            "forma_exploatare": None,  # a victim without a form
            "tara_exploatare": None,
            "data_nasterii": "11.06.1990",  # 29 the day before the 30th birthday
            "cetatenie": "REPUBLICA MOLDOVA",
            "judet_domiciliu": None,
            "cnp_status": "missing",
            "cnp_key": None,
        },
        {
            **SUSPECT,
            "incadrare": "art. 210 alin. (1) lit. a) C.pen.; art.211 CP",
            "data_sesizare": "05.02.2020",  # another date on a later row: the first row's wins
            "dosar_parchet": "78/D/P/2020",  # a later row's number: the first row's wins
        },
        {
            "forma_exploatare": "MUNCA",
            "tara_exploatare": "ROMANIA",
            "data_nasterii": "04.02.2002",  # 18 the day after the report: a child
            "incadrare": "art. 210 alin. (1) C.pen.; art. 210 alin. (2) C.pen.",
        },
        {
            **case_b,
            **SUSPECT,
            "unitate": "BCCO BUCURESTI",
            "dosar_parchet": "90/D/P/2020",
            "incadrare": "art. 367 C.pen.; art.210 CP",
        },
    )
    return mapping.to_unified(FILE, {"case_persons": frame})


def test_unified_columns_and_types_exactly_as_the_models() -> None:
    frames = mapped()
    assert set(frames) == {
        "person_record",
        "proceedings_event",
        "victim_identification",
        "case_record",
    }
    for name, frame in frames.items():
        assert dict(frame.schema) == UNIFIED_TYPES[name], name
        assert frame.columns == list(UNIFIED_MODELS[name].to_schema().columns)
        UNIFIED_MODELS[name].validate(frame)


def test_unified_person_record_values() -> None:
    persons = mapped()["person_record"].sort("source_row")
    assert persons["record_id"].to_list() == [f"politie_2020_20210110:-:{r}" for r in range(2, 7)]
    assert persons["source_agency"].unique().to_list() == ["politie"]
    assert persons["source_file"].unique().to_list() == ["politie_2020_20210110.csv"]
    assert persons["source_sheet"].null_count() == 5
    assert persons["period"].unique().to_list() == ["2020"]
    assert persons["extract_date"].unique().to_list() == [dt.date(2021, 1, 10)]
    assert persons["role"].to_list() == ["victim", "victim", "suspect", "victim", "suspect"]
    assert persons["person_key"].to_list() == ["a" * 64, None, "d" * 64, "a" * 64, "d" * 64]
    assert persons["cnp_status"].to_list() == ["valid", "missing", "valid", "valid", "valid"]
    assert persons["name_birth_date_key"].to_list() == ["b" * 64] * 5
    assert persons["sex"].to_list() == ["F", "F", "M", "F", "M"]
    assert persons["birth_date"].to_list() == [
        dt.date(2000, 5, 12),
        dt.date(1990, 6, 11),
        dt.date(1978, 1, 1),
        dt.date(2002, 2, 4),
        dt.date(1978, 1, 1),
    ]
    assert persons["birth_year"].to_list() == [2000, 1990, 1978, 2002, 1978]
    assert persons["citizenship_code"].to_list() == ["RO", "MD", "RO", "RO", "RO"]
    assert persons["residence_county_code"].to_list() == ["RO-CT", None, "RO-B", "RO-CT", "RO-B"]


def test_unified_proceedings_event_values() -> None:
    events = mapped()["proceedings_event"].sort("source_row")
    assert events["case_number"].to_list() == [
        "P-2020-000101",
        CASE_B,
        "P-2020-000101",
        "P-2020-000101",
        CASE_B,
    ]
    assert events["case_stage"].unique().to_list() == ["police"]
    assert events["role"].to_list() == ["victim", "victim", "suspect", "victim", "suspect"]
    assert events["event_date"].to_list() == [
        dt.date(2020, 2, 3),
        dt.date(2020, 6, 10),
        dt.date(2020, 2, 5),  # each row keeps its own report date
        dt.date(2020, 2, 3),
        dt.date(2020, 6, 10),
    ]
    # each row's own articles, as a set: 'art. 210 ... ; art. 210 ...' is 210 once
    assert events["offence_articles"].to_list() == [[210], [210], [210, 211], [210], [210, 367]]
    assert events["pretrial_detention"].null_count() == 5


def test_unified_victims_from_injured_parties_only() -> None:
    victims = mapped()["victim_identification"].sort("source_row")
    assert victims["source_row"].to_list() == [2, 3, 5]  # rows 4 and 6 are suspects
    assert victims["record_id"].to_list() == [
        "politie_2020_20210110:-:2",
        "politie_2020_20210110:-:3",
        "politie_2020_20210110:-:5",
    ]
    assert victims["identification_date"].to_list() == [
        dt.date(2020, 2, 3),
        dt.date(2020, 6, 10),
        dt.date(2020, 2, 3),
    ]
    assert victims["identifying_institution"].unique().to_list() == ["police"]
    # born 12.05.2000 -> 19 on 03.02.2020; 11.06.1990 -> 29 on 10.06.2020; 04.02.2002 -> 17
    assert victims["age_at_identification"].to_list() == [19, 29, 17]
    assert victims["age_group"].to_list() == ["adult", "adult", "child"]
    assert victims["exploitation_form"].to_list() == ["sexual", "unknown", "labour"]
    assert victims["exploitation_forms"].to_list() == [["sexual"], [], ["labour"]]
    assert victims["exploitation_country_code"].to_list() == ["GB", None, "RO"]
    assert victims["trafficking_scope"].to_list() == ["transnational", "unknown", "domestic"]
    for column in (
        "recruitment_method",
        "residence_area",
        "accepted_assistance",
        "participates_in_proceedings",
    ):
        assert victims[column].null_count() == 3, column
    assert victims["case_number"].to_list() == ["P-2020-000101", CASE_B, "P-2020-000101"]


def test_unified_one_case_record_per_police_case() -> None:
    cases = mapped()["case_record"].sort("case_number")
    assert cases["case_number"].to_list() == ["P-2020-000101", CASE_B]
    # lineage of each case's first row
    assert cases["source_row"].to_list() == [2, 3]
    assert cases["record_id"].to_list() == [
        "politie_2020_20210110:-:2",
        "politie_2020_20210110:-:3",
    ]
    assert cases["case_stage"].to_list() == ["police", "police"]
    # case B's first row has no unit: the next row that has one gives it
    assert cases["handling_unit"].to_list() == ["SCCO CONSTANTA", "BCCO BUCURESTI"]
    assert cases["registration_date"].to_list() == [dt.date(2020, 2, 3), dt.date(2020, 6, 10)]
    assert cases["referral_mode"].to_list() == ["ex_officio", "complaint"]
    # union over the case's rows, distinct and sorted: A rows 2, 4, 5; B rows 3, 6
    assert cases["offence_articles"].to_list() == [[210, 211], [210, 367]]
    assert cases["police_case_status"].to_list() == ["referred_to_prosecutor", "in_progress"]
    assert cases["prosecutor_case_number"].to_list() == ["77/D/P/2020", "90/D/P/2020"]
    for column in (
        "prosecutor_decision",
        "prosecutor_decision_date",
        "court_name",
        "organised_crime_group",
        "cross_border",
        "seized_value_lei",
    ):
        assert cases[column].null_count() == 2, column
