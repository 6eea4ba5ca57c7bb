"""Police register files: Windows-1250, `;`, CRLF, dd.mm.yyyy, cedilla letters, quoted `;`.

Every expected value below is read off the fixture by hand (the SPEC example, or the
synthetic lines built here); CNP check digits come from `tests.cnp.make_cnp`
independently of the reader.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import politie as schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import Delivery, UnreadableFileError
from sources.common.landing import LandingFile, classify
from sources.politie import mapping
from sources.politie.reader import read
from tests.cnp import make_cnp
from tests.conftest import EXAMPLES
from tests.sources.helpers import POLITIE_COLUMNS, landing_file

EXAMPLE = EXAMPLES / "politie" / "politie_2016_20170110.csv"
NAME = "politie_2020_20210110.csv"
IDENTIFIERS = {"CNP", "NUME", "PRENUME"}
CNP_VICTIM = make_cnp("600051233120")  # F, born 2000-05-12
CNP_SUSPECT = make_cnp("178010140031")  # M, born 1978-01-01
GOOD = {
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
    "JUDET_DOMICILIU": "CONSTANŢA",  # cedilla Ţ: Windows-1250 has no comma-below letters
    "FORMA_EXPLOATARE": "SEX",
    "TARA_EXPLOATARE": "MAREA BRITANIE",
    "DOSAR_PARCHET": "77/D/P/2020",
    "STADIU": "TRIMIS PARCHET",
}
SUSPECT = {
    "CALITATE": "S",
    "CNP": CNP_SUSPECT,
    "NUME": "OLTEANU",
    "PRENUME": "MIHAI",
    "SEX": "M",
    "DATA_NASTERII": "01.01.1978",
    "JUDET_DOMICILIU": "MUN. BUCURESTI",
    "FORMA_EXPLOATARE": "",
    "TARA_EXPLOATARE": "",
}


def field(value: str) -> str:
    """Quote a field the way the police export does when it holds `;` (or a quote)."""
    return '"' + value.replace('"', '""') + '"' if ";" in value or '"' in value else value


def row(columns: list[str] = POLITIE_COLUMNS, **changes: str) -> str:
    values = {**GOOD, **changes}
    return ";".join(field(values[c]) for c in columns)


def police_bytes(*lines: str, columns: list[str] = POLITIE_COLUMNS) -> bytes:
    return ("\r\n".join([";".join(columns), *lines]) + "\r\n").encode("cp1250")


def police_file(tmp_path: Path, *lines: str, columns: list[str] = POLITIE_COLUMNS) -> LandingFile:
    return landing_file(tmp_path, "politie", NAME, police_bytes(*lines, columns=columns))


def example() -> LandingFile:
    file = classify("politie", EXAMPLE)
    assert isinstance(file, LandingFile)
    return file


def raw_records(content: bytes) -> list[dict[str, str]]:
    """The file's rows parsed by the standard library, not by the code under test."""
    return list(csv.DictReader(io.StringIO(content.decode("cp1250"), newline=""), delimiter=";"))


def rows_of(delivery: Delivery) -> pl.DataFrame:
    assert [t.entity for t in delivery.tables] == ["case_persons"]
    return delivery.tables[0].rows


def quarantined(delivery: Delivery) -> list[tuple[int, str | None, str]]:
    quarantine = validate_delivery(delivery, schema.MODELS).quarantine
    return sorted(quarantine.select("source_row", "column_name", "rule").rows(), key=str)


# ------------------------------------------------------------------------ the SPEC example


def test_example_is_a_verbatim_copy_in_windows_1250_with_crlf() -> None:
    content = EXAMPLE.read_bytes()
    assert content.count(b"\r\n") == 9 and b"\n" not in content.replace(b"\r\n", b"")
    assert b"IA\xaaI" in content  # IAŞI with cedilla Ş (0xAA in Windows-1250)
    assert b"IALOMI\xdeA" in content  # IALOMIŢA with cedilla Ţ (0xDE)


