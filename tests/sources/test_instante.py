"""Court reader: JSON Lines, nested objects, absent keys, repeated lines, broken and cut files.

Expected values are read off the fixtures by hand (see tests/fixtures/instante/README.md).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from pipelines.ingest.validation import validate_delivery
from schemas import instante as schema
from schemas.unified import UNIFIED_MODELS
from sources.common.delivery import Delivery, UnreadableFileError
from sources.common.landing import LandingFile, classify
from sources.instante import mapping, reader
from sources.instante.reader import read
from tests.cnp import make_cnp
from tests.conftest import EXAMPLES, FIXTURES
from tests.sources.helpers import landing_file

KEY = b"test-key-" * 4
QUIRKS = FIXTURES / "instante" / "instante_2019_20200115.jsonl"
NAME = "instante_2021_20220115.jsonl"
CNP = make_cnp("182030412003")

# Every identifier written in the quirk fixture, including those in a broken line, in an
# unknown key, and a CNP with a wrong check digit: none may leave the reader.
QUIRK_IDENTIFIERS = [
    "1790514401232",
    "1790514401239",
    "2881102220151",
    "5010203123454",
    "VASILESCU",
    "Vasilescu",
    "Dorin",
    "MARIN",
    "Elena",
    "Gheorghe",
    "POPESCU",
    "Maria",
    "DRAGOMIR",
    "Tudor",
    "KOVALENKO",
    "Olena",
]
DELIVERED_COLUMNS = {
    "source_row",
    "numar_dosar",
    "instanta",
    "grad_jurisdictie",
    "dosar_parchet",
    "data_inregistrare",
    "inculpat_sex",
    "inculpat_data_nasterii",
    "infractiune",
    "solutie",
    "data_solutie",
    "definitiva",
    "pedeapsa_tip",
    "pedeapsa_durata_luni",
    "pedeapsa_suspendare",
    "pedeapsa_amenda_lei",
    "confiscare_lei",
    "despagubiri_lei",
    "numar_victime",
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


def decision(**changes: object) -> dict[str, object]:
    """One valid court line; keyword changes replace (or, with None, remove) keys."""
    record: dict[str, object] = {
        "numar_dosar": "310/99/2021",
        "instanta": "Tribunalul Dolj",
        "grad_jurisdictie": "fond",
        "dosar_parchet": "41/D/P/2020",
        "data_inregistrare": "2021-01-11",
        "inculpat": {
            "cnp": CNP,
            "nume": "NISTOR Marius",
            "sex": "M",
            "data_nasterii": "1982-03-04",
        },
        "infractiune": "art. 211 C.pen.",
        "solutie": "condamnare",
        "data_solutie": "2021-06-30",
        "definitiva": False,
        "pedeapsa": {"tip": "inchisoare", "durata_luni": 30, "suspendare": True},
        "despagubiri_lei": 0,
        "numar_victime": 1,
    }
    record.update(changes)
    return {k: v for k, v in record.items() if v is not None}


def jsonl(*records: dict[str, object] | str) -> bytes:
    text = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(text) + "\n").encode("utf-8")


def quirks(tmp_path: Path, content: bytes | None = None) -> LandingFile:
    data = QUIRKS.read_bytes() if content is None else content
    return landing_file(tmp_path, "instante", QUIRKS.name, data)


def strings(delivery: Delivery) -> str:
    """Every string value of every table and of the row issues, for leak checks."""
    frames = [t.rows for t in delivery.tables] + [delivery.row_issues]
    return "\n".join(
        str(value)
        for frame in frames
        for column in frame.columns
        for value in frame[column].to_list()
        if value is not None
    )


def unified(file: LandingFile) -> tuple[dict[str, pl.DataFrame], pl.DataFrame, Delivery]:
    delivery = read(file, KEY)
    validated = validate_delivery(delivery, schema.MODELS)
    accepted = {name: table.accepted for name, table in validated.tables.items()}
    frames = mapping.to_unified(file, accepted)
    for name, frame in frames.items():
        UNIFIED_MODELS[name].validate(frame)
    return frames, validated.quarantine, delivery


# --------------------------------------------------------------------------- SPEC examples


def test_example_2017_repeated_line_quarantined_absent_confiscation_unknown() -> None:
    file = classify("instante", EXAMPLES / "instante" / "instante_2017_20180115.jsonl")
    assert isinstance(file, LandingFile)
    frames, quarantine, delivery = unified(file)
    assert delivery.rows_read() == 3
    assert quarantine.select("source_row", "column_name", "rule").rows() == [
        (3, None, "duplicate_row")
    ]
    decisions = frames["court_decision"].sort("source_row")
    assert decisions["source_row"].to_list() == [1, 2]  # 2 accepted + 1 quarantined = 3 read
    assert decisions["confiscation_lei"].to_list() == [410000.0, None]  # absent: unknown, not 0
    assert decisions["damages_lei"].to_list() == [60000.0, None]
    assert decisions["sentence_months"].to_list() == [84, 36]
    assert decisions["is_suspended"].to_list() == [False, True]
    assert decisions["is_final"].to_list() == [False, False]
    assert decisions["court_level"].to_list() == ["first_instance", "first_instance"]
    assert decisions["court_name"].to_list() == ["Tribunalul Iași", "Tribunalul Iași"]
    persons = frames["person_record"].sort("source_row")
    assert persons["birth_date"].to_list() == [dt.date(1985, 8, 3), dt.date(1990, 12, 12)]
    assert persons["cnp_status"].to_list() == ["valid", "valid"]  # both check digits hold


def test_example_2018_appeal_is_final_72_months_and_links_to_first_instance() -> None:
    appeal_file = classify("instante", EXAMPLES / "instante" / "instante_2018_20190114.jsonl")
    first_file = classify("instante", EXAMPLES / "instante" / "instante_2017_20180115.jsonl")
    assert isinstance(appeal_file, LandingFile) and isinstance(first_file, LandingFile)
    appeal, quarantine, _ = unified(appeal_file)
    assert quarantine.height == 0
    row = appeal["court_decision"].row(0, named=True)
    assert row["court_case_number"] == "4567/99/2017/a1"
    assert (row["court_level"], row["is_final"], row["sentence_months"]) == ("appeal", True, 72)
    assert row["decision_date"] == dt.date(2018, 5, 7)
    # LUPU Ion (same CNP) in the first instance and in the appeal: one pseudonym.
    first, _, _ = unified(first_file)
    lupu_first = first["person_record"].filter(pl.col("source_row") == 1)["person_key"][0]
    assert lupu_first is not None
    assert appeal["person_record"]["person_key"][0] == lupu_first


# ------------------------------------------------------------------------ quirk fixture


def test_quirks_rows_read_flattened_and_numbers_as_plain_text(tmp_path: Path) -> None:
    delivery = read(quirks(tmp_path), KEY)
    rows = delivery.tables[0].rows.sort("source_row")
    assert set(rows.columns) == DELIVERED_COLUMNS  # unknown keys ignored, identifiers replaced
    assert rows["source_row"].to_list() == [1, 2, 6, 7]  # line 3 blank, 4 and 5 broken
    assert rows["numar_dosar"].to_list() == [
        "1021/3/2019",
        "88/99/2019",
        "2104/1/2019",
        "1021/3/2019/a1",
    ]
    assert rows["instanta"][2] == "Înalta Curte de Casaţie şi Justiţie"
    assert rows["pedeapsa_durata_luni"].to_list() == ["84", None, None, "60"]  # 84.0 -> 84
    assert rows["pedeapsa_amenda_lei"].to_list() == [None, "1500", None, None]  # 1.5e3
    assert rows["pedeapsa_suspendare"].to_list() == ["false", None, None, "true"]
    assert rows["definitiva"].to_list() == ["false", "true", "true", "true"]
    assert rows["confiscare_lei"].to_list() == ["0", None, None, "0"]  # 0 kept, absent null
    assert rows["despagubiri_lei"].to_list() == ["1250.5", None, None, "1250.5"]
    assert rows["numar_victime"].to_list() == ["3", "1", None, "3"]
    assert rows["dosar_parchet"].to_list() == [
        "356/D/P/2018",
        "1207/D/P/2018",
        None,
        "356/D/P/2018",
    ]
    assert rows["inculpat_sex"].to_list() == ["M", "F", "F", "M"]
    assert rows["cnp_status"].to_list() == ["valid", "valid", "missing", "invalid_check_digit"]
    assert rows["cnp_key"].is_null().to_list() == [False, False, True, True]
    # Lines 1 and 7: same name in other capitals, same birth date, CNP typo on line 7.
    keys = rows["name_birth_date_key"].to_list()
    assert keys[0] == keys[3] and len(set(keys)) == 3
    assert delivery.row_issues.select("source_row", "column_name", "rule", "reason").rows() == [
        (4, None, "invalid_json", "line 4 is not valid JSON"),
        (5, None, "invalid_json", "line 5 is not a JSON object"),
    ]


def test_quirks_validated_and_mapped_to_unified(tmp_path: Path) -> None:
    frames, quarantine, delivery = unified(quirks(tmp_path))
    assert quarantine.select("source_row", "rule", "stage").rows() == [
        (4, "invalid_json", "read"),
        (5, "invalid_json", "read"),
    ]
    decisions = frames["court_decision"].sort("source_row")
    assert decisions.height + 2 == delivery.rows_read() == 6
    assert decisions["record_id"].to_list() == [
        "instante_2019_20200115:-:1",
        "instante_2019_20200115:-:2",
        "instante_2019_20200115:-:6",
        "instante_2019_20200115:-:7",
    ]
    assert decisions["court_level"].to_list() == [
        "first_instance",
        "first_instance",
        "cassation",
        "appeal",
    ]
    assert decisions["decision"].to_list() == [
        "conviction",
        "conviction",
        "acquittal",
        "conviction",
    ]
    assert decisions["offence_articles"].to_list() == [[210, 367], [216], [210], [210]]
    assert decisions["sentence_type"].to_list() == ["prison", "fine", None, "prison"]
    assert decisions["sentence_months"].to_list() == [84, None, None, 60]
    assert decisions["is_suspended"].to_list() == [False, None, None, True]
    assert decisions["is_final"].to_list() == [False, True, True, True]
    assert decisions["fine_lei"].to_list() == [None, 1500.0, None, None]
    assert decisions["confiscation_lei"].to_list() == [0.0, None, None, 0.0]
    assert decisions["damages_lei"].to_list() == [1250.5, None, None, 1250.5]
    assert decisions["victims_count"].to_list() == [3, 1, None, 3]
    assert decisions["registration_date"].to_list() == [
        dt.date(2018, 10, 11),
        dt.date(2019, 1, 21),
        None,
        dt.date(2019, 5, 6),
    ]
    persons = frames["person_record"].sort("source_row")
    assert persons["role"].unique().to_list() == ["defendant"]
    assert persons["sex"].to_list() == ["M", "F", "F", "M"]
    assert persons["birth_year"].to_list() == [1979, 1988, 1990, 1979]
    assert persons["person_key"].is_null().to_list() == [False, False, True, True]
    assert persons["citizenship_code"].is_null().all()


def test_no_identifier_in_any_string_value(tmp_path: Path) -> None:
    file = quirks(tmp_path)
    delivery = read(file, KEY)
    text = strings(delivery)
    leaked = [value for value in QUIRK_IDENTIFIERS if value in text]
    assert leaked == []
    quarantine = validate_delivery(delivery, schema.MODELS).quarantine
    shown = "\n".join(str(v) for c in quarantine.columns for v in quarantine[c].to_list())
    assert [value for value in QUIRK_IDENTIFIERS if value in shown] == []


@pytest.mark.parametrize(
    "transform",
    [
        pytest.param(lambda b: b.replace(b"\n", b"\r\n"), id="crlf"),
        pytest.param(lambda b: b.replace(b"\n", b"\r"), id="cr-only"),
        pytest.param(lambda b: b"\xef\xbb\xbf" + b, id="byte-order-mark"),
        pytest.param(lambda b: b.rstrip(b"\n"), id="no-final-line-end"),
    ],
)
def test_line_ends_and_bom_read_the_same(
    tmp_path: Path, transform: Callable[[bytes], bytes]
) -> None:
    plain = read(quirks(tmp_path / "plain"), KEY)
    other = read(quirks(tmp_path / "other", transform(QUIRKS.read_bytes())), KEY)
    assert other.tables[0].rows.equals(plain.tables[0].rows)
    assert other.row_issues.equals(plain.row_issues)


def test_batches_split_anywhere_give_the_same_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole = read(quirks(tmp_path / "whole"), KEY)
    for size in (1, 2, 3):  # batch edges fall on blank, broken and good lines
        monkeypatch.setattr(reader, "BATCH_LINES", size)
        split = read(quirks(tmp_path / f"by{size}"), KEY)
        assert split.tables[0].rows.equals(whole.tables[0].rows)
        assert split.row_issues.equals(whole.row_issues)


def test_many_lines_with_scattered_broken_ones(tmp_path: Path) -> None:
    broken = {2, 999, 1000, 25_001, 40_000}  # crosses the 20,000-line batches
    records = [
        '{"numar_dosar": "1/99/2021", "inculpat": {'
        if n in broken
        else json.dumps(decision(numar_dosar=f"{n}/99/2021"))
        for n in range(1, 40_001)
    ]
    delivery = read(landing_file(tmp_path, "instante", NAME, jsonl(*records)), KEY)
    assert delivery.row_issues["source_row"].to_list() == sorted(broken)
    rows = delivery.tables[0].rows
    assert rows.height == 40_000 - len(broken)
    numbered = pl.col("numar_dosar") == pl.format("{}/99/2021", "source_row")
    assert rows.select(numbered.all()).item()  # each row kept its own line number


# --------------------------------------------------------------------- keys and values


def test_keys_in_any_order_unknown_keys_ignored_zero_kept(tmp_path: Path) -> None:
    reordered = dict(reversed(list(decision(camp_nou={"x": [1, 2]}, alt_camp="y").items())))
    person = decision()["inculpat"]
    assert isinstance(person, dict)
    reordered["inculpat"] = dict(reversed(list(person.items())))
    frames, quarantine, delivery = unified(
        landing_file(tmp_path, "instante", NAME, jsonl(decision(), reordered))
    )
    rows = delivery.tables[0].rows
    assert rows.drop("source_row").row(0) == rows.drop("source_row").row(1)
    assert quarantine.select("source_row", "rule").rows() == [(2, "duplicate_row")]
    row = frames["court_decision"].row(0, named=True)
    assert (row["damages_lei"], row["confiscation_lei"]) == (0.0, None)
    assert row["offence_articles"] == [211]


@pytest.mark.parametrize(
    ("changes", "column", "text"),
    [
        ({"numar_victime": 2.0}, "numar_victime", "2"),
        ({"numar_victime": 2e1}, "numar_victime", "20"),
        ({"numar_victime": "7"}, "numar_victime", "7"),
        ({"despagubiri_lei": 99.90}, "despagubiri_lei", "99.9"),
        ({"despagubiri_lei": 12345678901234567890}, "despagubiri_lei", "12345678901234567890"),
        ({"definitiva": True}, "definitiva", "true"),
        ({"instanta": "  Tribunalul Dolj \t"}, "instanta", "Tribunalul Dolj"),
        ({"instanta": "   "}, "instanta", None),
        # Raw U+2028 / NEL inside a JSON string are text, not line ends.
        ({"instanta": "Tribunalul\u2028Dolj\x85"}, "instanta", "Tribunalul\u2028Dolj"),
        ({"dosar_parchet": None}, "dosar_parchet", None),
        ({"pedeapsa": None}, "pedeapsa_tip", None),
        ({"pedeapsa": {}}, "pedeapsa_durata_luni", None),
        ({"inculpat": {"sex": "F"}}, "inculpat_sex", "F"),
    ],
)
def test_values_arrive_as_plain_text(
    tmp_path: Path, changes: dict[str, object], column: str, text: str | None
) -> None:
    file = landing_file(tmp_path, "instante", NAME, jsonl(decision(**changes)))
    assert read(file, KEY).tables[0].rows[column].to_list() == [text]


def test_value_of_wrong_shape_and_null_line_are_row_issues(tmp_path: Path) -> None:
    content = jsonl(
        decision(inculpat="NISTOR Marius"),
        decision(infractiune=["art. 210 C.pen.", "art. 211 C.pen."]),
        "null",
        '{"numar_victime": NaN}',
        decision(),
    )
    delivery = read(landing_file(tmp_path, "instante", NAME, content), KEY)
    assert delivery.row_issues.select("source_row", "column_name", "rule").rows() == [
        (1, "inculpat", "invalid_structure"),
        (2, "infractiune", "invalid_structure"),
        (3, None, "invalid_json"),
        (4, None, "invalid_json"),
    ]
    assert delivery.tables[0].rows["source_row"].to_list() == [5]
    assert "NISTOR" not in strings(delivery) and CNP not in strings(delivery)


# ------------------------------------------------------------------------- bad values


@pytest.mark.parametrize(
    ("changes", "column", "rule"),
    [
        ({"solutie": "amanare"}, "solutie", "codelist_court_decision"),
        ({"data_solutie": "2017-02-30"}, "data_solutie", "date"),
        ({"despagubiri_lei": -5}, "despagubiri_lei", "amount"),
        ({"pedeapsa": {"tip": "inchisoare", "suspendare": False}}, None, "prison_has_length"),
    ],
)
def test_bad_value_quarantined_others_kept(
    tmp_path: Path, changes: dict[str, object], column: str | None, rule: str
) -> None:
    content = jsonl(decision(), decision(numar_dosar="311/99/2021", **changes))
    frames, quarantine, delivery = unified(landing_file(tmp_path, "instante", NAME, content))
    assert quarantine.select("source_row", "column_name", "rule").rows() == [(2, column, rule)]
    assert frames["court_decision"]["source_row"].to_list() == [1]
    assert delivery.rows_read() == 2 == frames["court_decision"].height + 1


# ------------------------------------------------------------------- files not readable


def test_broken_line_with_line_end_is_one_bad_row(tmp_path: Path) -> None:
    content = jsonl(decision(), '{"numar_dosar": "311/99/2021", "inculpat": {"cnp": "' + CNP)
    delivery = read(landing_file(tmp_path, "instante", NAME, content), KEY)
    assert delivery.tables[0].rows["source_row"].to_list() == [1]
    assert delivery.row_issues.select("source_row", "rule").rows() == [(2, "invalid_json")]
    assert CNP not in delivery.row_issues["reason"][0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (b"  \n\n\r\n \t \n", "empty file"),
        (jsonl(decision(), decision())[:-40], "truncated: the last line (2) stops mid-object"),
        (
            jsonl(decision(instanta="Tribunalul Iași"))[:-1].split("ș".encode())[0] + b"\xc8",
            "truncated: the last line (1) stops inside a character",
        ),
        (
            jsonl(decision(), decision(instanta="Tribunalul Iaşi")).decode().encode("iso-8859-2"),
            "not valid UTF-8 text (line 2",
        ),
        (b"\xff\xfe" + "{}\n".encode("utf-16-le"), "not valid UTF-8 text (line 1"),
    ],
    ids=[
        "zero-bytes",
        "blank-lines",
        "cut-mid-object",
        "cut-inside-character",
        "latin-2",
        "utf-16",
    ],
)
def test_unreadable_files_rejected_with_one_line_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    with pytest.raises(UnreadableFileError) as error:
        read(landing_file(tmp_path, "instante", NAME, content), KEY)
    message = str(error.value)
    assert message.startswith(reason), message
    assert "\n" not in message and CNP not in message and "NISTOR" not in message
