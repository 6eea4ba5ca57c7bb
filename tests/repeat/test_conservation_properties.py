"""Property: whatever mix of valid and spoiled rows an agency sends, rows are conserved.

Per agency, rows are built from one valid row in the agency's delivered format: each row
gets its own identifier, a CNP with a right or a wrong check digit, maybe another accepted
spelling of a code, and maybe one spoiled cell (a code outside the vocabulary, a date that
does not exist). The file is read and validated on a fresh DuckDB; every spoiled row must
be quarantined, every other row accepted, and no row both.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.ingest import stages
from pipelines.ingest import warehouse as wh
from sources.registry import SOURCES
from tests.cnp import make_cnp
from tests.conftest import TEST_KEY

Row = dict[str, object]
Writer = Callable[[Path, Mapping[str, list[Row]]], None]
pytestmark = pytest.mark.slow  # 25 files per agency, about half a second each


@dataclass(frozen=True)
class Sheet:
    name: str | None  # source_sheet as recorded (None for CSV and JSON Lines)
    first_row: int  # source_row of the first data row
    good: Row
    unique: Callable[[int], Row]  # makes row i distinct from every other row
    cnp: str | None  # the column holding the CNP
    variants: dict[str, list[object]]  # other accepted spellings of a cell
    spoilers: dict[str, Row]  # one spoiled cell each, outside what the agency may send


@dataclass(frozen=True)
class Agency:
    name: str
    file_name: str
    sheets: list[Sheet]
    write: Writer


@dataclass(frozen=True)
class Plan:
    """One row to write: which variant, which spoiler (None = valid), CNP check digit right."""

    variant: tuple[str, int] | None
    spoiler: str | None
    check_digit_right: bool


def cnp(i: int, right: bool) -> str:
    """A woman born 1995-07-02 in Bucharest, serial i; the check digit right or off by one."""
    valid = make_cnp(f"295070240{i:03d}")
    return valid if right else valid[:12] + str((int(valid[12]) + 1) % 10)


def _csv(separator: str, encoding: str, newline: str, bom: bytes) -> Writer:
    def write(path: Path, sheets: Mapping[str, list[Row]]) -> None:
        (rows,) = sheets.values()
        header = list(rows[0])
        lines = [separator.join(header)]
        lines += [separator.join(str(row[c] or "") for c in header) for row in rows]
        path.write_bytes(bom + (newline.join(lines) + newline).encode(encoding))

    return write


def _jsonl(path: Path, sheets: Mapping[str, list[Row]]) -> None:
    (rows,) = sheets.values()
    lines = []
    for row in rows:
        record: dict[str, object] = {}
        for key, value in row.items():
            if value is None:
                continue  # the courts leave absent values out
            outer, _, inner = key.partition(".")
            if inner:
                record.setdefault(outer, {})[inner] = value  # type: ignore[index]
            else:
                record[outer] = value
        lines.append(json.dumps(record, ensure_ascii=False))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _xlsx(title_band: bool) -> Writer:
    def write(path: Path, sheets: Mapping[str, list[Row]]) -> None:
        book = xlsxwriter.Workbook(str(path))
        for name, rows in sheets.items():
            sheet = book.add_worksheet(name)
            top = 0
            if title_band:
                sheet.write_string(0, 0, "DIICOT - Situatia dosarelor de trafic de persoane")
                sheet.write_string(1, 0, "Perioada: 01.01.2020 - 31.12.2020")
                top = 3
            sheet.write_row(top, 0, list(rows[0]))
            for r, row in enumerate(rows, start=top + 1):
                for c, value in enumerate(row.values()):
                    if isinstance(value, int):
                        sheet.write_number(r, c, value)
                    elif value is not None:
                        sheet.write_string(r, c, str(value))
        book.close()

    return write


COUNTIES_TEXT = ["CONSTANŢA", "CONSTANTA", "MUN. BUCURESTI", "IAŞI"]  # cp1250: cedilla only
COUNTIES_NAME = ["Constanța", "Iași", "București", "Satu Mare"]
BAD_COUNTRY = "Atlantida"

ANITP = Agency(
    "anitp",
    "anitp_2020_20210115.csv",
    [
        Sheet(
            None,
            2,
            {
                "ID_SIMEV": "",
                "DATA_IDENTIFICARE": "2020-04-02",
                "INSTITUTIE_IDENTIFICARE": "POLITIE",
                "CNP": "",
                "SEX": "F",
                "DATA_NASTERII": "1995-07-02",
                "VARSTA": "24",
                "CETATENIE": "RO",
                "JUDET_RESEDINTA": "IS",
                "MEDIU": "URBAN",
                "FORMA_EXPLOATARE": "sexuala",
                "TIP_TRAFIC": "EXTERN",
                "TARA_EXPLOATARE": "DE",
                "MOD_RECRUTARE": "RELATIE AFECTIVA",
                "ASISTENTA": "DA",
                "PARTICIPARE_PROCES": "NU",
                "NR_DOSAR_PENAL": "",
            },
            lambda i: {"ID_SIMEV": f"V-2020-{i:06d}"},
            "CNP",
            {"JUDET_RESEDINTA": ["B", "CT", "SM"], "FORMA_EXPLOATARE": ["munca", "sexuala|munca"]},
            {
                "county": {"JUDET_RESEDINTA": "ZZ"},
                "date": {"DATA_IDENTIFICARE": "2020-02-31"},
                "form": {"FORMA_EXPLOATARE": "zbor"},
                "sex": {"SEX": "X"},
            },
        )
    ],
    _csv(",", "utf-8", "\n", b"\xef\xbb\xbf"),
)

POLITIE = Agency(
    "politie",
    "politie_2020_20210110.csv",
    [
        Sheet(
            None,
            2,
            {
                "NR_UNIC_DOSAR": "",
                "UNITATE": "SCCO CONSTANTA",
                "DATA_SESIZARE": "03.02.2020",
                "MOD_SESIZARE": "DIN OFICIU",
                "INCADRARE": "art. 210 alin. (1) lit. a) C.pen.",
                "CALITATE": "PV",
                "CNP": "",
                "NUME": "POPESCU",
                "PRENUME": "ANA",
                "SEX": "F",
                "DATA_NASTERII": "02.07.1995",
                "CETATENIE": "ROMANIA",
                "JUDET_DOMICILIU": "CONSTANŢA",
                "FORMA_EXPLOATARE": "SEX",
                "TARA_EXPLOATARE": "MAREA BRITANIE",
                "DOSAR_PARCHET": "77/D/P/2020",
                "STADIU": "TRIMIS PARCHET",
            },
            lambda i: {"NR_UNIC_DOSAR": f"P-2020-{i + 100:06d}"},
            "CNP",
            {"JUDET_DOMICILIU": COUNTIES_TEXT},
            {
                "county": {"JUDET_DOMICILIU": "ATLANTIDA"},
                "date": {"DATA_SESIZARE": "31.02.2020"},
                "country": {"CETATENIE": BAD_COUNTRY.upper()},
                "role": {"CALITATE": "XX"},
            },
        )
    ],
    _csv(";", "cp1250", "\r\n", b""),
)

INSTANTE = Agency(
    "instante",
    "instante_2020_20210115.jsonl",
    [
        Sheet(
            None,
            1,
            {
                "numar_dosar": "",
                "instanta": "Tribunalul Iași",
                "grad_jurisdictie": "fond",
                "dosar_parchet": "812/D/P/2019",
                "data_inregistrare": "2020-01-09",
                "inculpat.cnp": "",
                "inculpat.nume": "LUPU Ion",
                "inculpat.sex": "M",
                "inculpat.data_nasterii": "1985-08-03",
                "infractiune": "art. 210 C.pen.",
                "solutie": "condamnare",
                "data_solutie": "2020-10-16",
                "definitiva": False,
                "pedeapsa.tip": "inchisoare",
                "pedeapsa.durata_luni": 84,
                "pedeapsa.suspendare": False,
                "numar_victime": 2,
            },
            lambda i: {"numar_dosar": f"{i + 100}/99/2020"},
            "inculpat.cnp",
            {"pedeapsa.durata_luni": [12, 36], "instanta": ["Tribunalul București"]},
            {
                "date": {"data_solutie": "2020-13-01"},
                "decision": {"solutie": "iertare"},
                "level": {"grad_jurisdictie": "cer"},
            },
        )
    ],
    _jsonl,
)

DIICOT = Agency(
    "diicot",
    "diicot_2020_20210120.xlsx",
    [
        Sheet(
            "Dosare",
            5,
            {
                "Nr. dosar": "",
                "Structura": "Serviciul Teritorial Iași",
                "Data înregistrării": "05.04.2020",
                "Infracțiuni": "art. 210 C.pen.; art. 367 C.pen.",
                "Soluție": "Rechizitoriu",
                "Data soluției": "19.12.2020",
                "Instanța sesizată": "Tribunalul Iași",
                "Grup infracțional organizat": "DA",
                "Transfrontalier": "NU",
                "Valoare sechestru (lei)": "1.250.000,50",
            },
            lambda i: {"Nr. dosar": f"{i + 100}/D/P/2020"},
            None,
            {"Transfrontalier": ["DA"], "Valoare sechestru (lei)": ["12,00", None]},
            {
                "decision": {"Soluție": "Iertare"},
                "date": {"Data înregistrării": "31.02.2020"},
                "order": {"Data soluției": "01.01.2020"},  # decided before registered
            },
        ),
        Sheet(
            "Persoane",
            5,
            {
                "Nr. dosar": "",
                "Calitate": "Persoană vătămată",
                "CNP": "",
                "Nume și prenume": "Ana Popescu",
                "Sex": "F",
                "Data nașterii": "02.07.1995",
                "Cetățenie": "România",
                "Județ domiciliu": "Iași",
                "Forma exploatării": "exploatare sexuală",
                "Țara exploatării": "Germania",
                "Arestat preventiv": None,
            },
            lambda i: {"Nr. dosar": f"{i + 100}/D/P/2020"},
            "CNP",
            {"Județ domiciliu": COUNTIES_NAME},
            {
                "country": {"Cetățenie": BAD_COUNTRY},
                "county": {"Județ domiciliu": BAD_COUNTRY},
                "birth": {"Data nașterii": "31.02.1995"},
            },
        ),
    ],
    _xlsx(title_band=True),
)

ONG = Agency(
    "ong",
    "ong_2020_20210130.xlsx",
    [
        Sheet(
            "Beneficiari",
            2,
            {
                "Organizatie": "ADPARE",
                "Cod beneficiar": "",
                "CNP": "",
                "Nume": "Popescu",
                "Prenume": "Ana",
                "Sex": "F",
                "Anul nasterii": 1995,
                "Cetatenie": "România",
                "Judet": "Iași",
                "Data intrarii in program": "12.04.2020",
                "Forma exploatare": "exploatare sexuala (Germania)",
                "Participa la procesul penal": "Da",
                "Nr. dosar penal": None,
            },
            lambda i: {"Cod beneficiar": f"ADP-20-{i:04d}"},
            "CNP",
            {"Judet": COUNTIES_NAME, "Participa la procesul penal": ["Nu"]},
            {
                "date": {"Data intrarii in program": "31.02.2020"},
                "county": {"Judet": BAD_COUNTRY},
                "country": {"Cetatenie": BAD_COUNTRY},
            },
        )
    ],
    _xlsx(title_band=False),
)

CASES = {a.name: a for a in (ANITP, POLITIE, INSTANTE, DIICOT, ONG)}


def plans(sheet: Sheet) -> st.SearchStrategy[list[Plan]]:
    variant = st.none() | st.sampled_from(
        [(column, i) for column, values in sheet.variants.items() for i in range(len(values))]
    )
    spoiler = st.none() | st.sampled_from(sorted(sheet.spoilers))
    return st.lists(st.builds(Plan, variant, spoiler, st.booleans()), min_size=1, max_size=8)


def build(sheet: Sheet, plan: list[Plan]) -> list[Row]:
    rows = []
    for i, p in enumerate(plan):
        row = {**sheet.good, **sheet.unique(i)}
        if p.variant is not None:
            column, index = p.variant
            row[column] = sheet.variants[column][index]
        if sheet.cnp is not None:
            row[sheet.cnp] = cnp(i, p.check_digit_right)
        if p.spoiler is not None:
            row |= sheet.spoilers[p.spoiler]
        rows.append(row)
    return rows


def positions(sheet: Sheet, plan: list[Plan], spoiled: bool) -> set[tuple[str | None, int]]:
    return {
        (sheet.name, sheet.first_row + i)
        for i, p in enumerate(plan)
        if (p.spoiler is not None) == spoiled
    }


def ingest(
    agency: Agency, sheets: Mapping[str, list[Row]], root: Path
) -> duckdb.DuckDBPyConnection:
    folder = root / "landing" / agency.name
    folder.mkdir(parents=True)
    agency.write(folder / agency.file_name, sheets)
    con = duckdb.connect(":memory:")
    wh.ensure_tables(con)
    real = SOURCES[agency.name]
    read = stages.read_new_files(con, root / "landing", real, TEST_KEY.encode(), "run-1")
    validated = stages.validate_pending(con, root / "landing", real, "run-1")
    assert [o.status for o in read] == ["read"], read
    assert [o.status for o in validated] == ["validated"], validated
    return con


def row_sets(con: duckdb.DuckDBPyConnection) -> tuple[set[tuple[str | None, int]], ...]:
    accepted = " UNION ".join(
        f"SELECT source_sheet, source_row FROM validated.{t}" for t in stages.STAGE_TABLES
    )
    quarantined = "SELECT DISTINCT source_sheet, source_row FROM ops.quarantine"
    return tuple(set(con.execute(sql).fetchall()) for sql in (accepted, quarantined))


def cnp_statuses(con: duckdb.DuckDBPyConnection) -> dict[tuple[str | None, int], tuple[str, bool]]:
    rows = con.execute(
        "SELECT source_sheet, source_row, cnp_status, person_key IS NOT NULL "
        "FROM validated.person_record"
    ).fetchall()
    return {(sheet, row): (status, keyed) for sheet, row, status, keyed in rows}


def check_agency(agency: Agency, drawn: list[list[Plan]]) -> None:
    sheets = {
        sheet.name or agency.name: build(sheet, plan)
        for sheet, plan in zip(agency.sheets, drawn, strict=True)
    }
    with tempfile.TemporaryDirectory() as folder:
        con = ingest(agency, sheets, Path(folder))
        try:
            breaches = stages.conservation_breaches(con, agency.name)
            accepted, quarantined = row_sets(con)
            manifest = con.execute("SELECT rows_read FROM ops.file_manifest").fetchall()
            statuses = cnp_statuses(con)
        finally:
            con.close()
    assert breaches.is_empty(), breaches.to_dicts()
    assert manifest == [(sum(len(plan) for plan in drawn),)]
    expected_quarantined: set[tuple[str | None, int]] = set()
    expected_accepted: set[tuple[str | None, int]] = set()
    for sheet, plan in zip(agency.sheets, drawn, strict=True):
        expected_quarantined |= positions(sheet, plan, spoiled=True)
        expected_accepted |= positions(sheet, plan, spoiled=False)
    assert quarantined == expected_quarantined
    assert accepted == expected_accepted
    for sheet, plan in zip(agency.sheets, drawn, strict=True):
        if sheet.cnp is None:
            continue
        for i, p in enumerate(plan):
            position = (sheet.name, sheet.first_row + i)
            if p.spoiler is None:
                want = ("valid", True) if p.check_digit_right else ("invalid_check_digit", False)
                assert statuses[position] == want, (position, p)


@pytest.mark.parametrize("name", sorted(CASES))
def test_rows_are_conserved(name: str) -> None:
    agency = CASES[name]

    @settings(max_examples=25, deadline=None)
    @given(st.tuples(*(plans(sheet) for sheet in agency.sheets)))
    def conserved(drawn: tuple[list[Plan], ...]) -> None:
        check_agency(agency, list(drawn))

    conserved()
