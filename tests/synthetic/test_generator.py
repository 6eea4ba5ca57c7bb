"""The synthetic world: deterministic, in the SPEC formats, with truth that matches its files."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from synthetic import generate_world, parse_years
from tests.cnp import make_cnp

NAME = re.compile(r"^(politie|diicot|instante|anitp|ong)_\d{4}(-\d{2})?_\d{8}\.(csv|xlsx|jsonl)$")


def digests(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("world")
    generate_world(root / "landing", root / "truth", range(2018, 2021), 30, seed=5)
    return root


def test_same_seed_same_bytes_other_seed_other_bytes(world: Path, tmp_path: Path) -> None:
    generate_world(tmp_path / "again", tmp_path / "again_truth", range(2018, 2021), 30, seed=5)
    generate_world(tmp_path / "other", tmp_path / "other_truth", range(2018, 2021), 30, seed=6)
    assert digests(tmp_path / "again") == digests(world / "landing")
    assert digests(tmp_path / "other") != digests(world / "landing")


def test_file_names_and_folders_follow_the_spec(world: Path) -> None:
    files = [p for p in (world / "landing").rglob("*") if p.is_file()]
    assert {p.parent.name for p in files} == {"politie", "diicot", "instante", "anitp", "ong"}
    for path in files:
        assert NAME.match(path.name), path.name
        assert path.name.startswith(path.parent.name + "_")


def test_encodings_separators_and_line_ends(world: Path) -> None:
    police = next((world / "landing" / "politie").glob("*.csv")).read_bytes()
    assert b"\r\n" in police and police.decode("cp1250").startswith("NR_UNIC_DOSAR;")
    anitp = next((world / "landing" / "anitp").glob("*.csv")).read_bytes()
    assert anitp.startswith(b"\xef\xbb\xbf") and b"\r\n" not in anitp
    line = next((world / "landing" / "instante").glob("*.jsonl")).read_text("utf-8").splitlines()[0]
    assert "null" not in line and isinstance(json.loads(line)["inculpat"], dict)
    book = openpyxl.load_workbook(
        next((world / "landing" / "diicot").glob("*.xlsx")), read_only=True
    )
    rows = list(book["Dosare"].iter_rows(values_only=True, max_row=4))
    assert rows[1][0].startswith("Perioada:") and rows[3][0] == "Nr. dosar"


def test_every_cnp_is_valid_unless_spoiled_on_purpose(world: Path) -> None:
    errors = {
        (r["file"], int(r["row"]))
        for r in csv.DictReader((world / "truth" / "injected_errors.csv").open())
        if r["kind"] == "invalid_check_digit"
    }
    for path in (world / "landing" / "politie").glob("*.csv"):
        with path.open(encoding="cp1250", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle, delimiter=";"), start=2):
                if row["CNP"]:
                    check_digit_ok = make_cnp(row["CNP"][:12]) == row["CNP"]
                    assert check_digit_ok != ((path.name, line) in errors)


def test_truth_matches_the_register(world: Path) -> None:
    records = pl.read_csv(world / "truth" / "agency_records.csv")
    victims = pl.read_csv(world / "truth" / "victim_identifications.csv")
    anitp_file = world / "landing" / "anitp" / "anitp_2018_20190601.csv"
    rows = list(csv.DictReader(anitp_file.open(encoding="utf-8-sig")))
    listed = records.filter(pl.col("file") == anitp_file.name).sort("row")
    assert listed.height == len(rows)
    assert set(listed["person_id"]) <= set(victims["person_id"])
    assert victims.filter(pl.col("year") == 2018).height == len(
        rows
    )  # the revision lists all of 2018


def test_parse_years() -> None:
    assert parse_years("2012-2024") == range(2012, 2025)
    assert parse_years("2020") == range(2020, 2021)
    with pytest.raises(ValueError, match="comes before"):
        parse_years("2024-2012")
