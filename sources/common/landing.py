"""The landing zone: which files arrived, for which agency and period.

Each agency drops `<agency>_<period>_<extractdate>.<ext>` into its own folder.
Anything else is reported as a rejected file with a one-line reason and left
in place; it never stops the other files.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from schemas.vocabulary import AGENCIES

EXTENSIONS = {
    "politie": "csv",
    "diicot": "xlsx",
    "instante": "jsonl",
    "anitp": "csv",
    "ong": "xlsx",
}
_NAME = re.compile(
    r"^(?P<agency>[a-z]+)_(?P<period>\d{4}(?:-(?:0[1-9]|1[0-2]))?)_(?P<extract>\d{8})\.(?P<ext>[a-z]+)$"
)


@dataclass(frozen=True)
class LandingFile:
    """One delivered file that passed the name checks."""

    agency: str
    path: Path
    period: str
    extract_date: date
    sha256: str
    size_bytes: int

    @property
    def file_name(self) -> str:
        return self.path.name


@dataclass(frozen=True)
class RejectedFile:
    """A file that cannot be read at all, with the reason a steward reads."""

    agency: str
    path: Path
    reason: str
    sha256: str | None = None

    @property
    def file_name(self) -> str:
        return self.path.name


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def classify(agency: str, path: Path) -> LandingFile | RejectedFile:
    """Check a file's name against the SPEC pattern for the folder it sits in."""
    match = _NAME.match(path.name)
    if match is None:
        return RejectedFile(
            agency, path, "file name does not match <agency>_<YYYY|YYYY-MM>_<YYYYMMDD>.<ext>"
        )
    if match["agency"] != agency:
        return RejectedFile(agency, path, f"file for '{match['agency']}' in the {agency}/ folder")
    if match["ext"] != EXTENSIONS[agency]:
        return RejectedFile(agency, path, f"{agency} delivers .{EXTENSIONS[agency]} files")
    try:
        extract_date = datetime.strptime(match["extract"], "%Y%m%d").date()
    except ValueError:
        return RejectedFile(agency, path, f"extract date {match['extract']} is not a date")
    return LandingFile(
        agency=agency,
        path=path,
        period=match["period"],
        extract_date=extract_date,
        sha256=sha256_of(path),
        size_bytes=path.stat().st_size,
    )


def not_a_file(path: Path) -> str | None:
    """Why an entry of an agency folder is no file to read, or None for a regular file."""
    if path.is_symlink() and not path.exists():
        return "a link to nothing (dangling symbolic link), not a file"
    if path.is_dir():
        return "a directory, not a file"
    if not path.is_file():
        return "not a regular file"
    return None


def content_id(path: Path) -> str | None:
    """The SHA-256 of a regular file; None for what is not one (a directory, a dangling link)."""
    return sha256_of(path) if not_a_file(path) is None else None


def discover(landing: Path, agency: str) -> list[LandingFile | RejectedFile]:
    """Everything in `<landing>/<agency>/` but hidden entries, sorted by name. A directory or
    a dangling link is reported (rejected with its reason), never skipped without a word."""
    folder = landing / agency
    if not folder.is_dir():
        return []
    entries = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    return [
        RejectedFile(agency, path, reason)
        if (reason := not_a_file(path))
        else classify(agency, path)
        for path in entries
    ]


def unknown_folders(landing: Path) -> list[RejectedFile]:
    """Folders (and loose files) in the landing zone that belong to no agency."""
    if not landing.is_dir():
        return []
    return [
        RejectedFile(
            "unknown", entry, f"'{entry.name}' is not an agency folder ({', '.join(AGENCIES)})"
        )
        for entry in sorted(landing.iterdir())
        if not entry.name.startswith(".") and entry.name not in AGENCIES
    ]
