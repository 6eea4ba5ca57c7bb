"""Small builders for quirk fixtures; every person in them is synthetic."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sources.common.delivery import DeliveredTable
from sources.common.landing import LandingFile, classify

# The police register's header as the SPEC gives it (written here, not read from the code).
POLITIE_COLUMNS = [
    "NR_UNIC_DOSAR",
    "UNITATE",
    "DATA_SESIZARE",
    "MOD_SESIZARE",
    "INCADRARE",
    "CALITATE",
    "CNP",
    "NUME",
    "PRENUME",
    "SEX",
    "DATA_NASTERII",
    "CETATENIE",
    "JUDET_DOMICILIU",
    "FORMA_EXPLOATARE",
    "TARA_EXPLOATARE",
    "DOSAR_PARCHET",
    "STADIU",
]


def landing_file(tmp_path: Path, agency: str, name: str, content: bytes) -> LandingFile:
    folder = tmp_path / agency
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    file = classify(agency, folder / name)
    assert isinstance(file, LandingFile), file
    return file


def all_text(tables: Sequence[DeliveredTable]) -> str:
    """Every string value of every delivered table, joined, for leak checks."""
    parts: list[str] = []
    for table in tables:
        for column in table.rows.columns:
            parts += [str(v) for v in table.rows[column].to_list() if v is not None]
    return "\n".join(parts)
