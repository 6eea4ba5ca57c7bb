"""DIICOT models and mapping, on rows built by hand as the reader delivers them (all text),
and on the SPEC example read end to end. Expected values are worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import diicot as schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile, classify
from sources.diicot import mapping
from sources.diicot.reader import read
from tests.conftest import EXAMPLES

FILE = LandingFile(
    "diicot", Path("diicot_2020_20210120.xlsx"), "2020", dt.date(2021, 1, 20), "0" * 64, 1
)
CASE: dict[str, str | None] = {
    "nr_dosar": "55/D/P/2020",
    "structura": "Serviciul Teritorial Cluj",
    "data_inregistrarii": "02.03.2020",
    "infractiuni": "art. 210 C.pen.; art. 367 C.pen.",
    "solutie": "Rechizitoriu",
    "data_solutiei": "15.09.2020",
    "instanta_sesizata": "Tribunalul Cluj",
    "grup_infractional_organizat": "DA",
    "transfrontalier": "NU",
    "valoare_sechestru_lei": "1.250.000,50",
}
PERSON: dict[str, str | None] = {
    "nr_dosar": "55/D/P/2020",
    "calitate": "Persoană vătămată",
    "sex": "F",
    "data_nasterii": "10.11.1999",
    "cetatenie": "România",
    "judet_domiciliu": "Bistriţa-Năsăud",  # cedilla ţ
    "forma_exploatarii": "muncă forțată",
    "tara_exploatarii": "Regatul Unit",
    "arestat_preventiv": None,
    "cnp_status": "valid",
    "cnp_key": "a" * 64,
    "name_birth_date_key": "b" * 64,
    "name_birth_year_key": "c" * 64,
}


def frame(good: dict[str, str | None], *changes: dict[str, str | None]) -> pl.DataFrame:
    """Row 5 is `good` (header on row 4), row n + 5 is `good` with the n-th changes."""
    records = [good, *({**good, **change} for change in changes)]
    rows = pl.DataFrame(records, schema={column: pl.Utf8 for column in good})
    return rows.with_row_index("source_row", offset=5).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )


def delivery(cases: pl.DataFrame, persons: pl.DataFrame) -> Delivery:
    return Delivery(
        FILE,
        [DeliveredTable("cases", "Dosare", cases), DeliveredTable("persons", "Persoane", persons)],
    )


def quarantined(cases: pl.DataFrame, persons: pl.DataFrame) -> list[tuple[object, ...]]:
    quarantine = validate_delivery(delivery(cases, persons), schema.MODELS).quarantine
    return sorted(
        quarantine.select("source_sheet", "source_row", "column_name", "rule").rows(), key=str
    )


# ------------------------------------------------------------------------------ models


def test_models_cover_both_sheets() -> None:
    assert {"cases": schema.DiicotCase, "persons": schema.DiicotPerson} == schema.MODELS


def test_accepted_spellings_pass() -> None:
    cases = frame(
        CASE,
        {"data_inregistrarii": "2016-04-05"},  # an Excel date cell, as the reader writes it
        {"data_inregistrarii": "42552"},  # an Excel serial number (2016-07-01)
        {"data_solutiei": None, "solutie": "În lucru", "instanta_sesizata": None},
        {"solutie": "Acord de recunoaștere a vinovăției"},
        {"solutie": "Acord de recunoaştere a vinovăţiei"},  # cedilla
        {"solutie": "Renunțare la urmărire"},
        {"solutie": "CLASARE"},
        {"infractiuni": "art. 210 alin. (1) lit. a) C.pen.; art.211 CP"},
        {"infractiuni": "art. 213 C.pen."},
        {"valoare_sechestru_lei": None},
        {"valoare_sechestru_lei": "1.250"},
        {"valoare_sechestru_lei": "1250000,5"},  # a number cell, as the reader writes it
        {"valoare_sechestru_lei": "0"},
        {"grup_infractional_organizat": "NU", "transfrontalier": "DA"},
        {"structura": None},
    )
    persons = frame(
        PERSON,
        {"judet_domiciliu": "Bistrița-Năsăud"},  # comma below
        {"judet_domiciliu": "Iaşi"},
        {"judet_domiciliu": "Municipiul București"},
        {"judet_domiciliu": None, "cetatenie": "Republica Moldova"},
        {"tara_exploatarii": "Germania"},
        {"tara_exploatarii": "România"},
        {"data_nasterii": "1999-11-10"},
        {"data_nasterii": "36474"},
        {"data_nasterii": None, "name_birth_date_key": None, "name_birth_year_key": None},
        {"cnp_status": "missing", "cnp_key": None},
        *(
            {"forma_exploatarii": form}
            for form in (
                "exploatare sexuală",
                "cerşetorie",
                "săvârșirea de infracțiuni",
                "prelevare de organe",
                "pornografie infantilă",
                "căsătorie forțată",
                "altă formă",
            )
        ),
        {"forma_exploatarii": None, "tara_exploatarii": None},  # a victim without a form
        {"calitate": "Inculpat", "forma_exploatarii": None, "arestat_preventiv": "DA"},
        {"calitate": "Suspect", "forma_exploatarii": None, "arestat_preventiv": "NU"},
    )
    assert quarantined(cases, persons) == []


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        ({"nr_dosar": "812/P/2016"}, "nr_dosar", "prosecutor_case_number"),
        ({"nr_dosar": "P-2016-004512"}, "nr_dosar", "prosecutor_case_number"),
        ({"nr_dosar": None}, "nr_dosar", "not_nullable"),
        ({"data_inregistrarii": "32.13.2016"}, "data_inregistrarii", "date"),
        ({"data_inregistrarii": "2016/04/05"}, "data_inregistrarii", "date"),
        ({"data_inregistrarii": None}, "data_inregistrarii", "not_nullable"),
        ({"data_solutiei": "31.02.2020"}, "data_solutiei", "date"),
        ({"infractiuni": "art. 199 C.pen."}, "infractiuni", "offence"),
        ({"infractiuni": "trafic de persoane"}, "infractiuni", "offence"),
        ({"solutie": "Amânare"}, "solutie", "codelist_prosecutor_decision"),
        ({"solutie": None}, "solutie", "not_nullable"),
        (
            {"grup_infractional_organizat": "Poate"},
            "grup_infractional_organizat",
            "codelist_yes_no",
        ),
        ({"transfrontalier": "X"}, "transfrontalier", "codelist_yes_no"),
        ({"valoare_sechestru_lei": "1,250.000"}, "valoare_sechestru_lei", "ro_amount"),
        ({"valoare_sechestru_lei": "1.25.000"}, "valoare_sechestru_lei", "ro_amount"),
        ({"valoare_sechestru_lei": "-5"}, "valoare_sechestru_lei", "ro_amount"),
        ({"valoare_sechestru_lei": "mult"}, "valoare_sechestru_lei", "ro_amount"),
        ({"data_solutiei": "01.03.2020"}, None, "decided_after_registration"),
    ],
)
def test_each_case_check_names_its_rule(
    change: dict[str, str | None], column: str | None, rule: str
) -> None:
    assert quarantined(frame(CASE, change), frame(PERSON)) == [("Dosare", 6, column, rule)]


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        ({"nr_dosar": "55/DP/2020"}, "nr_dosar", "prosecutor_case_number"),
        ({"calitate": "Martor"}, "calitate", "codelist_person_role"),
        ({"calitate": None}, "calitate", "not_nullable"),
        ({"sex": "X"}, "sex", "codelist_sex"),
        ({"data_nasterii": "32.13.2016"}, "data_nasterii", "date"),
        ({"data_nasterii": "10.11.1099"}, "data_nasterii", "birth_date_from_1900"),
        ({"cetatenie": "Atlantida"}, "cetatenie", "country"),
        ({"judet_domiciliu": "Pașcani"}, "judet_domiciliu", "county"),  # a town
        ({"forma_exploatarii": "muncă"}, "forma_exploatarii", "codelist_exploitation_form"),
        ({"tara_exploatarii": "Europa"}, "tara_exploatarii", "country"),
        ({"arestat_preventiv": "Poate"}, "arestat_preventiv", "codelist_yes_no"),
        ({"cnp_status": "unknown"}, "cnp_status", "isin"),
        ({"cnp_key": "short"}, "cnp_key", "str_length"),
        ({"name_birth_date_key": "short"}, "name_birth_date_key", "str_length"),
    ],
)
def test_each_person_check_names_its_rule(
    change: dict[str, str | None], column: str, rule: str
) -> None:
    assert quarantined(frame(CASE), frame(PERSON, change)) == [("Persoane", 6, column, rule)]


def test_bad_row_quarantined_good_rows_pass_and_every_row_counted() -> None:
    cases = frame(
        CASE,
        {
            "nr_dosar": "56/D/P/2020",
            "solutie": "Amânare",
            "data_inregistrarii": "32.13.2016",
            "valoare_sechestru_lei": "1,250.000",
        },
        {"nr_dosar": "57/D/P/2020"},
    )
    persons = frame(PERSON, {"sex": "X"}, {"calitate": "Inculpat", "forma_exploatarii": None})
    source = delivery(cases, persons)
    validated = validate_delivery(source, schema.MODELS)
    quarantine = validated.quarantine.sort("column_name")
    assert quarantine.select(
        "source_sheet", "source_row", "column_name", "rule", "value"
    ).rows() == [
        ("Dosare", 6, "data_inregistrarii", "date", "32.13.2016"),
        ("Persoane", 6, "sex", "codelist_sex", "X"),
        ("Dosare", 6, "solutie", "codelist_prosecutor_decision", "Amânare"),
        ("Dosare", 6, "valoare_sechestru_lei", "ro_amount", "1,250.000"),
    ]
    assert quarantine["reason"][3] == (
        "valoare_sechestru_lei: not an amount in Romanian format (e.g. 1.250.000,50)"
    )
    assert validated.tables["cases"].accepted["source_row"].to_list() == [5, 7]
    assert validated.tables["persons"].accepted["source_row"].to_list() == [5, 7]
    assert source.rows_read() == 6
    assert validated.rows_accepted() == 4 and validated.rows_quarantined() == 2
    assert source.rows_read() == validated.rows_accepted() + validated.rows_quarantined()


def test_key_values_are_not_shown_in_the_quarantine() -> None:
    quarantine = validate_delivery(
        delivery(frame(CASE), frame(PERSON, {"cnp_key": "x"})), schema.MODELS
    ).quarantine
    assert quarantine["value"].to_list() == ["(identifier, not shown)"]


# ------------------------------------------------------------------------------ mapping

SEIZED = [
    ("1.250.000,50", 1_250_000.5),
    ("1.250", 1250.0),  # thousands, never 1.25
    ("1250000,5", 1_250_000.5),
    ("42500", 42500.0),
    (None, None),
]


def mapped() -> dict[str, pl.DataFrame]:
    """Cases A (row 5), B (6), C (7); persons of A, B, C and of a case D not in the sheet."""
    cases = frame(
        CASE,
        {
            "nr_dosar": "56/D/P/2020",
            "structura": "Structura Centrală",
            "data_inregistrarii": "44000",  # serial: 2020-06-18
            "infractiuni": "art. 211 C.pen.; art. 210 alin. (1) C.pen.; art. 210 alin. (2)",
            "solutie": "În lucru",
            "data_solutiei": None,
            "instanta_sesizata": None,
            "grup_infractional_organizat": "NU",
            "transfrontalier": "DA",
            "valoare_sechestru_lei": None,
        },
        {
            "nr_dosar": "57/D/P/2020",
            "structura": "Biroul Teritorial Olt",
            "data_inregistrarii": "2020-10-01",
            "infractiuni": "art. 210 C.pen.",
            "solutie": "Clasare",
            "data_solutiei": "2020-12-01",
            "instanta_sesizata": None,
            "grup_infractional_organizat": "NECUNOSCUT",
            "transfrontalier": None,
            "valoare_sechestru_lei": "1.250",
        },
    )
    persons = frame(
        PERSON,  # row 5: victim of A, born 10.11.1999, 20 on 02.03.2020
        {
            "calitate": "Inculpat",
            "sex": "M",
            "data_nasterii": "1980-01-02",
            "judet_domiciliu": "Cluj",
            "forma_exploatarii": None,
            "tara_exploatarii": None,
            "arestat_preventiv": "DA",
            "cnp_key": "d" * 64,
        },
        {
            "nr_dosar": "56/D/P/2020",
            "calitate": "Suspect",
            "sex": None,
            "data_nasterii": None,
            "cetatenie": "Republica Moldova",
            "judet_domiciliu": None,
            "forma_exploatarii": None,
            "tara_exploatarii": None,
            "arestat_preventiv": "NU",
            "cnp_status": "missing",
            "cnp_key": None,
            "name_birth_date_key": None,
        },
        {
            "nr_dosar": "56/D/P/2020",
            "data_nasterii": "18.06.2002",  # 18 on the registration day itself
            "judet_domiciliu": "Iaşi",
            "forma_exploatarii": "cerşetorie",
            "tara_exploatarii": "România",
        },
        {
            "nr_dosar": "99/D/P/2020",  # not in the Dosare sheet of this file
            "data_nasterii": "01.01.2001",
            "forma_exploatarii": "exploatare sexuală",
            "tara_exploatarii": "Germania",
        },
        {
            "nr_dosar": "57/D/P/2020",
            "data_nasterii": "2005-12-31",  # 14 on 01.10.2020
            "judet_domiciliu": "Municipiul București",
            "forma_exploatarii": None,
            "tara_exploatarii": None,
        },
    )
    validated = validate_delivery(delivery(cases, persons), schema.MODELS)
    assert validated.quarantine.height == 0
    return mapping.to_unified(FILE, {k: t.accepted for k, t in validated.tables.items()})


def test_unified_tables_have_the_model_columns_and_validate() -> None:
    frames = mapped()
    assert set(frames) == {
        "case_record",
        "person_record",
        "proceedings_event",
        "victim_identification",
    }
    for name, table in frames.items():
        model = UNIFIED_MODELS[name]
        assert table.columns == list(model.to_schema().columns), name
        assert table.columns[:7] == [
            "record_id",
            "source_agency",
            "source_file",
            "source_sheet",
            "source_row",
            "period",
            "extract_date",
        ]
        model.validate(table)


def test_unified_case_record() -> None:
    cases = mapped()["case_record"].sort("source_row")
    assert cases["record_id"].to_list() == [
        "diicot_2020_20210120:Dosare:5",
        "diicot_2020_20210120:Dosare:6",
        "diicot_2020_20210120:Dosare:7",
    ]
    assert cases["source_sheet"].unique().to_list() == ["Dosare"]
    assert cases["period"].unique().to_list() == ["2020"]
    assert cases["extract_date"].unique().to_list() == [dt.date(2021, 1, 20)]
    assert cases["case_number"].to_list() == ["55/D/P/2020", "56/D/P/2020", "57/D/P/2020"]
    assert cases["prosecutor_case_number"].to_list() == cases["case_number"].to_list()
    assert cases["case_stage"].unique().to_list() == ["prosecution"]
    assert cases["handling_unit"].to_list() == [
        "Serviciul Teritorial Cluj",
        "Structura Centrală",
        "Biroul Teritorial Olt",
    ]
    assert cases["registration_date"].to_list() == [
        dt.date(2020, 3, 2),
        dt.date(2020, 6, 18),
        dt.date(2020, 10, 1),
    ]
    # distinct and sorted: 'art. 210 alin. (1); art. 210 alin. (2)' is 210 once
    assert cases["offence_articles"].to_list() == [[210, 367], [210, 211], [210]]
    assert cases["prosecutor_decision"].to_list() == ["indictment", "in_progress", "dismissal"]
    assert cases["prosecutor_decision_date"].to_list() == [
        dt.date(2020, 9, 15),
        None,
        dt.date(2020, 12, 1),
    ]
    assert cases["court_name"].to_list() == ["Tribunalul Cluj", None, None]
    assert cases["organised_crime_group"].to_list() == [True, False, None]  # NECUNOSCUT
    assert cases["cross_border"].to_list() == [False, True, None]
    assert cases["seized_value_lei"].to_list() == [1_250_000.5, None, 1250.0]
    assert cases["referral_mode"].null_count() == 3
    assert cases["police_case_status"].null_count() == 3


@pytest.mark.parametrize(("text", "value"), SEIZED)
def test_seized_value_read_the_romanian_way(text: str | None, value: float | None) -> None:
    cases = frame(CASE, {"valoare_sechestru_lei": text}).slice(1)
    frames = mapping.to_unified(FILE, {"cases": cases, "persons": frame(PERSON)})
    assert frames["case_record"]["seized_value_lei"].to_list() == [value]


def test_unified_person_record() -> None:
    persons = mapped()["person_record"].sort("source_row")
    assert persons["record_id"].to_list() == [
        f"diicot_2020_20210120:Persoane:{row}" for row in range(5, 11)
    ]
    assert persons["source_sheet"].unique().to_list() == ["Persoane"]
    assert persons["role"].to_list() == [
        "victim",
        "defendant",
        "suspect",
        "victim",
        "victim",
        "victim",
    ]
    assert persons["person_key"].to_list() == ["a" * 64, "d" * 64, None] + ["a" * 64] * 3
    assert persons["cnp_status"].to_list() == ["valid", "valid", "missing"] + ["valid"] * 3
    assert persons["name_birth_date_key"].to_list() == ["b" * 64] * 2 + [None] + ["b" * 64] * 3
    assert persons["sex"].to_list() == ["F", "M", "U", "F", "F", "F"]
    assert persons["birth_date"].to_list() == [
        dt.date(1999, 11, 10),
        dt.date(1980, 1, 2),
        None,
        dt.date(2002, 6, 18),
        dt.date(2001, 1, 1),
        dt.date(2005, 12, 31),
    ]
    assert persons["birth_year"].to_list() == [1999, 1980, None, 2002, 2001, 2005]
    assert persons["citizenship_code"].to_list() == ["RO", "RO", "MD", "RO", "RO", "RO"]
    assert persons["residence_county_code"].to_list() == [
        "RO-BN",
        "RO-CJ",
        None,
        "RO-IS",
        "RO-BN",
        "RO-B",
    ]


def test_unified_proceedings_event() -> None:
    events = mapped()["proceedings_event"].sort("source_row")
    assert events["case_number"].to_list() == [
        "55/D/P/2020",
        "55/D/P/2020",
        "56/D/P/2020",
        "56/D/P/2020",
        "99/D/P/2020",
        "57/D/P/2020",
    ]
    assert events["case_stage"].unique().to_list() == ["prosecution"]
    assert events["role"].to_list() == [
        "victim",
        "defendant",
        "suspect",
        "victim",
        "victim",
        "victim",
    ]
    # the registration date of the person's case, from the Dosare sheet of the same file
    assert events["event_date"].to_list() == [
        dt.date(2020, 3, 2),
        dt.date(2020, 3, 2),
        dt.date(2020, 6, 18),
        dt.date(2020, 6, 18),
        None,  # case 99/D/P/2020 is not in the sheet
        dt.date(2020, 10, 1),
    ]
    assert events["offence_articles"].to_list() == [
        [210, 367],
        [210, 367],
        [210, 211],
        [210, 211],
        [],
        [210],
    ]
    assert events["pretrial_detention"].to_list() == [None, True, False, None, None, None]


def test_unified_victim_identification() -> None:
    victims = mapped()["victim_identification"].sort("source_row")
    assert victims["source_row"].to_list() == [5, 8, 9, 10]  # rows 6 and 7 are not victims
    assert victims["record_id"][0] == "diicot_2020_20210120:Persoane:5"
    assert victims["identification_date"].to_list() == [
        dt.date(2020, 3, 2),
        dt.date(2020, 6, 18),
        None,
        dt.date(2020, 10, 1),
    ]
    assert victims["identifying_institution"].unique().to_list() == ["prosecution"]
    assert victims["age_at_identification"].to_list() == [20, 18, None, 14]
    assert victims["age_group"].to_list() == ["adult", "adult", "unknown", "child"]
    assert victims["exploitation_form"].to_list() == ["labour", "begging", "sexual", "unknown"]
    assert victims["exploitation_forms"].to_list() == [["labour"], ["begging"], ["sexual"], []]
    assert victims["exploitation_country_code"].to_list() == ["GB", "RO", "DE", None]
    assert victims["trafficking_scope"].to_list() == [
        "transnational",
        "domestic",
        "transnational",
        "unknown",
    ]
    assert victims["case_number"].to_list() == [
        "55/D/P/2020",
        "56/D/P/2020",
        "99/D/P/2020",
        "57/D/P/2020",
    ]
    for column in (
        "recruitment_method",
        "residence_area",
        "accepted_assistance",
        "participates_in_proceedings",
    ):
        assert victims[column].null_count() == 4, column


# ------------------------------------------------------------------------------ the example


def test_example_validates_and_maps(key: bytes) -> None:
    file = classify("diicot", EXAMPLES / "diicot" / "diicot_2016_20170120.xlsx")
    assert isinstance(file, LandingFile)
    source = read(file, key)
    validated = validate_delivery(source, schema.MODELS)
    assert validated.quarantine.height == 0
    assert validated.tables["cases"].accepted.height == 3
    assert validated.tables["persons"].accepted.height == 8
    assert source.rows_read() == validated.rows_accepted() == 11
    frames = mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, table in frames.items():
        UNIFIED_MODELS[name].validate(table)

    cases = frames["case_record"].sort("source_row")
    assert cases["record_id"][0] == "diicot_2016_20170120:Dosare:5"
    assert cases["source_row"].to_list() == [5, 6, 7]  # header on row 4 under the title band
    assert cases["case_number"].to_list() == ["812/D/P/2016", "1033/D/P/2016", "1502/D/P/2016"]
    # row 6 holds the date typed as text 01.07.2016, the others are Excel dates
    assert cases["registration_date"].to_list() == [
        dt.date(2016, 4, 5),
        dt.date(2016, 7, 1),
        dt.date(2016, 9, 20),
    ]
    assert cases["prosecutor_decision"].to_list() == ["indictment", "in_progress", "dismissal"]
    assert cases["prosecutor_decision_date"].to_list() == [
        dt.date(2016, 12, 19),
        None,
        dt.date(2016, 12, 2),
    ]
    assert cases["offence_articles"].to_list() == [[210, 211, 367], [210], [210]]
    assert cases["court_name"].to_list() == ["Tribunalul Iași", None, None]
    assert cases["organised_crime_group"].to_list() == [True, False, False]
    assert cases["cross_border"].to_list() == [True, False, False]
    assert cases["seized_value_lei"].to_list() == [1_250_000.5, None, None]
    assert cases["handling_unit"].to_list() == [
        "Serviciul Teritorial Iași",
        "Biroul Teritorial Ialomița",
        "Structura Centrală",
    ]

    persons = frames["person_record"].sort("source_row")
    assert persons["role"].to_list() == [
        "defendant",
        "defendant",
        "victim",
        "victim",
        "suspect",
        "victim",
        "victim",
        "victim",
    ]
    # Iași (comma below) on rows 5 and 7, Iaşi (cedilla) on row 8, Ialomiţa / Ialomița
    assert persons["residence_county_code"].to_list() == [
        "RO-IS",
        "RO-VS",
        "RO-IS",
        "RO-IS",
        "RO-IL",
        "RO-IL",
        "RO-IL",
        None,
    ]
    assert persons["citizenship_code"].to_list() == ["RO"] * 7 + ["MD"]
    assert persons["birth_year"].to_list() == [1985, 1990, 2000, 1995, 1969, 1978, 1982, 1999]
    assert persons["sex"].to_list() == ["M", "M", "F", "F", "M", "M", "M", "F"]

    events = frames["proceedings_event"].sort("source_row")
    assert events["event_date"].to_list() == [dt.date(2016, 4, 5)] * 4 + [
        dt.date(2016, 7, 1)
    ] * 3 + [dt.date(2016, 9, 20)]
    assert events["pretrial_detention"].to_list() == [
        True,
        False,
        None,
        None,
        False,
        None,
        None,
        None,
    ]

    victims = frames["victim_identification"].sort("source_row")
    assert victims["source_row"].to_list() == [7, 8, 10, 11, 12]
    # 14.03.2000 -> 16 on 05.04.2016; 02.07.1995 -> 20; 30.11.1978 -> 37 on 01.07.2016;
    # 09.01.1982 -> 34; 21.05.1999 -> 17 on 20.09.2016
    assert victims["age_at_identification"].to_list() == [16, 20, 37, 34, 17]
    assert victims["age_group"].to_list() == ["child", "adult", "adult", "adult", "child"]
    assert victims["exploitation_form"].to_list() == [
        "sexual",
        "sexual",
        "labour",
        "labour",
        "begging",
    ]
    assert victims["exploitation_country_code"].to_list() == ["DE", "DE", "RO", "RO", "RO"]
    assert victims["trafficking_scope"].to_list() == ["transnational"] * 2 + ["domestic"] * 3