def test_example_is_read_whole(key: bytes) -> None:
    delivery = read(example(), key)
    rows = rows_of(delivery)
    # 9 lines: the header and 8 data rows (lines 2..9 as a person sees them)
    assert rows.height == 8 and delivery.row_issues.height == 0 and delivery.rows_read() == 8
    assert rows["source_row"].to_list() == list(range(2, 10))
    by_row = {r["source_row"]: r for r in rows.iter_rows(named=True)}
    assert by_row[3]["judet_domiciliu"] == "IAŞI"  # decoded as Windows-1250, not guessed
    assert by_row[8]["judet_domiciliu"] == "IALOMIŢA"
    # the quoted field keeps its `;` and stays one field
    assert by_row[4]["incadrare"] == "art. 210 alin. (1) lit. a) C.pen.; art.211 CP"
    assert by_row[4]["calitate"] == "S" and by_row[4]["stadiu"] == "TRIMIS PARCHET"  # no \r
    assert by_row[6]["forma_exploatare"] == "MUNCA" and by_row[4]["forma_exploatare"] is None
    assert by_row[2]["dosar_parchet"] == "812/D/P/2016"


def test_example_cnp_status_from_the_check_digit(key: bytes) -> None:
    raw = raw_records(EXAMPLE.read_bytes())
    rows = rows_of(read(example(), key)).sort("source_row")
    expected = [
        "missing" if not r["CNP"] else "valid" if make_cnp(r["CNP"][:12]) == r["CNP"] else "bad"
        for r in raw
    ]
    assert expected == ["valid"] * 7 + ["missing"]  # the Moldovan victim (line 9) has no CNP
    assert rows["cnp_status"].to_list() == expected
    assert rows["cnp_key"].is_null().to_list() == [False] * 7 + [True]
    assert rows["cnp_key"].drop_nulls().str.contains(r"^[0-9a-f]{64}$").all()
    assert rows["cnp_key"].drop_nulls().n_unique() == 7  # seven different people
    assert rows["name_birth_date_key"].null_count() == 0  # the Moldovan is still name-keyed


def test_example_every_row_accepted(key: bytes) -> None:
    validated = validate_delivery(read(example(), key), schema.MODELS)
    assert validated.quarantine.height == 0
    assert validated.rows_accepted() == 8 and validated.rows_quarantined() == 0


def test_example_maps_to_the_unified_records(key: bytes) -> None:
    file = example()
    validated = validate_delivery(read(file, key), schema.MODELS)
    frames = mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    assert set(frames) == {
        "person_record",
        "proceedings_event",
        "victim_identification",
        "case_record",
    }
    for name, frame in frames.items():
        assert frame.columns == list(UNIFIED_MODELS[name].to_schema().columns)
        # coercion would hide a wrong dtype: validation must not change the frame's schema
        assert UNIFIED_MODELS[name].validate(frame).schema == frame.schema

    persons = frames["person_record"].sort("source_row")
    assert persons.height == 8
    role = {"PV": "victim", "S": "suspect"}
    calitate = [r["CALITATE"] for r in raw_records(EXAMPLE.read_bytes())]
    assert calitate == ["PV", "PV", "S", "S", "PV", "PV", "S", "PV"]
    assert persons["role"].to_list() == [role[c] for c in calitate]
    county = dict(zip(persons["source_row"], persons["residence_county_code"], strict=True))
    assert county[3] == "RO-IS"  # IAŞI, cedilla
    assert county[8] == "RO-IL"  # IALOMIŢA, cedilla
    assert county[2] == "RO-IS" and county[5] == "RO-VS" and county[6] == "RO-IL"
    moldovan = persons.filter(pl.col("source_row") == 9).row(0, named=True)
    assert moldovan["cnp_status"] == "missing" and moldovan["person_key"] is None
    assert moldovan["citizenship_code"] == "MD" and moldovan["residence_county_code"] is None
    assert moldovan["birth_date"] == dt.date(1999, 5, 21) and moldovan["birth_year"] == 1999

    events = frames["proceedings_event"].sort("source_row")
    assert events.height == 8
    assert events.filter(pl.col("source_row") == 4)["offence_articles"].to_list() == [[210, 211]]
    assert events["offence_articles"].to_list()[:2] == [[211], [210]]
    assert events["event_date"].to_list()[:4] == [dt.date(2016, 3, 28)] * 4

    victims = frames["victim_identification"].sort("source_row")
    assert victims["source_row"].to_list() == [2, 3, 6, 7, 9]  # the PV rows only
    assert victims["exploitation_form"].to_list() == [
        "sexual",
        "sexual",
        "labour",
        "labour",
        "begging",
    ]
    assert victims["exploitation_country_code"].to_list() == ["DE", "DE", "RO", "RO", "RO"]
    assert victims["trafficking_scope"].to_list() == ["transnational"] * 2 + ["domestic"] * 3
    # born 14.03.2000, reported 28.03.2016: 16; born 21.05.1999, reported 02.09.2016: 17
    assert victims["age_at_identification"].to_list() == [16, 20, 37, 34, 17]
    assert victims["age_group"].to_list() == ["child", "adult", "adult", "adult", "child"]

    cases = frames["case_record"].sort("case_number")
    assert cases["case_number"].to_list() == ["P-2016-004512", "P-2016-007781", "P-2016-009120"]
    first = cases.row(0, named=True)
    assert first["record_id"] == "politie_2016_20170110:-:2" and first["source_row"] == 2
    assert first["offence_articles"] == [210, 211]  # 211 (line 2) + 210 (line 3) + both (line 4)
    assert first["prosecutor_case_number"] == "812/D/P/2016"
    assert first["handling_unit"] == "SCCO IASI"
    assert first["registration_date"] == dt.date(2016, 3, 28)
    assert first["referral_mode"] == "ngo_referral"
    assert first["police_case_status"] == "referred_to_prosecutor"
    assert cases["source_row"].to_list() == [2, 6, 9]
    assert cases["prosecutor_case_number"].to_list() == [
        "812/D/P/2016",
        "1033/D/P/2016",
        "1502/D/P/2016",
    ]


