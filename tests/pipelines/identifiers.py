"""Collect the raw identifiers (CNPs, names) of input files, independently of the readers."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import openpyxl

CNP_COLUMNS = {"CNP", "cnp"}
NAME_COLUMNS = {"NUME", "PRENUME", "Nume și prenume", "Nume", "Prenume", "nume", "Cod beneficiar"}


def _from_rows(header: list[str], rows: list[list[object]]) -> set[str]:
    found: set[str] = set()
    for row in rows:
        for column, value in zip(header, row, strict=False):
            if column in CNP_COLUMNS | NAME_COLUMNS and value not in (None, ""):
                found.add(str(value).strip())
    return found


def _csv(path: Path, encoding: str, separator: str) -> set[str]:
    with path.open(encoding=encoding, newline="") as handle:
        rows = list(csv.reader(handle, delimiter=separator))
    return _from_rows(rows[0], rows[1:]) if rows else set()


def _xlsx(path: Path) -> set[str]:
    found: set[str] = set()
    workbook = openpyxl.load_workbook(path, read_only=True)
    for sheet in workbook.worksheets:
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        header_at = next(
            (i for i, r in enumerate(rows) if any(str(c) in CNP_COLUMNS for c in r)), None
        )
        if header_at is not None:
            found |= _from_rows([str(c) for c in rows[header_at]], rows[header_at + 1 :])
    workbook.close()
    return found


def _jsonl(path: Path) -> set[str]:
    found: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            person = json.loads(line).get("inculpat", {})
        except json.JSONDecodeError:  # a broken line carries nothing a reader could keep
            continue
        found |= {str(person[k]) for k in ("cnp", "nume") if person.get(k)}
    return found


def identifiers_in(landing: Path) -> set[str]:
    """Every CNP, name and beneficiary code in a landing zone (SPEC formats)."""
    readers = {
        "politie": lambda p: _csv(p, "cp1250", ";"),
        "anitp": lambda p: _csv(p, "utf-8-sig", ","),
        "diicot": _xlsx,
        "ong": _xlsx,
        "instante": _jsonl,
    }
    found: set[str] = set()
    for agency, read in readers.items():
        for path in sorted((landing / agency).glob(f"{agency}_*")):
            found |= read(path)
    return found


def name_patterns(identifiers: set[str]) -> list[re.Pattern[str]]:
    """Whole-word, case-insensitive patterns for every identifier and every name token."""
    tokens = set(identifiers)
    for value in identifiers:
        if not any(ch.isdigit() for ch in value):  # names split into words; codes stay whole
            tokens |= {t for t in re.split(r"[\s\-]+", value) if len(t) >= 3}
    return [re.compile(rf"(?<!\w){re.escape(t)}(?!\w)", re.IGNORECASE) for t in sorted(tokens)]


def reference_values(seeds: Path) -> set[str]:
    """Every value of the shipped reference seeds (place names such as Sfântu Gheorghe)."""
    values: set[str] = set()
    for path in seeds.rglob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.reader(handle):
                values |= set(row)
    return values
