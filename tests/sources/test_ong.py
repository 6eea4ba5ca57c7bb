"""NGO / IO workbook reader: sheet Beneficiari, header on row 1, free text, three identifiers.

Expected values are read off the SPEC example by hand, or off the synthetic workbooks built
here (all persons invented; CNP check digits from `tests.cnp.make_cnp`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from sources.common.delivery import UnreadableFileError
from sources.common.landing import LandingFile, classify
from sources.ong.reader import read
from tests.cnp import make_cnp
from tests.conftest import EXAMPLES
from tests.sources.helpers import all_text

EXAMPLE = EXAMPLES / "ong" / "ong_2016_20170130.xlsx"
NAME = "ong_2020_20210130.xlsx"
HEADER = [
    "Organizatie",
    "Cod beneficiar",
    "CNP",
    "Nume",
    "Prenume",
    "Sex",
    "Anul nasterii",
    "Cetatenie",
    "Judet",
    "Data intrarii in program",
    "Forma exploatare",
    "Participa la procesul penal",
    "Nr. dosar penal",
]
COLUMNS = [
    "source_row",
    "organizatie",
    "sex",
    "anul_nasterii",
    "cetatenie",
    "judet",
    "data_intrarii_in_program",
    "forma_exploatare",
    "participa_la_procesul_penal",
    "nr_dosar_penal",
    "cnp_status",
    "cnp_key",
    "cnp_stem_key",
    "name_birth_date_key",
    "name_birth_year_key",
    "surname_key",
    "given_name_key",
    "surname_phonetic_key",
    "given_name_phonetic_key",
    "name_bigram_keys",
    "cod_beneficiar_key",
]
CNP = make_cnp("298030512345")  # F, born 1998-03-05
GOOD = {
    "Organizatie": "Asociatia Exemplu",
    "Cod beneficiar": "EX-20-001",
    "CNP": CNP,
    "Nume": "Tănase",
    "Prenume": "Irina",
    "Sex": "F",
    "Anul nasterii": 1998,
    "Cetatenie": "România",
    "Judet": "Bacău",
    "Data intrarii in program": dt.datetime(2020, 3, 2),
    "Forma exploatare": "exploatare sexuala (Germania)",
    "Participa la procesul penal": "Da",
    "Nr. dosar penal": "55/D/P/2020",
}


def ong_file(
    tmp_path: Path,
    records: list[dict[str, object]],
    *,
    header: list[str] = HEADER,
    band: list[list[object]] | None = None,
    sheet: str = "Beneficiari",
    epoch_1904: bool = False,
) -> LandingFile:
    book = openpyxl.Workbook()
    book.active.title = sheet
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    for row in [*(band or []), header, *([r.get(c) for c in header] for r in records)]:
        book.active.append(row)
    folder = tmp_path / "ong"
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / NAME)
    file = classify("ong", folder / NAME)
    assert isinstance(file, LandingFile)
    return file


def rows_of(file: LandingFile, key: bytes) -> pl.DataFrame:
    delivery = read(file, key)
    assert [(t.entity, t.sheet) for t in delivery.tables] == [("beneficiaries", "Beneficiari")]
    return delivery.tables[0].rows


def rejection(file: LandingFile, key: bytes) -> str:
    with pytest.raises(UnreadableFileError) as error:
        read(file, key)
    assert "\n" not in str(error.value)
    return str(error.value)


# ------------------------------------------------------------------------------ the example


def test_example_is_read_whole(key: bytes) -> None:
    file = classify("ong", EXAMPLE)
    assert isinstance(file, LandingFile)
    rows = rows_of(file, key)
    assert rows.columns == COLUMNS
    assert rows["source_row"].to_list() == [2, 3, 4]  # header on row 1
    assert rows["organizatie"].to_list() == ["ADPARE", "IOM Romania", "IOM Romania"]
    assert rows["anul_nasterii"].to_list() == ["2000", "1990", "1988"]  # numbers, no '.0'
    assert rows["data_intrarii_in_program"].to_list() == [
        "2016-04-12",
        "2016-11-20",
        "2016-12-01",
    ]
    assert rows["forma_exploatare"].to_list() == [
        "exploatare sexuala (Germania)",
        "munca in agricultura, Italia",
        "munca fortata constructii",
    ]
    assert rows["participa_la_procesul_penal"].to_list() == ["Da", "Nu", "Nu"]
    assert rows["nr_dosar_penal"].to_list() == ["812/D/P/2016", None, None]
    # 6000314223112: F born 2000-03-14, the check digit agrees; the other two have no CNP
    assert make_cnp("600031422311") == "6000314223112"
    assert rows["cnp_status"].to_list() == ["valid", "missing", "missing"]
    assert rows["cnp_key"][0] is not None and rows["cnp_key"].null_count() == 2
    # only the birth year is delivered: no name + birth date key
    assert rows["name_birth_date_key"].null_count() == 3
    assert rows["name_birth_year_key"].null_count() == 0
    codes = rows["cod_beneficiar_key"].to_list()
    assert all(len(c) == 64 for c in codes) and len(set(codes)) == 3


def test_no_raw_identifier_of_the_example_leaves_the_reader(key: bytes) -> None:
    file = classify("ong", EXAMPLE)
    assert isinstance(file, LandingFile)
    text = all_text(read(file, key).tables)
    book = openpyxl.load_workbook(EXAMPLE, read_only=True)
    raw = list(book["Beneficiari"].iter_rows(min_row=2, values_only=True))
    book.close()
    identifiers = [str(v) for r in raw for v in r[1:5] if v is not None]
    assert len(identifiers) == 3 + 1 + 3 + 3  # codes, one CNP, surnames, given names
    for identifier in identifiers:
        assert identifier not in text, identifier


# ------------------------------------------------------------------------------ layout


def test_title_band_and_reordered_columns(tmp_path: Path, key: bytes) -> None:
    header = [*reversed(HEADER), "Observatii"]
    file = ong_file(
        tmp_path,
        [{**GOOD, "Observatii": "ignored"}],
        header=header,
        band=[["Raport beneficiari 2020"], []],
    )
    rows = rows_of(file, key)
    assert rows.columns == COLUMNS
    assert rows.select(COLUMNS[:10]).row(0) == (
        4,
        "Asociatia Exemplu",
        "F",
        "1998",
        "România",
        "Bacău",
        "2020-03-02",
        "exploatare sexuala (Germania)",
        "Da",
        "55/D/P/2020",
    )


def test_missing_sheet_rejected(tmp_path: Path, key: bytes) -> None:
    file = ong_file(tmp_path, [GOOD], sheet="Sheet1")
    assert rejection(file, key) == "no sheet 'Beneficiari' (found: Sheet1)"


def test_missing_column_rejected_by_name(tmp_path: Path, key: bytes) -> None:
    file = ong_file(tmp_path, [GOOD], header=[c for c in HEADER if c != "Cod beneficiar"])
    assert rejection(file, key) == "sheet 'Beneficiari' is missing column(s): Cod beneficiar"


def test_truncated_workbook_rejected_with_one_line(tmp_path: Path, key: bytes) -> None:
    file = ong_file(tmp_path, [GOOD] * 30)
    data = file.path.read_bytes()
    file.path.write_bytes(data[: len(data) * 60 // 100])
    assert rejection(file, key) == (
        "not a readable XLSX workbook (truncated or another format): BadZipFile"
    )


def test_not_a_workbook_with_an_xlsx_name_rejected(tmp_path: Path, key: bytes) -> None:
    file = ong_file(tmp_path, [GOOD])
    file.path.write_bytes(b"Organizatie,Cod beneficiar\nX,EX-20-001\n")
    assert rejection(file, key).startswith("not a readable XLSX workbook")


# ------------------------------------------------------------------------------ values


def test_1904_workbook_shifts_dates_but_not_the_birth_year(tmp_path: Path, key: bytes) -> None:
    file = ong_file(
        tmp_path,
        [
            {**GOOD, "Data intrarii in program": 42430},  # day 42430 after 1904-01-01
            {**GOOD, "Cod beneficiar": "EX-20-002", "Anul nasterii": 1990.0},
        ],
        epoch_1904=True,
    )
    rows = rows_of(file, key)
    assert rows["data_intrarii_in_program"].to_list() == ["2020-03-02", "2020-03-02"]
    assert rows["anul_nasterii"].to_list() == ["1998", "1990"]


def test_serial_entry_date_in_a_1900_workbook_stays_digits(tmp_path: Path, key: bytes) -> None:
    file = ong_file(tmp_path, [{**GOOD, "Data intrarii in program": 43892}])
    assert rows_of(file, key)["data_intrarii_in_program"].to_list() == ["43892"]


# ------------------------------------------------------------------------------ pseudonyms


def test_no_raw_identifier_leaves_the_reader(tmp_path: Path, key: bytes) -> None:
    file = ong_file(tmp_path, [GOOD, {**GOOD, "CNP": int(CNP), "Cod beneficiar": "EX-20-009"}])
    rows = rows_of(file, key)
    assert not {"cnp", "nume", "prenume", "cod_beneficiar"} & set(rows.columns)
    text = all_text(read(file, key).tables)
    for identifier in (CNP, "Tănase", "Irina", "EX-20-001", "EX-20-009"):
        assert identifier not in text, identifier
    assert rows["cnp_status"].to_list() == ["valid", "valid"]  # a CNP typed as a number
    assert rows["cnp_key"][0] == rows["cnp_key"][1]


def test_beneficiary_code_keyed_without_case_or_spaces(tmp_path: Path, key: bytes) -> None:
    file = ong_file(
        tmp_path,
        [
            GOOD,
            {**GOOD, "Cod beneficiar": " ex-20-001 "},
            {**GOOD, "Cod beneficiar": "EX -20- 001"},
            {**GOOD, "Cod beneficiar": "EX-20-002"},
            {**GOOD, "Cod beneficiar": None},
        ],
    )
    codes = rows_of(file, key)["cod_beneficiar_key"].to_list()
    assert codes[0] is not None and codes[0] == codes[1] == codes[2]
    assert codes[3] not in (None, codes[0])
    assert codes[4] is None


def test_name_keys_use_the_birth_year(tmp_path: Path, key: bytes) -> None:
    file = ong_file(
        tmp_path,
        [
            GOOD,
            {**GOOD, "Nume": "TANASE", "Prenume": "Irina", "Anul nasterii": "1998"},
            {**GOOD, "Nume": "Irina", "Prenume": "Tănase"},  # swapped fields, same tokens
            {**GOOD, "Anul nasterii": 1999},
            {**GOOD, "Anul nasterii": None},
        ],
    )
    rows = rows_of(file, key)
    by_year = rows["name_birth_year_key"].to_list()
    assert by_year[0] is not None and by_year[0] == by_year[1] == by_year[2]
    assert by_year[3] not in (None, by_year[0])
    assert by_year[4] is None
    assert rows["name_birth_date_key"].null_count() == 5