# ------------------------------------------------------------------------ file-level quirks


def test_windows_1250_with_crlf_decoded(tmp_path: Path, key: bytes) -> None:
    content = police_bytes(row())
    assert b"CONSTAN\xdeA" in content and b"T\xc3NASE" in content and content.endswith(b"\r\n")
    rows = rows_of(read(police_file(tmp_path, row()), key))
    assert rows["judet_domiciliu"].item() == "CONSTANŢA"
    assert rows["stadiu"].item() == "TRIMIS PARCHET"  # the CR of CRLF is not part of the value
    assert rows["source_row"].item() == 2


def test_columns_matched_by_name_and_unknown_column_ignored(tmp_path: Path, key: bytes) -> None:
    shuffled = POLITIE_COLUMNS[::2] + POLITIE_COLUMNS[1::2]
    columns = [*shuffled[:5], "OBSERVATII", *shuffled[5:]]
    values = {**GOOD, "OBSERVATII": "nota interna"}
    line = ";".join(values[c] for c in columns)
    rows = rows_of(read(police_file(tmp_path, line, columns=columns), key))
    assert "observatii" not in rows.columns
    expected = {c.lower(): v for c, v in GOOD.items() if c not in IDENTIFIERS}
    assert rows.select(sorted(expected)).row(0, named=True) == expected
    pseudonyms = {
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
    }
    assert set(rows.columns) == {"source_row", *expected, *pseudonyms}
    assert rows["cnp_status"].item() == "valid"


FULL = police_bytes(row(), row(NR_UNIC_DOSAR="P-2020-000102"))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"\r\n  \r\n", "empty file"),
        (FULL[: FULL.rindex(b"MAREA")], "truncated"),  # cut: fields missing
        (FULL[:-5], "truncated"),  # cut inside the last field: 'TRIMIS PARC'
        (FULL[: FULL.rindex(b";") + 1], "truncated"),  # cut after the last `;`: STADIU empty
        ((";".join(POLITIE_COLUMNS) + "\r\n" + row() + "\r\n").encode("utf-8"), "UTF-8"),
        ((";".join(POLITIE_COLUMNS) + "\r\n").encode("cp1250"), "no data rows"),
        (
            police_bytes(row(POLITIE_COLUMNS[:-1]), columns=POLITIE_COLUMNS[:-1]),
            "missing column(s): STADIU",
        ),
        (
            police_bytes(
                row([c for c in POLITIE_COLUMNS if c != "CNP"]),
                columns=[c for c in POLITIE_COLUMNS if c != "CNP"],
            ),
            "missing column(s): CNP",
        ),
        (b"a;b;c\r\n1;2;3\r\n", "no header with the expected columns"),
    ],
    ids=[
        "empty",
        "blank-lines",
        "truncated-fields",
        "truncated-last-field",
        "truncated-at-separator",
        "utf-8",
        "header-only",
        "missing-stadiu",
        "missing-cnp",
        "other-file",
    ],
)
def test_unreadable_file_rejected_with_one_line(
    tmp_path: Path, key: bytes, content: bytes, reason: str
) -> None:
    with pytest.raises(UnreadableFileError) as error:
        read(landing_file(tmp_path, "politie", NAME, content), key)
    message = str(error.value)
    assert reason in message and "\n" not in message and "\r" not in message
    assert not {CNP_VICTIM, "TĂNASE", "TANASE", "IOANA"} & set(re.split(r"[\s;:,()]+", message))


