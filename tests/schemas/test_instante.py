"""Court model and mapping, on rows built by hand as the reader delivers them (all text)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import instante as schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile
from sources.instante import mapping
from tests.schemas.unified_types import UNIFIED_TYPES

FILE = LandingFile(
    "instante", Path("instante_2021_20220115.jsonl"), "2021", dt.date(2022, 1, 15), "0" * 64, 1
)
GOOD: dict[str, str | None] = {
    "numar_dosar": "310/99/2021",
    "instanta": "Tribunalul Dolj",
    "grad_jurisdictie": "fond",
    "dosar_parchet": "41/D/P/2020",
    "data_inregistrare": "2021-01-11",
    "inculpat_sex": "M",
    "inculpat_data_nasterii": "1982-03-04",
    "infractiune": "art. 210 C.pen.",
    "solutie": "condamnare",
    "data_solutie": "2021-06-30",
    "definitiva": "false",
    "pedeapsa_tip": "inchisoare",
    "pedeapsa_durata_luni": "30",
    "pedeapsa_suspendare": "true",
    "pedeapsa_amenda_lei": None,
    "confiscare_lei": None,
    "despagubiri_lei": "0",
    "numar_victime": "1",
    "cnp_status": "valid",
    "cnp_key": "a" * 64,
    "name_birth_date_key": "b" * 64,
    "name_birth_year_key": "c" * 64,
}


def rows(*changes: dict[str, str | None]) -> pl.DataFrame:
    """Row 1 is GOOD, row n + 1 is GOOD with the n-th changes."""
    records = [GOOD, *({**GOOD, **change} for change in changes)]
    frame = pl.DataFrame(records, schema={column: pl.Utf8 for column in GOOD})
    return frame.with_row_index("source_row", offset=1).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )


def quarantined(frame: pl.DataFrame) -> list[tuple[int, str | None, str]]:
    delivery = Delivery(FILE, [DeliveredTable("decisions", None, frame)])
    quarantine = validate_delivery(delivery, schema.MODELS).quarantine
    return sorted(quarantine.select("source_row", "column_name", "rule").rows(), key=str)


def test_accepted_spellings_pass() -> None:
    frame = rows(
        {"numar_dosar": "4567/99/2017/a1", "grad_jurisdictie": "apel"},
        {"numar_dosar": "12/2/2019/a1.2", "grad_jurisdictie": "recurs în casație"},
        {"solutie": "Condamnare", "pedeapsa_tip": "AMENDA", "pedeapsa_durata_luni": None},
        {"solutie": "achitare", "pedeapsa_tip": None, "pedeapsa_durata_luni": None},
        {"inculpat_sex": "feminin", "inculpat_data_nasterii": None, "cnp_key": None},
        {"infractiune": "art. 210 alin. (1) C.pen.; art. 367 C.pen.", "dosar_parchet": None},
        {"pedeapsa_amenda_lei": "1250.5", "confiscare_lei": "410000", "numar_victime": "0"},
        {"solutie": "amanarea aplicarii pedepsei", "pedeapsa_durata_luni": None},
        {"infractiune": "art. 12 alin. (1) din Legea nr. 678/2001"},
    )
    assert quarantined(frame) == []


def test_former_law_articles_are_not_criminal_code_articles() -> None:
    texts = [
        "art. 12 din Legea 678/2001",
        "art. 210 C.pen.; art. 13 alin. 2 din Legea nr. 678 / 2001",
        "art. 213 C.pen.",
    ]
    frame = mapping.to_unified(FILE, {"decisions": rows(*({"infractiune": t} for t in texts))})[
        "court_decision"
    ].sort("source_row")
    assert frame["offence_codes"].to_list() == [
        ["CP210"],
        ["L678-12"],
        ["CP210", "L678-13"],
        ["CP213"],
    ]
    assert frame["offence_articles"].to_list() == [[210], [], [210], [213]]


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        ({"numar_dosar": "4567-99-2017"}, "numar_dosar", "court_file_number"),
        ({"numar_dosar": "4567/99/17"}, "numar_dosar", "court_file_number"),
        ({"instanta": None}, "instanta", "not_nullable"),
        ({"instanta": "123"}, "instanta", "court_name"),
        ({"grad_jurisdictie": "tribunal"}, "grad_jurisdictie", "codelist_court_level"),
        ({"dosar_parchet": "812/P/2016"}, "dosar_parchet", "prosecutor_case_number"),
        ({"data_inregistrare": "2021-13-01"}, "data_inregistrare", "date"),
        ({"data_solutie": "2017-02-30"}, "data_solutie", "date"),
        ({"data_solutie": "30.06.2021"}, "data_solutie", "date"),  # dotted: not the courts' form
        ({"data_solutie": "44377"}, "data_solutie", "date"),  # an Excel serial: not either
        ({"data_solutie": None}, "data_solutie", "not_nullable"),
        ({"inculpat_data_nasterii": "1982-3-4"}, "inculpat_data_nasterii", "date"),
        ({"inculpat_sex": "X"}, "inculpat_sex", "codelist_sex"),
        ({"infractiune": "art. 188 C.pen."}, "infractiune", "offence"),
        ({"infractiune": "trafic de persoane"}, "infractiune", "offence"),
        # Article 12 of the Criminal Code is not an offence in scope; Law 678/2001's is.
        ({"infractiune": "art. 12 C.pen."}, "infractiune", "offence"),
        ({"solutie": "amanare"}, "solutie", "codelist_court_decision"),
        ({"definitiva": None}, "definitiva", "not_nullable"),
        ({"definitiva": "da"}, "definitiva", "boolean"),
        ({"pedeapsa_suspendare": "1"}, "pedeapsa_suspendare", "boolean"),
        ({"pedeapsa_tip": "detentiune"}, "pedeapsa_tip", "codelist_sentence_type"),
        ({"pedeapsa_durata_luni": "30.5"}, "pedeapsa_durata_luni", "whole_number"),
        ({"pedeapsa_durata_luni": "0"}, "pedeapsa_durata_luni", "whole_number"),
        ({"pedeapsa_durata_luni": "601"}, "pedeapsa_durata_luni", "whole_number"),
        ({"numar_victime": "-1"}, "numar_victime", "whole_number"),
        ({"pedeapsa_amenda_lei": "1.250,50"}, "pedeapsa_amenda_lei", "amount"),
        ({"confiscare_lei": "-5"}, "confiscare_lei", "amount"),
        ({"despagubiri_lei": "1e3"}, "despagubiri_lei", "amount"),
        ({"cnp_status": "unknown"}, "cnp_status", "isin"),
        ({"name_birth_date_key": "short"}, "name_birth_date_key", "str_length"),
    ],
)
def test_each_column_check_names_its_rule(
    change: dict[str, str | None], column: str, rule: str
) -> None:
    assert quarantined(rows(change)) == [(2, column, rule)]


def test_conviction_to_prison_needs_its_length() -> None:
    no_length = {"pedeapsa_durata_luni": None}
    frame = rows(
        no_length,  # conviction to prison: rejected
        {**no_length, "solutie": "CONDAMNARE", "pedeapsa_tip": "Inchisoare"},  # any spelling
        {**no_length, "pedeapsa_tip": "amenda"},  # a fine has no length
        {**no_length, "solutie": "achitare"},  # not a conviction: the rule does not apply
        {**no_length, "pedeapsa_tip": None},
    )
    assert quarantined(frame) == [(2, None, "prison_has_length"), (3, None, "prison_has_length")]


def test_birth_date_from_1900_and_before_the_decision() -> None:
    frame = rows(
        {"inculpat_data_nasterii": "2021-06-30"},  # born on the day of the decision
        {"inculpat_data_nasterii": "1899-12-31"},
        {"inculpat_data_nasterii": "1900-01-01"},
        {"inculpat_data_nasterii": None},  # unknown: nothing to judge
    )
    assert quarantined(frame) == [
        (2, None, "born_before_decision"),
        (3, None, "born_before_decision"),
    ]


def test_quarantine_reason_is_readable_and_hides_keys() -> None:
    delivery = Delivery(
        FILE,
        [DeliveredTable("decisions", None, rows({"solutie": "amanare", "cnp_key": "x"}))],
    )
    quarantine = validate_delivery(delivery, schema.MODELS).quarantine.sort("column_name")
    assert quarantine["column_name"].to_list() == ["cnp_key", "solutie"]
    assert quarantine["value"].to_list() == ["(identifier, not shown)", "amanare"]
    assert quarantine["reason"][1].startswith("solutie: not a known court decision value")


# ------------------------------------------------------------------------------ mapping


def mapped() -> dict[str, pl.DataFrame]:
    frame = rows(
        {
            "numar_dosar": "12/2/2019/a1",
            "grad_jurisdictie": "recurs in casatie",
            "solutie": "achitare",
            "definitiva": "true",
            "pedeapsa_tip": None,
            "pedeapsa_durata_luni": None,
            "pedeapsa_suspendare": None,
            "despagubiri_lei": None,
            "numar_victime": None,
            "dosar_parchet": None,
            "data_inregistrare": None,
            "inculpat_sex": None,
            "inculpat_data_nasterii": None,
            "cnp_status": "missing",
            "cnp_key": None,
            "name_birth_date_key": None,
        },
        {
            "pedeapsa_tip": "amenda",
            "pedeapsa_durata_luni": None,
            "pedeapsa_suspendare": "false",
            "pedeapsa_amenda_lei": "1250.5",
            "confiscare_lei": "410000",
            "infractiune": "art. 210 alin. (1) C.pen.; art.367 CP",
            "inculpat_sex": "F",
        },
    )
    return mapping.to_unified(FILE, {"decisions": frame})


def test_unified_columns_and_types_exactly_as_the_models() -> None:
    frames = mapped()
    assert set(frames) == {"person_record", "court_decision"}
    assert dict(frames["court_decision"].schema) == UNIFIED_TYPES["court_decision"]
    assert dict(frames["person_record"].schema) == UNIFIED_TYPES["person_record"]
    for name, frame in frames.items():
        assert frame.columns == list(UNIFIED_MODELS[name].to_schema().columns)
        UNIFIED_MODELS[name].validate(frame)


def test_unified_court_decision_values() -> None:
    decisions = mapped()["court_decision"].sort("source_row")
    assert decisions["record_id"].to_list() == [
        "instante_2021_20220115:-:1",
        "instante_2021_20220115:-:2",
        "instante_2021_20220115:-:3",
    ]
    assert decisions["source_agency"].unique().to_list() == ["instante"]
    assert decisions["source_sheet"].null_count() == 3
    assert decisions["period"].unique().to_list() == ["2021"]
    assert decisions["extract_date"].unique().to_list() == [dt.date(2022, 1, 15)]
    assert decisions["court_case_number"].to_list() == [
        "310/99/2021",
        "12/2/2019/a1",
        "310/99/2021",
    ]
    assert decisions["court_level"].to_list() == ["first_instance", "cassation", "first_instance"]
    assert decisions["prosecutor_case_number"].to_list() == ["41/D/P/2020", None, "41/D/P/2020"]
    assert decisions["registration_date"].to_list() == [
        dt.date(2021, 1, 11),
        None,
        dt.date(2021, 1, 11),
    ]
    assert decisions["offence_articles"].to_list() == [[210], [210], [210, 367]]
    assert decisions["decision"].to_list() == ["conviction", "acquittal", "conviction"]
    assert decisions["decision_date"].to_list() == [dt.date(2021, 6, 30)] * 3
    assert decisions["is_final"].to_list() == [False, True, False]
    assert decisions["sentence_type"].to_list() == ["prison", None, "fine"]
    assert decisions["sentence_months"].to_list() == [30, None, None]
    assert decisions["is_suspended"].to_list() == [True, None, False]  # absent: unknown
    assert decisions["fine_lei"].to_list() == [None, None, 1250.5]
    assert decisions["confiscation_lei"].to_list() == [None, None, 410000.0]
    assert decisions["damages_lei"].to_list() == [0.0, None, 0.0]  # "0" is zero, absent null
    assert decisions["victims_count"].to_list() == [1, None, 1]


def test_unified_person_record_values() -> None:
    persons = mapped()["person_record"].sort("source_row")
    assert persons["role"].to_list() == ["defendant"] * 3
    assert persons["person_key"].to_list() == ["a" * 64, None, "a" * 64]
    assert persons["cnp_status"].to_list() == ["valid", "missing", "valid"]
    assert persons["name_birth_date_key"].to_list() == ["b" * 64, None, "b" * 64]
    assert persons["name_birth_year_key"].to_list() == ["c" * 64] * 3
    assert persons["sex"].to_list() == ["M", "U", "F"]  # not recorded: U
    assert persons["birth_date"].to_list() == [dt.date(1982, 3, 4), None, dt.date(1982, 3, 4)]
    assert persons["birth_year"].to_list() == [1982, None, 1982]
    assert persons["citizenship_code"].null_count() == 3
    assert persons["residence_county_code"].null_count() == 3
