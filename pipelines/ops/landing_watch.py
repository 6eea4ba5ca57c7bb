"""What the landing sensor sees: files that are new, or whose content changed.

The sensor's cursor remembers (size, mtime, SHA-256) per file, so a file is hashed only when
it changes; the run key is the content hash, so the same bytes are never processed twice.
A file modified within the last `settle_seconds` may still be being copied in: it is taken
at the next tick if its size and mtime have not changed since, so a steward waits one
sensor interval, not a fixed delay. A file that already ends as a whole extract ends (a text
extract with its last line end, a workbook with its zip directory) and has not changed for
`QUIET_SECONDS` is taken at first sight: a copy cut short ends neither way.
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from pathlib import Path

# "<agency>/<file>" -> [size, mtime_ns, sha256]; a file seen changing and not yet taken
# carries the hash of the content before it and WAITING.
Cursor = dict[str, list[object]]
WAITING = "waiting"
QUIET_SECONDS = 2.0
# How a whole file of each format the agencies deliver (`landing.EXTENSIONS`) ends.
TEXT_FORMATS = frozenset({"csv", "jsonl"})  # with a line end
WORKBOOK_FORMATS = frozenset({"xlsx"})  # with its zip directory


@dataclass(frozen=True)
class Arrival:
    agency: str
    path: Path
    sha256: str


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _ends_whole(path: Path) -> bool:
    """Whether the file ends as a finished extract of its format (other formats: never)."""
    file_format = path.suffix.removeprefix(".")
    try:
        if file_format in TEXT_FORMATS:
            with path.open("rb") as handle:
                if handle.seek(0, os.SEEK_END) == 0:
                    return False
                handle.seek(-1, os.SEEK_END)
                return handle.read(1) == b"\n"
        if file_format in WORKBOOK_FORMATS:
            with zipfile.ZipFile(path):  # reads the central directory, which a zip writes last
                return True
    except (zipfile.BadZipFile, OSError):  # half a zip, or a file moved away meanwhile
        return False
    return False


def _settled(path: Path, mtime_ns: int, now_ns: int, settle_seconds: float) -> bool:
    """Whether a file seen changing (or for the first time) can be taken now."""
    quiet = now_ns - mtime_ns
    if quiet >= settle_seconds * 1e9:
        return True
    return quiet >= QUIET_SECONDS * 1e9 and _ends_whole(path)


def scan(
    landing: Path,
    agencies: Iterable[str],
    cursor: Cursor,
    settle_seconds: float = 10.0,
    published: Collection[str] = (),
) -> tuple[list[Arrival], Cursor]:
    """New or changed files per agency folder, and the cursor that remembers them.

    `published` holds the content hashes the published database already has (read by any
    run, also one started from the command line): those are not arrivals.
    """
    arrivals, seen = [], dict(cursor)
    now_ns = time.time_ns()
    for agency in agencies:
        folder = landing / agency
        entries = sorted(folder.iterdir()) if folder.is_dir() else []
        for path in entries:
            if path.name.startswith(".") or not path.is_file():
                continue
            stat = path.stat()
            key = f"{agency}/{path.name}"
            entry = seen.get(key, [])
            state: list[object] = [stat.st_size, stat.st_mtime_ns]
            before = entry[2] if len(entry) > 2 else None
            steady = entry[:2] == state  # unchanged since the last tick saw it
            if steady and entry[-1] != WAITING:
                continue  # taken already
            if not steady and not _settled(path, stat.st_mtime_ns, now_ns, settle_seconds):
                seen[key] = [*state, before, WAITING]
                continue
            sha = _sha256(path)
            if before != sha and sha not in published:
                arrivals.append(Arrival(agency, path, sha))
            seen[key] = [*state, sha]
    return arrivals, seen
