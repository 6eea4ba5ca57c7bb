"""Police register: Windows-1250, `;`, CRLF, dd.mm.yyyy, cedilla letters, free-typed offences."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from schemas import politie as schema
from schemas.unified import UNIFIED_MODELS
from schemas.validation import validate_delivery
from sources.common.delivery import UnreadableFileError
from sources.common.landing import LandingFile, classify
from sources.politie.reader import read
from tests.conftest import EXAMPLES
from tests.sources.helpers import all_text, landing_file, make_cnp

EXAMPLE = EXAMPLES / "politie" / "politie_2016_20170110.csv"
NAME = "politie_2020_20210110.csv"
HEADER = (
    "NR_UNIC_DOSAR;UNITATE;DATA_SESIZARE;MOD_SESIZARE;INCADRARE;CALITATE;CNP;NUME;PRENUME;SEX;"
    "DATA_NASTERII;CETATENIE;JUDET_DOMICILIU;FORMA_EXPLOATARE;TARA_EXPLOATARE;DOSAR_PARCHET;STADIU"
)
CNP_VICTIM = make_cnp("600051233120")  # born 2000-05-12
CNP_SUSPECT = make_cnp("178010140031")


def row(**changes: str) -> str:
    values = {
        "NR_UNIC_DOSAR": "P-2020-000101",
        "UNITATE": "SCCO CONSTANTA",
        "DATA_SESIZARE": "03.02.2020",
        "MOD_SESIZARE": "DIN OFICIU",
        "INCADRARE": "art.211 CP",
        "CALITATE": "PV",
        "CNP": CNP_VICTIM,
        "NUME": "TĂNASE",
        "PRENUME": "IOANA",
        "SEX": "F",
        "DATA_NASTERII": "12.05.2000",
        "CETATENIE": "ROMANIA",
        "JUDET_DOMICILIU": "CONSTANŢA",
        "FORMA_EXPLOATARE": "SEX",
        "TARA_EXPLOATARE": "MAREA BRITANIE",
        "DOSAR_PARCHET": "77/D/P/2020",
        "STADIU": "TRIMIS PARCHET",
    }
    values.update(changes)
    return ";".join(values[c] for c in HEADER.split(";"))


def police_bytes(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode("cp1250")


def test_example_reads_and_maps(key: bytes) -> None:
    file = classify("politie", EXAMPLE)
    assert isinstance(file, LandingFile)
    assert b"\r\n" in EXAMPLE.read_bytes()
    validated = validate_delivery(read(file, key), schema.MODELS)
    assert validated.quarantine.height == 0 and validated.rows_accepted() == 8
    frames = schema.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, frame in frames.items():
        UNIFIED_MODELS[name].validate(frame)
    persons = frames["person_record"]
    assert (
        persons.filter(pl.col("source_row") == 3)["residence_county_code"].item() == "RO-IS"
    )  # IAŞI
    assert (
        persons.filter(pl.col("source_row") == 8)["residence_county_code"].item() == "RO-IL"
    )  # IALOMIŢA
    moldovan = persons.filter(pl.col("source_row") == 9)
    assert moldovan["citizenship_code"].item() == "MD" and moldovan["person_key"].item() is None
    events = frames["proceedings_event"]
    assert events.filter(pl.col("source_row") == 4)["offence_articles"].item().to_list() == [
        210,
        211,
    ]
    cases = frames["case_record"].sort("case_number")
    assert cases["case_number"].to_list() == ["P-2016-004512", "P-2016-007781", "P-2016-009120"]
    assert cases["offence_articles"][0].to_list() == [210, 211]
    assert cases["prosecutor_case_number"][0] == "812/D/P/2016"
    assert frames["victim_identification"].height == 5  # PV rows only


def test_cedilla_and_diacritics_in_windows_1250(tmp_path: Path, key: bytes) -> None:
    file = landing_file(tmp_path, "politie", NAME, police_bytes(row()))
    frames = schema.to_unified(file, {"case_persons": read(file, key).tables[0].rows})
    assert frames["person_record"]["residence_county_code"].item() == "RO-CT"
    assert frames["victim_identification"]["exploitation_country_code"].item() == "GB"
    assert frames["victim_identification"]["age_at_identification"].item() == 19
    assert frames["victim_identification"]["age_group"].item() == "adult"


def test_columns_by_name_and_extra_column_ignored(tmp_path: Path, key: bytes) -> None:
    names = HEADER.split(";")
    values = row().split(";")
    order = [*reversed(range(len(names)))]
    header = ";".join(names[i] for i in order) + ";OBSERVATII"
    line = ";".join(values[i] for i in order) + ";nota interna"
    rows = read(landing_file(tmp_path, "politie", NAME, police_bytes(line, header=header)), key)
    table = rows.tables[0].rows
    assert table["nr_unic_dosar"].item() == "P-2020-000101"
    assert "observatii" not in table.columns


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (police_bytes(row())[:-40], "truncated"),
        ((HEADER + "\r\n" + row() + "\r\n").encode("utf-8"), "UTF-8"),
        (
            police_bytes(row(), header=HEADER.replace(";STADIU", "")).replace(
                b";TRIMIS PARCHET", b""
            ),
            "STADIU",
        ),
        ((HEADER + "\r\n").encode("cp1250"), "no data rows"),
    ],
)
def test_unreadable_files_rejected_with_one_line(
    tmp_path: Path, key: bytes, content: bytes, reason: str
) -> None:
    with pytest.raises(UnreadableFileError) as error:
        read(landing_file(tmp_path, "politie", NAME, content), key)
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_bad_values_quarantined_good_rows_kept(tmp_path: Path, key: bytes) -> None:
    content = police_bytes(
        row(),
        row(JUDET_DOMICILIU="XYZ"),
        row(DATA_SESIZARE="31.02.2020"),
        row(FORMA_EXPLOATARE="FOO"),
        row(INCADRARE="art. 199 CP"),
        row(CALITATE="S", CNP=CNP_SUSPECT, FORMA_EXPLOATARE="", TARA_EXPLOATARE="", NUME="OLTEANU"),
        "P-2020-000102;SCCO CONSTANTA;03.02.2020",  # a row with too few fields
    )
    file = landing_file(tmp_path, "politie", NAME, content)
    delivery = read(file, key)
    validated = validate_delivery(delivery, schema.MODELS)
    found = sorted(validated.quarantine.select("source_row", "column_name", "rule").rows())
    assert found == [
        (3, "judet_domiciliu", "county"),
        (4, "data_sesizare", "date"),
        (5, "forma_exploatare", "codelist_exploitation_form"),
        (6, "incadrare", "offence"),
        (8, None, "field_count"),
    ]
    assert validated.rows_accepted() == 2
    assert delivery.rows_read() == 7 == validated.rows_accepted() + validated.rows_quarantined()


def test_identical_line_quarantined_once(tmp_path: Path, key: bytes) -> None:
    file = landing_file(tmp_path, "politie", NAME, police_bytes(row(), row()))
    validated = validate_delivery(read(file, key), schema.MODELS)
    assert validated.quarantine.select("source_row", "rule").rows() == [(3, "duplicate_row")]


def test_invalid_check_digit_flagged_not_keyed(tmp_path: Path, key: bytes) -> None:
    wrong = CNP_VICTIM[:12] + str((int(CNP_VICTIM[12]) + 1) % 10)
    rows = (
        read(landing_file(tmp_path, "politie", NAME, police_bytes(row(CNP=wrong))), key)
        .tables[0]
        .rows
    )
    assert rows["cnp_status"].item() == "invalid_check_digit"
    assert rows["cnp_key"].item() is None


def test_no_raw_identifier_leaves_the_reader(tmp_path: Path, key: bytes) -> None:
    file = landing_file(
        tmp_path, "politie", NAME, police_bytes(row(), row(CNP=CNP_SUSPECT, NUME="OLTEANU"))
    )
    text = all_text(read(file, key).tables)
    for identifier in (CNP_VICTIM, CNP_SUSPECT, "TĂNASE", "OLTEANU", "IOANA"):
        assert identifier not in text


def test_name_key_same_across_spellings(tmp_path: Path, key: bytes) -> None:
    a = read(
        landing_file(tmp_path, "politie", NAME, police_bytes(row(NUME="TANASE", PRENUME="IOANA"))),
        key,
    )
    b = read(
        landing_file(
            tmp_path / "b", "politie", NAME, police_bytes(row(NUME="Tănase", PRENUME="Ioana"))
        ),
        key,
    )
    assert (
        a.tables[0].rows["name_birth_date_key"].item()
        == b.tables[0].rows["name_birth_date_key"].item()
    )
