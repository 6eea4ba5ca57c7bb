"""The shared XLSX reader: header found by name under any title band, cells as text.

Workbooks are built here with openpyxl; every expected value is worked out by hand from the
cells written (Excel serials: 2020-03-02 is day 43892 in the 1900 system, 43892 - 1462 = 42430
in the 1904 system, whose day 0 is 1904-01-01).
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from sources.common.config import EntityConfig
from sources.common.delivery import UnreadableFileError
from sources.common.landing import LandingFile
from sources.common.xlsx_reader import (
    amount_cell_text,
    cell_text,
    date_cell_text,
    open_workbook,
    read_sheet,
)

SHEET = "Foaie"
HEADER = ["Nr. dosar", "Data înregistrării", "Valoare (lei)", "Observații"]
ENTITY = EntityConfig("things", SHEET, tuple(HEADER))
COLUMNS = ["source_row", "nr_dosar", "data_inregistrarii", "valoare_lei", "observatii"]
ROW = ["1/D/P/2020", dt.datetime(2020, 3, 2), "1.250.000,50", "text"]


def landing(path: Path) -> LandingFile:
    return LandingFile("diicot", path, "2020", dt.date(2021, 1, 20), "0" * 64, 1)


def write(
    path: Path,
    rows: list[list[object]],
    *,
    band: list[list[object]] | None = None,
    sheet: str = SHEET,
    epoch_1904: bool = False,
) -> Path:
    """One sheet: the band rows (a title band), then `rows` (header first)."""
    book = openpyxl.Workbook()
    book.active.title = sheet
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    for row in [*(band or []), *rows]:
        book.active.append(row)
    book.save(path)
    return path


def read(path: Path, entity: EntityConfig = ENTITY, **columns: tuple[str, ...]) -> pl.DataFrame:
    with open_workbook(landing(path)) as workbook:
        return read_sheet(workbook, entity, **columns)[0]


def rejection(path: Path, entity: EntityConfig = ENTITY) -> str:
    with pytest.raises(UnreadableFileError) as error:
        read(path, entity)
    message = str(error.value)
    assert "\n" not in message and message.strip() == message
    return message


# ------------------------------------------------------------------------------ header


@pytest.mark.parametrize("height", [0, 1, 3, 6, 9])
def test_header_found_under_a_title_band_of_any_height(tmp_path: Path, height: int) -> None:
    band: list[list[object]] = [["DIICOT - Situatia dosarelor"], ["Perioada: 2020"]][:height]
    band += [[]] * (height - len(band))
    rows = read(write(tmp_path / "b.xlsx", [HEADER, ROW, ROW[:1] + [None] * 3], band=band))
    assert rows.columns == COLUMNS
    # the header is Excel row height + 1, so the data starts one row below it
    assert rows["source_row"].to_list() == [height + 2, height + 3]
    assert rows.row(0) == (height + 2, "1/D/P/2020", "2020-03-02", "1.250.000,50", "text")


def test_header_below_row_10_is_not_searched(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [HEADER, ROW], band=[["title"]] + [[]] * 9)
    assert "no header with the expected columns in its first 10 rows" in rejection(path)


def test_a_title_naming_some_columns_is_not_taken_for_the_header(tmp_path: Path) -> None:
    rows = read(write(tmp_path / "b.xlsx", [HEADER, ROW], band=[["Nr. dosar", "Observații"]]))
    assert rows["source_row"].to_list() == [3]


def test_columns_matched_by_name_in_any_order_and_spelling(tmp_path: Path) -> None:
    header = ["OBSERVATII", "Coloană în plus", "valoare  (LEI)", "Nr.dosar", "Data inregistrarii"]
    row = ["text", "ignored", "7", "2/D/P/2020", "01.07.2016"]
    rows = read(write(tmp_path / "b.xlsx", [header, row]))
    assert rows.columns == COLUMNS  # configured order; the extra column is not delivered
    assert rows.row(0) == (2, "2/D/P/2020", "01.07.2016", "7", "text")


def test_missing_columns_rejected_by_their_names(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [["Nr. dosar", "Observații"], ["1/D/P/2020", "x"]])
    assert (
        rejection(path) == "sheet 'Foaie' is missing column(s): Data înregistrării, Valoare (lei)"
    )


def test_sheet_without_any_expected_column_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [["a", "b"], [1, 2]])
    assert rejection(path).startswith("sheet 'Foaie' has no header with the expected columns")


def test_duplicate_column_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [[*HEADER, "Data inregistrarii"], [*ROW, "01.01.2020"]])
    assert rejection(path) == "sheet 'Foaie' has duplicate column(s): Data înregistrării"


def test_missing_sheet_rejected_naming_it(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [HEADER, ROW], sheet="Sheet1")
    assert rejection(path) == "no sheet 'Foaie' (found: Sheet1)"


def test_header_without_data_rows_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [HEADER, [], [" ", None]])
    assert rejection(path) == "sheet 'Foaie' has no data rows after the header"


# ------------------------------------------------------------------------------ rows


def test_empty_rows_skipped_and_excel_row_numbers_kept(tmp_path: Path) -> None:
    rows = read(
        write(
            tmp_path / "b.xlsx",
            [
                HEADER,  # row 1
                ROW,  # row 2
                [],  # row 3: empty
                [None, "   ", None, ""],  # row 4: blanks only
                [None, None, None, None, "only an extra column"],  # row 5: kept, not dropped
                ROW,  # row 6
            ],
        )
    )
    assert rows["source_row"].to_list() == [2, 5, 6]
    assert rows.row(1) == (5, None, None, None, None)


def test_understated_sheet_dimension_does_not_cut_rows_or_columns(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [HEADER, ROW, ROW])
    # Some exporters write <dimension ref="A1"/> whatever the size of the sheet.
    source = path.read_bytes()
    with zipfile.ZipFile(io.BytesIO(source)) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode()
    assert '<dimension ref="A1:D3" />' in sheet_xml
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.replace('ref="A1:D3"', 'ref="A1"').encode()
    with zipfile.ZipFile(path, "w") as rewritten:
        for name, data in parts.items():
            rewritten.writestr(name, data)
    rows = read(path)
    assert rows["source_row"].to_list() == [2, 3]
    assert rows["observatii"].to_list() == ["text", "text"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, None),
        ("  Tribunalul Iași \n", "Tribunalul Iași"),
        ("   ", None),
        ("", None),
        (dt.datetime(2016, 4, 5, 13, 45), "2016-04-05"),
        (dt.date(2016, 4, 5), "2016-04-05"),
        (42500, "42500"),
        (42500.0, "42500"),
        (6000314223112, "6000314223112"),  # a CNP typed as a number keeps all 13 digits
        (0.1, "0.1"),
        (1250000.5, "1250000.5"),
        (1e-7, "0.0000001"),  # never an exponent
        (1234.5678901234, "1234.5678901234"),  # no rounding to six decimals
        (-3.25, "-3.25"),
        (True, "true"),
        (False, "false"),
    ],
)
def test_cell_text(value: object, text: str | None) -> None:
    assert cell_text(value) == text


def test_cell_values_through_a_workbook(tmp_path: Path) -> None:
    header = ["Nr. dosar", "Data înregistrării", "Valoare (lei)", "Observații"]
    written = [
        ["a", dt.date(2016, 7, 1), 42500, True],
        ["b", dt.datetime(2016, 7, 1, 23, 59), 42500.0, False],
        ["c", "01.07.2016", 0.1, "  x  "],
    ]
    rows = read(write(tmp_path / "b.xlsx", [header, *written]))
    assert rows.select(COLUMNS[1:]).rows() == [
        ("a", "2016-07-01", "42500", "true"),
        ("b", "2016-07-01", "42500", "false"),
        ("c", "01.07.2016", "0.1", "x"),
    ]


def test_a_column_of_text_reads_as_each_cell_would(tmp_path: Path) -> None:
    """A column holding only text is stripped at once, not cell by cell: the same text."""
    texts = ["  Tribunalul Iași \n", "   ", "\u2003acte\u00a0", "\u2028", "x  y", None]
    header = ["Nr. dosar", "Data înregistrării", "Valoare (lei)", "Observații"]
    written = [[f"{k}/D/P/2020", None, None, text] for k, text in enumerate(texts)]
    rows = read(write(tmp_path / "t.xlsx", [header, *written]))
    assert rows["observatii"].to_list() == [cell_text(text) for text in texts]
    assert rows["observatii"].to_list()[:3] == ["Tribunalul Iași", None, "acte"]


# ------------------------------------------------------------------------------ typed columns


@pytest.mark.parametrize(
    ("value", "epoch_1904", "text"),
    [
        (43892, False, "43892"),  # 1900 system: stays digits for parse_date
        (43892.0, False, "43892"),
        (43892.75, False, "43892"),  # 18:00 that day: the time is dropped
        ("43892", False, "43892"),
        (42430, True, "2020-03-02"),
        (42430.0, True, "2020-03-02"),
        (42430.5, True, "2020-03-02"),
        ("42430", True, "2020-03-02"),  # digits typed as text are the same serial
        (0, True, "1904-01-01"),
        (-5, True, "-5"),  # not a date: left for the date check to quarantine
        (10**9, True, "1000000000"),  # beyond year 9999: idem
        ("01.07.2016", True, "01.07.2016"),
        (dt.datetime(2020, 3, 2), True, "2020-03-02"),
        (True, True, "true"),
        (None, True, None),
    ],
)
def test_date_cell_text(value: object, epoch_1904: bool, text: str | None) -> None:
    assert date_cell_text(value, epoch_1904) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1250000.5, "1250000,5"),  # 1250000.5 as Romanian text; '1250.125' would be 1 250 125
        (1250.125, "1250,125"),
        (1250000, "1250000"),
        (1250000.0, "1250000"),
        ("1.250.000,50", "1.250.000,50"),
        (None, None),
    ],
)
def test_amount_cell_text(value: object, text: str | None) -> None:
    assert amount_cell_text(value) == text


def typed_rows(epoch_1904: bool) -> list[list[object]]:
    serial = 42430 if epoch_1904 else 43892  # 2020-03-02 in either system
    return [
        HEADER,
        ["a", serial, 1250000.5, serial],  # the last column is not a date column
        ["b", dt.datetime(2020, 3, 2), 2000, 2000],
        ["c", "01.07.2016", "1.250.000,50", None],
    ]


def test_typed_columns_in_a_1900_workbook(tmp_path: Path) -> None:
    rows = read(
        write(tmp_path / "b.xlsx", typed_rows(False)),
        date_columns=("data_inregistrarii",),
        amount_columns=("valoare_lei",),
    )
    assert rows.select(COLUMNS[1:]).rows() == [
        ("a", "43892", "1250000,5", "43892"),
        ("b", "2020-03-02", "2000", "2000"),
        ("c", "01.07.2016", "1.250.000,50", None),
    ]


def test_typed_columns_in_a_1904_workbook(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", typed_rows(True), epoch_1904=True)
    assert openpyxl.load_workbook(path).epoch == CALENDAR_MAC_1904  # the fixture is 1904
    rows = read(path, date_columns=("data_inregistrarii",), amount_columns=("valoare_lei",))
    assert rows.select(COLUMNS[1:]).rows() == [
        # the serial of a date column is converted; the same number elsewhere is not shifted
        ("a", "2020-03-02", "1250000,5", "42430"),
        ("b", "2020-03-02", "2000", "2000"),  # a date cell is converted with the 1904 epoch
        ("c", "01.07.2016", "1.250.000,50", None),
    ]


def test_typed_column_that_is_not_configured_is_a_programming_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not columns of things: data_nasterii"):
        read(write(tmp_path / "b.xlsx", [HEADER, ROW]), date_columns=("data_nasterii",))


# ------------------------------------------------------------------------------ unreadable


def test_truncated_workbook_rejected_with_one_line(tmp_path: Path) -> None:
    path = write(tmp_path / "b.xlsx", [HEADER, *([ROW] * 50)])
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 60 // 100])
    assert rejection(path) == (
        "not a readable XLSX workbook (truncated or another format): BadZipFile"
    )


@pytest.mark.parametrize(
    "content",
    [
        b"",
        "Nr. dosar;Data înregistrării\n1/D/P/2020;01.07.2016\n".encode(),  # a CSV
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504,  # an old .xls (OLE2) header
        b"PK\x03\x04 but not really a zip",
    ],
    ids=["empty", "csv", "xls", "fake-zip"],
)
def test_not_a_workbook_rejected(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "b.xlsx"
    path.write_bytes(content)
    assert rejection(path).startswith("not a readable XLSX workbook")


def test_zip_that_is_not_a_workbook_rejected(tmp_path: Path) -> None:
    path = tmp_path / "b.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("notes.txt", "Nr. dosar 1/D/P/2020")
    assert rejection(path).startswith("not a readable XLSX workbook")


def test_a_workbook_whose_parts_claim_encryption_is_rejected(tmp_path: Path) -> None:
    """One flipped bit in the archive's directory marks a part encrypted: zipfile then raises
    a bare RuntimeError (met by the damage test below, whose workbook bytes vary by run)."""
    data = bytearray(write(tmp_path / "good.xlsx", [HEADER, ROW]).read_bytes())
    directory = data.index(b"PK\x01\x02")  # the central directory: one header per part
    name = data.index(b"xl/theme/theme1.xml", directory)  # a part openpyxl reads
    data[name - 46 + 8] |= 0x01  # its header's general-purpose flags, bit 0: encrypted
    path = tmp_path / "b.xlsx"
    path.write_bytes(bytes(data))
    assert rejection(path).startswith("not a readable XLSX workbook")


def test_damaged_workbooks_give_a_rejection_or_rows_never_another_error(tmp_path: Path) -> None:
    path = write(tmp_path / "good.xlsx", [HEADER, *([ROW] * 20)])
    data = path.read_bytes()
    damaged = [data[:cut] for cut in range(0, len(data), max(1, len(data) // 40))]
    rng = random.Random(20170120)
    for _ in range(300):
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        damaged.append(bytes(flipped))
    rejected = 0
    for number, content in enumerate(damaged):
        broken = tmp_path / f"broken{number}.xlsx"
        broken.write_bytes(content)
        try:
            read(broken)
        except UnreadableFileError as error:
            rejected += 1
            assert re.fullmatch(r"[^\n]+", str(error)), number
    assert rejected > len(damaged) // 2  # most damage is caught; the rest still reads
