"""DIICOT workbook reader: two sheets under a title band, Excel/text dates, RO amounts, keys.

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

from pipelines.ingest.validation import validate_delivery
from schemas import diicot as schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import UnreadableFileError
from sources.common.landing import LandingFile, classify
from sources.diicot import mapping
from sources.diicot.reader import read
from tests.cnp import make_cnp
from tests.conftest import EXAMPLES
from tests.sources.helpers import all_text

EXAMPLE = EXAMPLES / "diicot" / "diicot_2016_20170120.xlsx"
NAME = "diicot_2020_20210120.xlsx"
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
CASE_COLUMNS = [
    "source_row",
    "nr_dosar",
    "structura",
    "data_inregistrarii",
    "infractiuni",
    "solutie",
    "data_solutiei",
    "instanta_sesizata",
    "grup_infractional_organizat",
    "transfrontalier",
    "valoare_sechestru_lei",
]
PERSON_COLUMNS = [
    "source_row",
    "nr_dosar",
    "calitate",
    "sex",
    "data_nasterii",
    "cetatenie",
    "judet_domiciliu",
    "forma_exploatarii",
    "tara_exploatarii",
    "arestat_preventiv",
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
]
CNP_VICTIM = make_cnp("299111040012")  # F, born 1999-11-10
CNP_DEFENDANT = make_cnp("180010240001")  # M, born 1980-01-02
CASE = {
    "Nr. dosar": "55/D/P/2020",
    "Structura": "Serviciul Teritorial Cluj",
    "Data înregistrării": dt.datetime(2020, 3, 2),
    "Infracțiuni": "art. 210 C.pen.; art. 367 C.pen.",
    "Soluție": "Rechizitoriu",
    "Data soluției": "15.09.2020",
    "Instanța sesizată": "Tribunalul Cluj",
    "Grup infracțional organizat": "DA",
    "Transfrontalier": "NU",
    "Valoare sechestru (lei)": "1.250.000,50",
}
VICTIM = {
    "Nr. dosar": "55/D/P/2020",
    "Calitate": "Persoană vătămată",
    "CNP": CNP_VICTIM,
    "Nume și prenume": "Ioana Căpraru",
    "Sex": "F",
    "Data nașterii": dt.datetime(1999, 11, 10),
    "Cetățenie": "România",
    "Județ domiciliu": "Bistriţa-Năsăud",
    "Forma exploatării": "muncă forțată",
    "Țara exploatării": "Regatul Unit",
    "Arestat preventiv": None,
}
DEFENDANT = {
    **VICTIM,
    "Calitate": "Inculpat",
    "CNP": CNP_DEFENDANT,
    "Nume și prenume": "Sorin Dobre",
    "Sex": "M",
    "Data nașterii": "02.01.1980",
    "Județ domiciliu": "Cluj",
    "Forma exploatării": None,
    "Țara exploatării": None,
    "Arestat preventiv": "DA",
}


def sheet_rows(
    header: list[str], records: list[dict[str, object]], band: int
) -> list[list[object]]:
    title: list[list[object]] = [
        ["DIICOT - Situatia dosarelor de trafic de persoane"],
        ["Perioada: 01.01.2020 - 31.12.2020"],
    ]
    rows = (title + [[]] * band)[:band]
    return [*rows, header, *([record.get(c) for c in header] for record in records)]


def diicot_file(
    tmp_path: Path,
    cases: list[dict[str, object]],
    persons: list[dict[str, object]],
    *,
    band: int = 3,
    case_header: list[str] = CASES,
    person_header: list[str] = PERSONS,
    sheets: tuple[str, ...] = ("Dosare", "Persoane"),
    epoch_1904: bool = False,
) -> LandingFile:
    book = openpyxl.Workbook()
    book.remove(book.active)
    if epoch_1904:
        book.epoch = CALENDAR_MAC_1904
    content = {
        "Dosare": sheet_rows(case_header, cases, band),
        "Persoane": sheet_rows(person_header, persons, band),
    }
    for title in sheets:
        sheet = book.create_sheet(title)
        for row in content[title]:
            sheet.append(row)
    folder = tmp_path / "diicot"
    folder.mkdir(parents=True, exist_ok=True)
    book.save(folder / NAME)
    file = classify("diicot", folder / NAME)
    assert isinstance(file, LandingFile)
    return file


def tables(file: LandingFile, key: bytes) -> dict[str, pl.DataFrame]:
    return {t.entity: t.rows for t in read(file, key).tables}


def mapped(file: LandingFile, key: bytes) -> dict[str, pl.DataFrame]:
    validated = validate_delivery(read(file, key), schema.MODELS)
    assert validated.quarantine.height == 0
    frames = mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, frame in frames.items():
        UNIFIED_MODELS[name].validate(frame)
    return frames


def rejection(file: LandingFile, key: bytes) -> str:
    with pytest.raises(UnreadableFileError) as error:
        read(file, key)
    assert "\n" not in str(error.value)
    return str(error.value)


# ------------------------------------------------------------------------------ the example


def test_example_is_read_whole(key: bytes) -> None:
    file = classify("diicot", EXAMPLE)
    assert isinstance(file, LandingFile)
    delivery = read(file, key)
    assert [(t.entity, t.sheet) for t in delivery.tables] == [
        ("cases", "Dosare"),
        ("persons", "Persoane"),
    ]
    cases, persons = (t.rows for t in delivery.tables)
    assert cases.columns == CASE_COLUMNS and persons.columns == PERSON_COLUMNS
    assert cases.schema["source_row"] == pl.Int64
    assert all(cases.schema[c] == pl.Utf8 for c in CASE_COLUMNS[1:])
    # header on row 4 under the title band (merged title, period, empty row)
    assert cases["source_row"].to_list() == [5, 6, 7]
    assert persons["source_row"].to_list() == list(range(5, 13))
    assert cases["nr_dosar"].to_list() == ["812/D/P/2016", "1033/D/P/2016", "1502/D/P/2016"]
    # Excel dates become ISO text; the date typed as text arrives as typed
    assert cases["data_inregistrarii"].to_list() == ["2016-04-05", "01.07.2016", "2016-09-20"]
    assert cases["data_solutiei"].to_list() == ["2016-12-19", None, "2016-12-02"]
    assert cases["valoare_sechestru_lei"].to_list() == ["1.250.000,50", None, None]
    assert cases["structura"][1] == "Biroul Teritorial Ialomița"
    assert persons["judet_domiciliu"].to_list() == [
        "Iași",
        "Vaslui",
        "Iași",
        "Iaşi",  # cedilla, as delivered: the county check folds it
        "Ialomiţa",
        "Ialomița",
        "Ialomița",
        None,
    ]
    assert persons["data_nasterii"][0] == "1985-08-03"


def test_example_cnp_status_from_the_check_digit(key: bytes) -> None:
    file = classify("diicot", EXAMPLE)
    assert isinstance(file, LandingFile)
    persons = tables(file, key)["persons"]
    book = openpyxl.load_workbook(EXAMPLE, read_only=True)
    raw = [r[2] for r in book["Persoane"].iter_rows(min_row=5, values_only=True)]
    book.close()
    expected = [
        "missing" if c is None else "valid" if make_cnp(c[:12]) == c else "invalid_check_digit"
        for c in raw
    ]
    assert expected == ["valid"] * 7 + ["missing"]  # row 12: a foreign victim without CNP
    assert persons["cnp_status"].to_list() == expected
    keys = persons["cnp_key"].to_list()
    assert keys[7] is None
    assert all(k is not None and len(k) == 64 for k in keys[:7])
    assert len(set(keys[:7])) == 7


def test_no_raw_identifier_of_the_example_leaves_the_reader(key: bytes) -> None:
    file = classify("diicot", EXAMPLE)
    assert isinstance(file, LandingFile)
    text = all_text(read(file, key).tables)
    book = openpyxl.load_workbook(EXAMPLE, read_only=True)
    raw = list(book["Persoane"].iter_rows(min_row=5, values_only=True))
    book.close()
    identifiers = [r[2] for r in raw if r[2]] + [part for r in raw for part in str(r[3]).split()]
    assert len(identifiers) == 7 + 16
    for identifier in identifiers:
        assert identifier not in text, identifier


# ------------------------------------------------------------------------------ layout


@pytest.mark.parametrize("band", [0, 1, 6])
def test_title_band_of_another_height(tmp_path: Path, key: bytes, band: int) -> None:
    read_back = tables(diicot_file(tmp_path, [CASE], [VICTIM, DEFENDANT], band=band), key)
    assert read_back["cases"]["source_row"].to_list() == [band + 2]
    assert read_back["persons"]["source_row"].to_list() == [band + 2, band + 3]
    assert read_back["cases"]["data_inregistrarii"].to_list() == ["2020-03-02"]


def test_columns_reordered_with_an_extra_column(tmp_path: Path, key: bytes) -> None:
    case_header = ["Observații", *reversed(CASES)]
    person_header = [*PERSONS[6:], "Nr. crt.", *PERSONS[:6]]
    file = diicot_file(
        tmp_path,
        [{**CASE, "Observații": "ignored"}],
        [{**VICTIM, "Nr. crt.": 1}, {**DEFENDANT, "Nr. crt.": 2}],
        case_header=case_header,
        person_header=person_header,
    )
    read_back = tables(file, key)
    assert read_back["cases"].columns == CASE_COLUMNS
    assert read_back["cases"].row(0) == (
        5,
        "55/D/P/2020",
        "Serviciul Teritorial Cluj",
        "2020-03-02",
        "art. 210 C.pen.; art. 367 C.pen.",
        "Rechizitoriu",
        "15.09.2020",
        "Tribunalul Cluj",
        "DA",
        "NU",
        "1.250.000,50",
    )
    persons = read_back["persons"]
    assert persons.columns == PERSON_COLUMNS
    assert persons.select(PERSON_COLUMNS[1:10]).rows() == [
        (
            "55/D/P/2020",
            "Persoană vătămată",
            "F",
            "1999-11-10",
            "România",
            "Bistriţa-Năsăud",
            "muncă forțată",
            "Regatul Unit",
            None,
        ),
        ("55/D/P/2020", "Inculpat", "M", "02.01.1980", "România", "Cluj", None, None, "DA"),
    ]


# ------------------------------------------------------------------------------ rejections


def test_missing_sheet_rejected(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(tmp_path, [CASE], [VICTIM], sheets=("Dosare",))
    assert rejection(file, key) == "no sheet 'Persoane' (found: Dosare)"


@pytest.mark.parametrize(
    ("case_header", "person_header", "message"),
    [
        (CASES, PERSONS[:-1], "sheet 'Persoane' is missing column(s): Arestat preventiv"),
        (CASES[:-1], PERSONS, "sheet 'Dosare' is missing column(s): Valoare sechestru (lei)"),
    ],
)
def test_missing_column_rejected_by_name(
    tmp_path: Path, key: bytes, case_header: list[str], person_header: list[str], message: str
) -> None:
    file = diicot_file(
        tmp_path, [CASE], [VICTIM], case_header=case_header, person_header=person_header
    )
    assert rejection(file, key) == message


def test_truncated_workbook_rejected_with_one_line(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(tmp_path, [CASE] * 20, [VICTIM, DEFENDANT] * 20)
    data = file.path.read_bytes()
    file.path.write_bytes(data[: len(data) * 60 // 100])
    assert rejection(file, key) == (
        "not a readable XLSX workbook (truncated or another format): BadZipFile"
    )


def test_not_a_workbook_with_an_xlsx_name_rejected(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(tmp_path, [CASE], [VICTIM])
    file.path.write_text("Nr. dosar;Structura\n55/D/P/2020;Cluj\n", encoding="utf-8")
    assert rejection(file, key).startswith("not a readable XLSX workbook")


# ------------------------------------------------------------------------------ values


def test_serial_number_in_a_date_column_stays_digits(tmp_path: Path, key: bytes) -> None:
    # 2020-03-02 is serial 43892 in Excel's 1900 system
    file = diicot_file(
        tmp_path,
        [{**CASE, "Data înregistrării": 43892, "Data soluției": 44089.5}],
        [{**VICTIM, "Data nașterii": 36474}],  # 1999-11-10
    )
    read_back = tables(file, key)
    assert read_back["cases"]["data_inregistrarii"].to_list() == ["43892"]
    assert read_back["cases"]["data_solutiei"].to_list() == ["44089"]  # time of day dropped
    assert read_back["persons"]["data_nasterii"].to_list() == ["36474"]


def test_1904_workbook_serials_become_iso_dates(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(
        tmp_path,
        # 2020-03-02 is day 42430 after 1904-01-01; 1999-11-10 is 36474 - 1462 = 35012
        [{**CASE, "Data înregistrării": 42430, "Data soluției": dt.datetime(2020, 9, 15)}],
        [{**VICTIM, "Data nașterii": 35012}],
        epoch_1904=True,
    )
    read_back = tables(file, key)
    assert read_back["cases"]["data_inregistrarii"].to_list() == ["2020-03-02"]
    assert read_back["cases"]["data_solutiei"].to_list() == ["2020-09-15"]
    assert read_back["persons"]["data_nasterii"].to_list() == ["1999-11-10"]


def test_amount_typed_as_a_number_keeps_its_value(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(
        tmp_path,
        [
            {**CASE, "Valoare sechestru (lei)": 1250000.5},
            {**CASE, "Nr. dosar": "56/D/P/2020", "Valoare sechestru (lei)": 1250.125},
            {**CASE, "Nr. dosar": "57/D/P/2020", "Valoare sechestru (lei)": 42500},
        ],
        [VICTIM],
    )
    amounts = tables(file, key)["cases"]["valoare_sechestru_lei"].to_list()
    assert amounts == ["1250000,5", "1250,125", "42500"]  # decimal comma: Romanian form


# ------------------------------------------------------------------------------ pseudonyms


def test_no_raw_identifier_leaves_the_reader(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(tmp_path, [CASE], [VICTIM, DEFENDANT])
    text = all_text(read(file, key).tables)
    for identifier in (CNP_VICTIM, CNP_DEFENDANT, "Ioana", "Căpraru", "Sorin", "Dobre"):
        assert identifier not in text, identifier
    persons = tables(file, key)["persons"]
    assert not {"cnp", "nume_si_prenume"} & set(persons.columns)


def test_cnp_checked_and_keyed(tmp_path: Path, key: bytes) -> None:
    wrong = CNP_VICTIM[:12] + str((int(CNP_VICTIM[12]) + 1) % 10)
    file = diicot_file(
        tmp_path,
        [CASE],
        [
            VICTIM,
            {**VICTIM, "CNP": int(CNP_VICTIM), "Nume și prenume": "X Y"},  # typed as a number
            {**VICTIM, "CNP": wrong, "Nume și prenume": "Z W"},
            {**VICTIM, "CNP": None, "Nume și prenume": "Q R"},
        ],
    )
    persons = tables(file, key)["persons"]
    assert persons["cnp_status"].to_list() == ["valid", "valid", "invalid_check_digit", "missing"]
    keys = persons["cnp_key"].to_list()
    assert keys[0] is not None and keys[0] == keys[1]
    assert keys[2:] == [None, None]


def test_name_keys_use_the_birth_date_whatever_its_form(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(
        tmp_path,
        [CASE],
        [
            VICTIM,  # Ioana Căpraru, Excel date 1999-11-10
            {**VICTIM, "Nume și prenume": "CĂPRARU  Ioana", "Data nașterii": "10.11.1999"},
            {**VICTIM, "Nume și prenume": "Ioana Capraru", "Data nașterii": "1999-11-10"},
            {**VICTIM, "Data nașterii": "11.11.1999"},  # another day, same year
            {**VICTIM, "Nume și prenume": "Ioana Căpraru-Pop"},
            {**VICTIM, "Data nașterii": None},
        ],
    )
    persons = tables(file, key)["persons"]
    by_date = persons["name_birth_date_key"].to_list()
    by_year = persons["name_birth_year_key"].to_list()
    assert by_date[0] is not None and by_date[0] == by_date[1] == by_date[2]
    assert by_date[3] not in (None, by_date[0])
    assert by_year[0] == by_year[1] == by_year[2] == by_year[3]
    assert by_date[4] not in (None, by_date[0]) and by_year[4] != by_year[0]
    assert by_date[5] is None and by_year[5] is None  # no birth date: nothing to key with


# ------------------------------------------------------------------------ read, checked, mapped


def test_workbook_read_validated_and_mapped(tmp_path: Path, key: bytes) -> None:
    case = {**CASE, "Soluție": "Acord de recunoaștere a vinovăției"}
    file = diicot_file(tmp_path, [case], [VICTIM, {**DEFENDANT, "CNP": None}], band=5)
    frames = mapped(file, key)
    case_record = frames["case_record"]
    assert case_record["prosecutor_decision"].item() == "plea_agreement"
    assert case_record["prosecutor_decision_date"].item() == dt.date(2020, 9, 15)  # dd.mm.yyyy
    assert case_record["organised_crime_group"].item() is True
    assert case_record["cross_border"].item() is False
    victim = frames["victim_identification"]
    assert victim["exploitation_form"].item() == "labour"
    assert victim["exploitation_country_code"].item() == "GB"
    assert victim["age_at_identification"].item() == 20
    event = frames["proceedings_event"].filter(pl.col("role") == "defendant")
    assert event["pretrial_detention"].item() is True
    assert event["offence_articles"].item().to_list() == [210, 367]
    assert frames["person_record"]["residence_county_code"].to_list() == ["RO-BN", "RO-CJ"]


# 2020-03-02 is serial 43892 in Excel's 1900 system, 42430 (1462 days fewer) in the 1904 one
@pytest.mark.parametrize(("epoch_1904", "serial"), [(False, 43892), (True, 42430)])
def test_serial_registration_date_maps_to_its_day(
    tmp_path: Path, key: bytes, epoch_1904: bool, serial: int
) -> None:
    file = diicot_file(
        tmp_path, [{**CASE, "Data înregistrării": serial}], [VICTIM], epoch_1904=epoch_1904
    )
    assert mapped(file, key)["case_record"]["registration_date"].item() == dt.date(2020, 3, 2)


def test_bad_values_quarantined_with_their_sheet_and_row(tmp_path: Path, key: bytes) -> None:
    file = diicot_file(
        tmp_path,
        [
            CASE,
            {**CASE, "Nr. dosar": "56/D/P/2020", "Soluție": "Amânare"},
            {**CASE, "Nr. dosar": "57/D/P/2020", "Data înregistrării": "32.13.2020"},
            {**CASE, "Nr. dosar": "58/D/P/2020", "Valoare sechestru (lei)": "1,250.000"},
        ],
        [VICTIM],
    )
    validated = validate_delivery(read(file, key), schema.MODELS)
    found = sorted(
        validated.quarantine.select("source_sheet", "source_row", "column_name", "rule").rows()
    )
    assert found == [
        ("Dosare", 6, "solutie", "codelist_prosecutor_decision"),
        ("Dosare", 7, "data_inregistrarii", "date"),
        ("Dosare", 8, "valoare_sechestru_lei", "ro_amount"),
    ]
    assert validated.rows_accepted() == 2
