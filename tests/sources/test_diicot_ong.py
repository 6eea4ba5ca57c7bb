"""DIICOT and NGO workbooks: title band, header by name, Excel/serial/text dates, RO amounts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import diicot as diicot_schema
from schemas import ong as ong_schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import UnreadableFileError
from sources.common.landing import LandingFile, classify
from sources.diicot import mapping as diicot_mapping
from sources.diicot.reader import read as read_diicot
from sources.ong import mapping as ong_mapping
from sources.ong.reader import read as read_ong
from tests.conftest import EXAMPLES
from tests.sources.helpers import all_text, make_cnp

CASES = [
    "Nr. dosar",
    "Structura",
    "Data înregistrării",
    "Infracțiuni",
    "Soluție",
    "Data soluției",
    "Instanța sesizată",
    "Grup infracțional organizat",
    "Transfrontalier",
    "Valoare sechestru (lei)",
]
PERSONS = [
    "Nr. dosar",
    "Calitate",
    "CNP",
    "Nume și prenume",
    "Sex",
    "Data nașterii",
    "Cetățenie",
    "Județ domiciliu",
    "Forma exploatării",
    "Țara exploatării",
    "Arestat preventiv",
]
CNP = make_cnp("299111040012")


def case_row(**changes: object) -> list[object]:
    values: dict[str, object] = {
        "Nr. dosar": "55/D/P/2020",
        "Structura": "Serviciul Teritorial Cluj",
        "Data înregistrării": dt.datetime(2020, 3, 2),
        "Infracțiuni": "art. 210 C.pen.; art. 367 C.pen.",
        "Soluție": "Acord de recunoaștere a vinovăției",
        "Data soluției": "15.09.2020",
        "Instanța sesizată": "Tribunalul Cluj",
        "Grup infracțional organizat": "DA",
        "Transfrontalier": "NU",
        "Valoare sechestru (lei)": "1.250.000,50",
    }
    values.update(changes)
    return [values[c] for c in CASES]


def person_row(**changes: object) -> list[object]:
    values: dict[str, object] = {
        "Nr. dosar": "55/D/P/2020",
        "Calitate": "Persoană vătămată",
        "CNP": CNP,
        "Nume și prenume": "Ioana Căpraru",
        "Sex": "F",
        "Data nașterii": dt.datetime(1999, 11, 10),
        "Cetățenie": "România",
        "Județ domiciliu": "Bistriţa-Năsăud",
        "Forma exploatării": "muncă forțată",
        "Țara exploatării": "Regatul Unit",
        "Arestat preventiv": None,
    }
    values.update(changes)
    return [values[c] for c in PERSONS]


def workbook(
    path: Path,
    sheets: dict[str, tuple[list[str], list[list[object]]]],
    band: int = 3,
    epoch_1904: bool = False,
) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    if epoch_1904:
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    for title, (header, rows) in sheets.items():
        sheet = book.create_sheet(title)
        for _ in range(band):
            sheet.append(["DIICOT - Situatia dosarelor de trafic de persoane"])
        sheet.append(header)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def diicot_file(
    tmp_path: Path, cases: list[list[object]], persons: list[list[object]], **kw: object
) -> LandingFile:
    path = workbook(
        tmp_path / "diicot" / "diicot_2020_20210120.xlsx",
        {"Dosare": (CASES, cases), "Persoane": (PERSONS, persons)},
        **kw,
    )  # type: ignore[arg-type]
    file = classify("diicot", path)
    assert isinstance(file, LandingFile)
    return file


def test_diicot_example(key: bytes) -> None:
    file = classify("diicot", EXAMPLES / "diicot" / "diicot_2016_20170120.xlsx")
    assert isinstance(file, LandingFile)
    validated = validate_delivery(read_diicot(file, key), diicot_schema.MODELS)
    assert validated.quarantine.height == 0
    assert (
        validated.tables["cases"].accepted.height == 3
        and validated.tables["persons"].accepted.height == 8
    )
    frames = diicot_mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, frame in frames.items():
        UNIFIED_MODELS[name].validate(frame)
    cases = frames["case_record"].sort("source_row")
    assert cases["registration_date"].to_list() == [
        dt.date(2016, 4, 5),
        dt.date(2016, 7, 1),
        dt.date(2016, 9, 20),
    ]
    assert cases["seized_value_lei"].to_list() == [1_250_000.5, None, None]
    assert cases["source_row"].to_list() == [5, 6, 7]  # header on row 4 under the title band
    counties = frames["person_record"].sort("source_row")["residence_county_code"].to_list()
    assert counties[2:4] == ["RO-IS", "RO-IS"]  # Iași and Iaşi


def test_diicot_mapping_and_dates(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(
        tmp_path,
        [case_row()],
        [
            person_row(),
            person_row(
                **{
                    "Calitate": "Inculpat",
                    "CNP": None,
                    "Nume și prenume": "Sorin Dobre",
                    "Sex": "M",
                    "Data nașterii": "02.01.1980",
                    "Forma exploatării": None,
                    "Țara exploatării": None,
                    "Arestat preventiv": "DA",
                    "Județ domiciliu": "Cluj",
                }
            ),
        ],
        band=5,
    )
    validated = validate_delivery(read_diicot(file, key), diicot_schema.MODELS)
    assert validated.quarantine.height == 0
    frames = diicot_mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    case = frames["case_record"]
    assert case["prosecutor_decision"].item() == "plea_agreement"
    assert case["prosecutor_decision_date"].item() == dt.date(2020, 9, 15)  # text dd.mm.yyyy
    assert case["organised_crime_group"].item() is True and case["cross_border"].item() is False
    victim = frames["victim_identification"]
    assert victim["exploitation_form"].item() == "labour"
    assert victim["exploitation_country_code"].item() == "GB"
    assert victim["age_at_identification"].item() == 20
    event = frames["proceedings_event"].filter(pl.col("role") == "defendant")
    assert event["pretrial_detention"].item() is True
    assert event["offence_articles"].item().to_list() == [210, 367]
    assert frames["person_record"]["residence_county_code"].to_list() == ["RO-BN", "RO-CJ"]


def test_excel_serial_and_1904_workbook(tmp_path: Path, key: bytes) -> None:
    serial_2020_03_02 = (dt.date(2020, 3, 2) - dt.date(1899, 12, 30)).days
    for epoch_1904, serial in ((False, serial_2020_03_02), (True, serial_2020_03_02 - 1462)):
        file = diicot_file(
            tmp_path / str(epoch_1904),
            [case_row(**{"Data înregistrării": serial})],
            [person_row()],
            epoch_1904=epoch_1904,
        )
        validated = validate_delivery(read_diicot(file, key), diicot_schema.MODELS)
        frames = diicot_mapping.to_unified(
            file, {k: t.accepted for k, t in validated.tables.items()}
        )
        assert frames["case_record"]["registration_date"].item() == dt.date(2020, 3, 2)


def test_diicot_bad_values_quarantined(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(
        tmp_path,
        [
            case_row(),
            case_row(**{"Nr. dosar": "56/D/P/2020", "Soluție": "Amânare"}),
            case_row(**{"Nr. dosar": "57/D/P/2020", "Data înregistrării": "32.13.2020"}),
            case_row(**{"Nr. dosar": "58/D/P/2020", "Valoare sechestru (lei)": "1,250.000"}),
        ],
        [person_row()],
    )
    validated = validate_delivery(read_diicot(file, key), diicot_schema.MODELS)
    found = sorted(
        validated.quarantine.select("source_sheet", "source_row", "column_name", "rule").rows()
    )
    assert found == [
        ("Dosare", 6, "solutie", "codelist_prosecutor_decision"),
        ("Dosare", 7, "data_inregistrarii", "date"),
        ("Dosare", 8, "valoare_sechestru_lei", "ro_amount"),
    ]
    assert validated.rows_accepted() == 2


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda p: p.write_bytes(b"not a workbook at all"), "not a readable XLSX"),
        (
            lambda p: p.write_bytes(
                workbook(p.with_suffix(".tmp"), {"Dosare": (CASES, [case_row()])}).read_bytes()
            ),
            "no sheet 'Persoane'",
        ),
        (
            lambda p: p.write_bytes(
                workbook(
                    p.with_suffix(".tmp"),
                    {
                        "Dosare": (CASES[:-1], [case_row()[:-1]]),
                        "Persoane": (PERSONS, [person_row()]),
                    },
                ).read_bytes()
            ),
            "Valoare sechestru (lei)",
        ),
    ],
)
def test_diicot_unreadable_files(tmp_path: Path, key: bytes, make: object, reason: str) -> None:
    path = tmp_path / "diicot" / "diicot_2020_20210120.xlsx"
    path.parent.mkdir(parents=True)
    make(path)  # type: ignore[operator]
    file = classify("diicot", path)
    assert isinstance(file, LandingFile)
    with pytest.raises(UnreadableFileError) as error:
        read_diicot(file, key)
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_truncated_workbook_rejected(tmp_path: Path, key: bytes) -> None:
    good = diicot_file(tmp_path, [case_row()], [person_row()])
    data = good.path.read_bytes()
    good.path.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(UnreadableFileError) as error:
        read_diicot(classify("diicot", good.path), key)  # type: ignore[arg-type]
    assert "not a readable XLSX" in str(error.value)


def test_no_raw_identifier_leaves_the_readers(tmp_path: Path, key: bytes) -> None:
    text = all_text(read_diicot(diicot_file(tmp_path, [case_row()], [person_row()]), key).tables)
    assert CNP not in text and "Căpraru" not in text and "Ioana" not in text
    ong = classify("ong", EXAMPLES / "ong" / "ong_2016_20170130.xlsx")
    ong_text = all_text(read_ong(ong, key).tables)  # type: ignore[arg-type]
    for identifier in ("6000314223112", "Popescu", "ADP-16-031", "LUPTA-0117", "Florin"):
        assert identifier not in ong_text


def test_ong_example_forms_and_countries(key: bytes) -> None:
    file = classify("ong", EXAMPLES / "ong" / "ong_2016_20170130.xlsx")
    assert isinstance(file, LandingFile)
    validated = validate_delivery(read_ong(file, key), ong_schema.MODELS)
    assert validated.quarantine.height == 0
    frames = ong_mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, frame in frames.items():
        UNIFIED_MODELS[name].validate(frame)
    episodes = frames["assistance_episode"].sort("source_row")
    assert episodes["exploitation_form"].to_list() == ["sexual", "labour", "labour"]
    assert episodes["exploitation_country_code"].to_list() == ["DE", "IT", None]
    assert frames["person_record"].sort("source_row")["birth_year"].to_list() == [2000, 1990, 1988]
