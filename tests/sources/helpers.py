"""Small builders for quirk fixtures; every person in them is synthetic."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sources.common.delivery import DeliveredTable
from sources.common.landing import LandingFile, classify


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
