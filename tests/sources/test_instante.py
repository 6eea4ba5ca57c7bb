"""Court decisions: JSON Lines, nested objects, absent keys, repeated identical lines."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from schemas import instante as schema
from schemas.unified import UNIFIED_MODELS
from schemas.validation import validate_delivery
from sources.common.delivery import UnreadableFileError
from sources.common.landing import LandingFile, classify
from sources.instante.reader import read
from tests.conftest import EXAMPLES
from tests.sources.helpers import all_text, landing_file, make_cnp

NAME = "instante_2021_20220115.jsonl"
CNP = make_cnp("182030412003")


def decision(**changes: object) -> dict[str, object]:
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
    return record


def lines(*records: dict[str, object] | str) -> bytes:
    text = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    return ("\n".join(text) + "\n").encode("utf-8")


def test_examples_repeated_line_and_absent_keys(key: bytes) -> None:
    file = classify("instante", EXAMPLES / "instante" / "instante_2017_20180115.jsonl")
    assert isinstance(file, LandingFile)
    validated = validate_delivery(read(file, key), schema.MODELS)
    assert validated.quarantine.select("source_row", "rule").rows() == [(3, "duplicate_row")]
    frames = schema.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    for name, frame in frames.items():
        UNIFIED_MODELS[name].validate(frame)
    decisions = frames["court_decision"].sort("source_row")
    assert decisions["confiscation_lei"].to_list() == [410000.0, None]  # absent = unknown, not 0
    assert decisions["is_suspended"].to_list() == [False, True]
    appeal_file = classify("instante", EXAMPLES / "instante" / "instante_2018_20190114.jsonl")
    appeal = schema.to_unified(appeal_file, {"decisions": read(appeal_file, key).tables[0].rows})  # type: ignore[arg-type]
    row = appeal["court_decision"].row(0, named=True)
    assert (row["court_level"], row["is_final"], row["sentence_months"]) == ("appeal", True, 72)


def test_keys_in_any_order_zero_kept_extra_ignored(tmp_path: Path, key: bytes) -> None:
    reordered = dict(reversed(list(decision(camp_nou="x").items())))
    file = landing_file(tmp_path, "instante", NAME, lines(reordered))
    validated = validate_delivery(read(file, key), schema.MODELS)
    assert validated.quarantine.height == 0
    frames = schema.to_unified(file, {k: t.accepted for k, t in validated.tables.items()})
    row = frames["court_decision"].row(0, named=True)
    assert row["damages_lei"] == 0.0 and row["confiscation_lei"] is None
    assert row["offence_articles"] == [211] and row["court_level"] == "first_instance"
    assert "camp_nou" not in read(file, key).tables[0].rows.columns


def test_broken_line_quarantined_others_kept(tmp_path: Path, key: bytes) -> None:
    file = landing_file(
        tmp_path,
        "instante",
        NAME,
        lines(decision(), '{"numar_dosar": ', decision(numar_dosar="311/99/2021")),
    )
    delivery = read(file, key)
    assert delivery.tables[0].rows["source_row"].to_list() == [1, 3]
    assert delivery.row_issues.select("source_row", "rule").rows() == [(2, "invalid_json")]
    assert '{"numar_dosar"' not in delivery.row_issues["reason"][0]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty file"),
        (lines(decision())[:-25], "truncated"),
        (
            json.dumps(decision(), ensure_ascii=False)
            .replace("Tribunalul", "Tribunalul Ş")
            .encode("iso-8859-2"),
            "UTF-8",
        ),
    ],
)
def test_unreadable_files(tmp_path: Path, key: bytes, content: bytes, reason: str) -> None:
    with pytest.raises(UnreadableFileError) as error:
        read(landing_file(tmp_path, "instante", NAME, content), key)
    assert reason in str(error.value) and "\n" not in str(error.value)


def test_bad_values_quarantined(tmp_path: Path, key: bytes) -> None:
    file = landing_file(
        tmp_path,
        "instante",
        NAME,
        lines(
            decision(),
            decision(numar_dosar="312/99/2021", solutie="amanare"),
            decision(numar_dosar="313/99/2021", data_solutie="2021-02-30"),
            decision(numar_dosar="314/99/2021", despagubiri_lei=-5),
            decision(numar_dosar="315/99/2021", pedeapsa={"tip": "inchisoare"}),
        ),
    )
    validated = validate_delivery(read(file, key), schema.MODELS)
    found = sorted(validated.quarantine.select("source_row", "column_name", "rule").rows(), key=str)
    assert found == sorted(
        [
            (2, "solutie", "codelist_court_decision"),
            (3, "data_solutie", "date"),
            (4, "despagubiri_lei", "amount"),
            (5, None, "prison_has_length"),
        ],
        key=str,
    )
    assert validated.rows_accepted() + validated.rows_quarantined() == 5


def test_no_raw_identifier_leaves_the_reader(tmp_path: Path, key: bytes) -> None:
    text = all_text(read(landing_file(tmp_path, "instante", NAME, lines(decision())), key).tables)
    assert CNP not in text and "NISTOR" not in text and "Marius" not in text
