"""NGO / IO model and mapping, on rows built by hand as the reader delivers them (all text),
and on the SPEC example read end to end. Expected values are worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import ong as schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile, classify
from sources.ong import mapping
from sources.ong.reader import read
from tests.conftest import EXAMPLES

FILE = LandingFile("ong", Path("ong_2020_20210130.xlsx"), "2020", dt.date(2021, 1, 30), "0" * 64, 1)
GOOD: dict[str, str | None] = {
    "organizatie": "Asociatia Exemplu",
    "sex": "F",
    "anul_nasterii": "1998",
    "cetatenie": "România",
    "judet": "Bacău",
    "data_intrarii_in_program": "2020-03-02",
    "forma_exploatare": "exploatare sexuala (Germania)",
    "participa_la_procesul_penal": "Da",
    "nr_dosar_penal": "55/D/P/2020",
    "cnp_status": "valid",
    "cnp_key": "a" * 64,
    "name_birth_date_key": None,
    "name_birth_year_key": "c" * 64,
    "cod_beneficiar_key": "e" * 64,
}


def frame(*changes: dict[str, str | None]) -> pl.DataFrame:
    """Row 2 is GOOD (header on row 1), row n + 2 is GOOD with the n-th changes."""
    records = [GOOD, *({**GOOD, **change} for change in changes)]
    rows = pl.DataFrame(records, schema={column: pl.Utf8 for column in GOOD})
    return rows.with_row_index("source_row", offset=2).with_columns(
        pl.col("source_row").cast(pl.Int64)
    )


def delivery(rows: pl.DataFrame) -> Delivery:
    return Delivery(FILE, [DeliveredTable("beneficiaries", "Beneficiari", rows)])


def quarantined(rows: pl.DataFrame) -> list[tuple[object, ...]]:
    quarantine = validate_delivery(delivery(rows), schema.MODELS).quarantine
    return sorted(quarantine.select("source_row", "column_name", "rule").rows(), key=str)


def episodes(*changes: dict[str, str | None]) -> pl.DataFrame:
    return mapping.to_unified(FILE, {"beneficiaries": frame(*changes)})["assistance_episode"]


# ------------------------------------------------------------------------------ model


def test_models_cover_the_one_sheet() -> None:
    assert {"beneficiaries": schema.OngBeneficiary} == schema.MODELS


def test_accepted_spellings_pass() -> None:
    rows = frame(
        {"participa_la_procesul_penal": "Nu"},
        {"participa_la_procesul_penal": "DA"},
        {"participa_la_procesul_penal": None},
        {"sex": "M"},
        {"sex": None},
        {"anul_nasterii": "1900"},
        {"anul_nasterii": "2100"},
        {"anul_nasterii": None, "name_birth_year_key": None},
        {"cetatenie": "Republica Moldova", "judet": None},
        {"cetatenie": "MD"},
        {"judet": "Bacau"},
        {"judet": "BC"},
        {"judet": "Iaşi"},
        {"data_intrarii_in_program": "20.11.2016"},
        {"data_intrarii_in_program": "43892"},  # an Excel serial number
        {"data_intrarii_in_program": None},
        {"forma_exploatare": "munca in agricultura, Italia"},
        {"forma_exploatare": "MUNCĂ FORȚATĂ"},
        {"forma_exploatare": "cersetorie"},
        {"forma_exploatare": "nespecificat"},
        {"forma_exploatare": None},
        {"cnp_status": "missing", "cnp_key": None},
        {"cod_beneficiar_key": None},
        {"nr_dosar_penal": None},
    )
    assert quarantined(rows) == []


@pytest.mark.parametrize(
    ("change", "column", "rule"),
    [
        ({"organizatie": None}, "organizatie", "not_nullable"),
        ({"sex": "X"}, "sex", "codelist_sex"),
        ({"anul_nasterii": "1899"}, "anul_nasterii", "whole_number"),
        ({"anul_nasterii": "2101"}, "anul_nasterii", "whole_number"),
        ({"anul_nasterii": "1998.5"}, "anul_nasterii", "whole_number"),
        ({"anul_nasterii": "nascuta 1998"}, "anul_nasterii", "whole_number"),
        ({"cetatenie": "Atlantida"}, "cetatenie", "country"),
        ({"judet": "Pașcani"}, "judet", "county"),
        ({"data_intrarii_in_program": "32.13.2016"}, "data_intrarii_in_program", "date"),
        ({"data_intrarii_in_program": "2016/04/12"}, "data_intrarii_in_program", "date"),
        ({"forma_exploatare": "consiliere"}, "forma_exploatare", "exploitation_form_text"),
        (
            {"participa_la_procesul_penal": "Poate"},
            "participa_la_procesul_penal",
            "codelist_yes_no",
        ),
        ({"cnp_key": "short"}, "cnp_key", "str_length"),
        ({"cod_beneficiar_key": "EX-20-001"}, "cod_beneficiar_key", "str_length"),
        ({"name_birth_year_key": "short"}, "name_birth_year_key", "str_length"),
    ],
)
def test_each_check_names_its_rule(change: dict[str, str | None], column: str, rule: str) -> None:
    assert quarantined(frame(change)) == [(3, column, rule)]


def test_bad_row_quarantined_good_rows_pass_and_every_row_counted() -> None:
    rows = frame(
        {"sex": "X", "data_intrarii_in_program": "32.13.2016", "forma_exploatare": "ajutor"},
        {"anul_nasterii": "1988"},
    )
    source = delivery(rows)
    validated = validate_delivery(source, schema.MODELS)
    assert validated.quarantine.select("source_row", "column_name", "rule", "value").sort(
        "column_name"
    ).rows() == [
        (3, "data_intrarii_in_program", "date", "32.13.2016"),
        (3, "forma_exploatare", "exploitation_form_text", "ajutor"),
        (3, "sex", "codelist_sex", "X"),
    ]
    assert validated.tables["beneficiaries"].accepted["source_row"].to_list() == [2, 4]
    assert source.rows_read() == 3
    assert source.rows_read() == validated.rows_accepted() + validated.rows_quarantined()


# ------------------------------------------------------------------------------ mapping


@pytest.mark.parametrize(
    ("text", "country"),
    [
        ("exploatare sexuala (Germania)", "DE"),
        ("munca in agricultura, Italia", "IT"),
        ("munca fortata constructii", None),
        ("exploatare sexuala in Marea Britanie", "GB"),  # two words
        ("munca in Statele Unite ale Americii", "US"),  # four words, 'ale' inside
        ("cersetorie in Africa de Sud", "ZA"),  # not Africa, not 'Sud'
        ("munca domestica, Guineea Ecuatoriala", "GQ"),  # not Guineea (GN)
        ("sexuala in Republica Moldova", "MD"),
        ("sexuala, SUA", "US"),  # an alias
        ("munca in ROMÂNIA", "RO"),
        ("munca în Spania și apoi în Franța", "ES"),  # the first named
        ("exploatare sexuala-Olanda", "NL"),
        # Romanian words that spell ISO codes are words: sau = SAU, are = ARE, in = IN, de = DE
        ("munca sau cersetorie", None),
        ("exploatare sexuala, nu are acte", None),
        ("munca de noapte in constructii", None),
        ("", None),
        (None, None),
    ],
)
def test_country_named_in_free_text(text: str | None, country: str | None) -> None:
    found = pl.select(mapping.country_in_text(pl.lit(text, pl.Utf8))).item()
    assert found == country


def test_unified_tables_have_the_model_columns_and_validate() -> None:
    frames = mapping.to_unified(FILE, {"beneficiaries": frame({"anul_nasterii": None})})
    assert set(frames) == {"person_record", "assistance_episode"}
    for name, table in frames.items():
        assert table.columns == list(UNIFIED_MODELS[name].to_schema().columns), name
        UNIFIED_MODELS[name].validate(table)


def test_unified_person_record() -> None:
    frames = mapping.to_unified(
        FILE,
        {
            "beneficiaries": frame(
                {
                    "sex": None,
                    "anul_nasterii": None,
                    "cetatenie": "MD",
                    "judet": None,
                    "cnp_status": "missing",
                    "cnp_key": None,
                    "name_birth_year_key": None,
                }
            )
        },
    )
    persons = frames["person_record"]
    assert persons["record_id"].to_list() == [
        "ong_2020_20210130:Beneficiari:2",
        "ong_2020_20210130:Beneficiari:3",
    ]
    assert persons["source_agency"].unique().to_list() == ["ong"]
    assert persons["source_sheet"].unique().to_list() == ["Beneficiari"]
    assert persons["role"].unique().to_list() == ["assisted_person"]
    assert persons["person_key"].to_list() == ["a" * 64, None]
    assert persons["cnp_status"].to_list() == ["valid", "missing"]
    assert persons["name_birth_date_key"].null_count() == 2
    assert persons["name_birth_year_key"].to_list() == ["c" * 64, None]
    assert persons["sex"].to_list() == ["F", "U"]
    assert persons["birth_date"].null_count() == 2  # the NGOs deliver the year only
    assert persons["birth_year"].to_list() == [1998, None]
    assert persons["citizenship_code"].to_list() == ["RO", "MD"]
    assert persons["residence_county_code"].to_list() == ["RO-BC", None]


def test_unified_assistance_episode() -> None:
    found = episodes(
        {
            "organizatie": "IOM Romania",
            "data_intrarii_in_program": "20.11.2016",
            "forma_exploatare": "munca in agricultura, Italia",
            "participa_la_procesul_penal": "Nu",
            "nr_dosar_penal": None,
            "cod_beneficiar_key": None,
        },
        {
            "data_intrarii_in_program": "43892",  # serial: 2020-03-02
            "forma_exploatare": "cersetorie in Romania",
            "participa_la_procesul_penal": None,
        },
        {"forma_exploatare": None, "data_intrarii_in_program": None},
        {"forma_exploatare": "nespecificat"},
    )
    assert found["record_id"][0] == "ong_2020_20210130:Beneficiari:2"
    assert (
        found["provider_name"].to_list()
        == ["Asociatia Exemplu", "IOM Romania"] + ["Asociatia Exemplu"] * 3
    )
    assert found["beneficiary_code_key"].to_list() == ["e" * 64, None] + ["e" * 64] * 3
    assert found["programme_entry_date"].to_list() == [
        dt.date(2020, 3, 2),
        dt.date(2016, 11, 20),
        dt.date(2020, 3, 2),
        None,
        dt.date(2020, 3, 2),
    ]
    assert found["exploitation_form"].to_list() == [
        "sexual",
        "labour",
        "begging",
        "unknown",  # not recorded
        "unknown",  # 'nespecificat'
    ]
    assert found["exploitation_country_code"].to_list() == ["DE", "IT", "RO", None, None]
    assert found["participates_in_proceedings"].to_list() == ["yes", "no", None, "yes", "yes"]
    assert found["case_number"].to_list() == ["55/D/P/2020", None] + ["55/D/P/2020"] * 3


# ------------------------------------------------------------------------------ the example


def test_example_validates_and_maps(key: bytes) -> None:
    file = classify("ong", EXAMPLES / "ong" / "ong_2016_20170130.xlsx")
    assert isinstance(file, LandingFile)
    source = read(file, key)
    validated = validate_delivery(source, schema.MODELS)
    assert validated.quarantine.height == 0
    assert source.rows_read() == validated.rows_accepted() == 3
    frames = mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, table in frames.items():
        UNIFIED_MODELS[name].validate(table)

    found = frames["assistance_episode"].sort("source_row")
    assert found["record_id"].to_list() == [
        "ong_2016_20170130:Beneficiari:2",
        "ong_2016_20170130:Beneficiari:3",
        "ong_2016_20170130:Beneficiari:4",
    ]
    assert found["provider_name"].to_list() == ["ADPARE", "IOM Romania", "IOM Romania"]
    assert found["programme_entry_date"].to_list() == [
        dt.date(2016, 4, 12),
        dt.date(2016, 11, 20),
        dt.date(2016, 12, 1),
    ]
    assert found["exploitation_form"].to_list() == ["sexual", "labour", "labour"]
    assert found["exploitation_country_code"].to_list() == ["DE", "IT", None]
    assert found["participates_in_proceedings"].to_list() == ["yes", "no", "no"]
    assert found["case_number"].to_list() == ["812/D/P/2016", None, None]
    assert found["beneficiary_code_key"].null_count() == 0

    persons = frames["person_record"].sort("source_row")
    assert persons["role"].unique().to_list() == ["assisted_person"]
    assert persons["birth_year"].to_list() == [2000, 1990, 1988]
    assert persons["birth_date"].null_count() == 3
    assert persons["sex"].to_list() == ["F", "F", "M"]
    assert persons["citizenship_code"].to_list() == ["RO", "RO", "RO"]
    assert persons["residence_county_code"].to_list() == ["RO-IS", "RO-BC", "RO-BC"]
    assert persons["cnp_status"].to_list() == ["valid", "missing", "missing"]