def test_complete_file_is_not_taken_for_truncated(tmp_path: Path, key: bytes) -> None:
    # the control for the truncation cases: the same bytes, uncut, are read
    assert rows_of(read(landing_file(tmp_path, "politie", NAME, FULL), key)).height == 2


# ------------------------------------------------------------------------ row-level quirks


def test_row_with_wrong_field_count_is_a_row_issue(tmp_path: Path, key: bytes) -> None:
    unquoted = row(NR_UNIC_DOSAR="P-2020-000103").replace(
        "art.211 CP", "art. 210 C.pen.; art.211 CP"
    )  # `;` inside an unquoted field: one field too many
    short = "P-2020-000104;SCCO CONSTANTA;03.02.2020"
    file = police_file(tmp_path, row(), unquoted, short, row(NR_UNIC_DOSAR="P-2020-000105"))
    delivery = read(file, key)
    assert rows_of(delivery)["source_row"].to_list() == [2, 5]  # the other rows are kept
    issues = delivery.row_issues.sort("source_row")
    assert issues.select("source_row", "column_name", "rule").rows() == [
        (3, None, "field_count"),
        (4, None, "field_count"),
    ]
    assert issues["reason"].to_list() == [
        "row has 18 fields, the header has 17",
        "row has 3 fields, the header has 17",
    ]
    validated = validate_delivery(delivery, schema.MODELS)
    assert validated.rows_accepted() == 2 and validated.rows_quarantined() == 2
    assert delivery.rows_read() == 4


def test_bad_values_quarantined_by_column_and_rule(tmp_path: Path, key: bytes) -> None:
    file = police_file(
        tmp_path,
        row(),
        row(JUDET_DOMICILIU="XYZ"),
        row(DATA_SESIZARE="31.02.2016"),
        row(FORMA_EXPLOATARE="FOO"),
        row(INCADRARE="art. 199 CP"),
        row(**SUSPECT),
    )
    delivery = read(file, key)
    validated = validate_delivery(delivery, schema.MODELS)
    quarantine = validated.quarantine.sort("source_row")
    assert quarantine.select("source_row", "column_name", "rule").rows() == [
        (3, "judet_domiciliu", "county"),
        (4, "data_sesizare", "date"),
        (5, "forma_exploatare", "codelist_exploitation_form"),
        (6, "incadrare", "offence"),
    ]
    assert quarantine["value"].to_list() == ["XYZ", "31.02.2016", "FOO", "art. 199 CP"]
    assert validated.tables["case_persons"].accepted["source_row"].to_list() == [2, 7]
    assert delivery.rows_read() == 6 == validated.rows_accepted() + validated.rows_quarantined()


def test_identical_line_quarantined_as_duplicate(tmp_path: Path, key: bytes) -> None:
    other_case = row(NR_UNIC_DOSAR="P-2020-000102")  # same person, another case: not a duplicate
    delivery = read(police_file(tmp_path, row(), other_case, row()), key)
    validated = validate_delivery(delivery, schema.MODELS)
    assert validated.quarantine.select("source_row", "column_name", "rule").rows() == [
        (4, None, "duplicate_row")
    ]
    assert validated.tables["case_persons"].accepted["source_row"].to_list() == [2, 3]
    assert delivery.rows_read() == 3 == validated.rows_accepted() + validated.rows_quarantined()


def test_bad_check_digit_flagged_and_not_keyed(tmp_path: Path, key: bytes) -> None:
    wrong = CNP_VICTIM[:12] + str((int(CNP_VICTIM[12]) + 1) % 10)
    rows = rows_of(read(police_file(tmp_path, row(), row(CNP=wrong)), key))
    assert rows["cnp_status"].to_list() == ["valid", "invalid_check_digit"]
    assert rows["cnp_key"][0] is not None and rows["cnp_key"][1] is None
    # the name keys do not depend on the CNP: the two rows are still one person by name
    assert rows["name_birth_date_key"][0] == rows["name_birth_date_key"][1]
    assert quarantined(read(police_file(tmp_path / "b", row(CNP=wrong)), key)) == []


def test_name_keys_ignore_order_case_and_diacritics(tmp_path: Path, key: bytes) -> None:
    example_rows = rows_of(read(example(), key))
    ionescu = example_rows.filter(pl.col("source_row") == 3).row(0, named=True)  # IONESCU MARIA
    # another file: the clerk typed the given name first, in mixed case, no CNP
    file = police_file(
        tmp_path,
        row(NUME="Maria", PRENUME="Ionescu", DATA_NASTERII="02.07.1995", CNP=""),
        row(NUME="Maria", PRENUME="Ionescu", DATA_NASTERII="03.07.1995", CNP=""),
        row(NUME="Tanase", PRENUME="Ioana"),
    )
    rows = rows_of(read(file, key)).sort("source_row")
    same, next_day, tanase = rows.iter_rows(named=True)
    assert same["name_birth_date_key"] == ionescu["name_birth_date_key"]
    assert same["name_birth_year_key"] == ionescu["name_birth_year_key"]
    assert next_day["name_birth_date_key"] != ionescu["name_birth_date_key"]  # another day
    assert next_day["name_birth_year_key"] == ionescu["name_birth_year_key"]  # same year
    diacritics = rows_of(read(police_file(tmp_path / "b", row()), key))  # TĂNASE IOANA
    assert tanase["name_birth_date_key"] == diacritics["name_birth_date_key"].item()


# ------------------------------------------------------------------------ privacy


def raw_identifiers(content: bytes) -> tuple[set[str], set[str]]:
    """CNPs and name words of a file, collected without the reader."""
    records = raw_records(content)
    cnps = {r["CNP"] for r in records if r.get("CNP")}
    names = {w for r in records for c in ("NUME", "PRENUME") for w in (r.get(c) or "").split()}
    return cnps, names


def leaks(values: list[str], cnps: set[str], names: set[str]) -> list[str]:
    words = {n.upper() for n in names}
    return [
        value
        for value in values
        if any(cnp in value for cnp in cnps) or words & set(re.split(r"[^\w]+", value.upper()))
    ]


def string_values(frames: list[pl.DataFrame]) -> list[str]:
    values: list[str] = []
    for frame in frames:
        for column in frame.columns:
            values += [str(v) for v in frame[column].drop_nulls().to_list()]
            values.append(column)
    return values


def test_no_raw_identifier_leaves_the_reader(tmp_path: Path, key: bytes) -> None:
    bad_cnp = CNP_SUSPECT[:12] + str((int(CNP_SUSPECT[12]) + 1) % 10)
    lines = [row(), row(**SUSPECT), row(**{**SUSPECT, "CNP": bad_cnp, "NUME": "ZAHARIA"})]
    # a line the reader cannot split, with a CNP and a name in it
    lines.append("P-2020-000109;SCCO CONSTANTA;03.02.2020;;art.211 CP;S;" + CNP_SUSPECT + ";DRAGU")
    content = police_bytes(*lines)
    cnps, names = raw_identifiers(content)
    assert cnps == {CNP_VICTIM, CNP_SUSPECT, bad_cnp}
    assert names == {"TĂNASE", "IOANA", "OLTEANU", "MIHAI", "ZAHARIA", "DRAGU"}
    file = landing_file(tmp_path, "politie", NAME, content)
    delivery = read(file, key)
    assert delivery.row_issues.height == 1  # the short line with a CNP and a name
    scanned = [t.rows for t in delivery.tables] + [delivery.row_issues]
    validated = validate_delivery(delivery, schema.MODELS)
    scanned.append(validated.quarantine)
    accepted = {k: t.accepted for k, t in validated.tables.items()}
    scanned += list(mapping.to_unified(file, accepted).values())
    # the scan itself finds a planted name and CNP
    assert leaks(["x TĂNASE y", f"a{CNP_SUSPECT}"], cnps, names) == [
        "x TĂNASE y",
        f"a{CNP_SUSPECT}",
    ]
    assert leaks(string_values(scanned), cnps, names) == []


def test_no_raw_identifier_of_the_example_leaves_the_reader(key: bytes) -> None:
    cnps, names = raw_identifiers(EXAMPLE.read_bytes())
    assert len(cnps) == 7 and {"IONESCU", "MARIA", "RUSNAC", "OLGA"} <= names
    file = example()
    delivery = read(file, key)
    validated = validate_delivery(delivery, schema.MODELS)
    frames = mapping.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    scanned = [t.rows for t in delivery.tables] + list(frames.values())
    assert leaks(string_values(scanned), cnps, names) == []
