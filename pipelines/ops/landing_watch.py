"""What the landing sensor sees: files that are new, or whose content changed.

The sensor's cursor remembers (size, mtime, SHA-256) per file, so a file is hashed only when
it changes; the run key is the content hash, so the same bytes are never processed twice.
A file modified within the last `settle_seconds` may still be being copied in: it is taken
at the next tick if its size and mtime have not changed since, so a steward waits one
sensor interval, not a fixed delay. A file that already ends as a whole extract ends (a text
extract with its last line end, a workbook with its zip directory) and has not changed for
`QUIET_SECONDS` is taken at first sight: a copy cut short ends neither way. One that ends
whole but changed less than `QUIET_SECONDS` ago is looked at again within the same tick,
once that much time has passed, and taken if it has not changed: a file landing just
before a tick is not left for the next one, a whole sensor interval later.
"""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
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


def _wait_seconds(path: Path, mtime_ns: int, now_ns: int, settle_seconds: float) -> float | None:
    """How long to wait before taking a file seen changing (or for the first time): 0 to
    take it now, up to `QUIET_SECONDS` for a whole file changed moments ago, None to look
    again at the next tick."""
    quiet = (now_ns - mtime_ns) / 1e9
    if quiet >= settle_seconds:
        return 0.0
    wait = QUIET_SECONDS - quiet
    if wait > QUIET_SECONDS or not _ends_whole(path):  # a future mtime: a clock apart
        return None
    return max(wait, 0.0)


@dataclass(frozen=True)
class Clock:
    """The time a scan reads and how it waits (a test's clock need not sleep)."""

    now_ns: Callable[[], int] = time.time_ns
    sleep: Callable[[float], None] = time.sleep


@dataclass
class _Scan:
    published: Collection[str]
    seen: Cursor
    arrivals: list[Arrival] = field(default_factory=list)

    def take(self, agency: str, path: Path, state: tuple[int, int], before: object) -> None:
        try:
            sha = _sha256(path)
        except FileNotFoundError:  # moved away since it was listed: nothing arrived
            return
        if before != sha and sha not in self.published:
            self.arrivals.append(Arrival(agency, path, sha))
        self.seen[f"{agency}/{path.name}"] = [*state, sha]


def _state(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns), as the cursor keeps them; None for a file moved away meanwhile."""
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_size, stat.st_mtime_ns


def scan(
    landing: Path,
    agencies: Iterable[str],
    cursor: Cursor,
    settle_seconds: float = 10.0,
    published: Collection[str] = (),
    clock: Clock = Clock(),
) -> tuple[list[Arrival], Cursor]:
    """New or changed files per agency folder, and the cursor that remembers them.

    `published` holds the content hashes the published database already has (read by any
    run, also one started from the command line): those are not arrivals.
    """
    found = _Scan(published, dict(cursor))
    now_ns = clock.now_ns()
    young: list[tuple[str, Path, tuple[int, int], object]] = []  # whole, changed moments ago
    longest = 0.0
    for agency in agencies:
        folder = landing / agency
        entries = sorted(folder.iterdir()) if folder.is_dir() else []
        for path in entries:
            if path.name.startswith(".") or not path.is_file():
                continue
            state = _state(path)
            if state is None:
                continue
            key = f"{agency}/{path.name}"
            entry = found.seen.get(key, [])
            before = entry[2] if len(entry) > 2 else None
            steady = entry[:2] == list(state)  # unchanged since the last tick saw it
            if steady and entry[-1] != WAITING:
                continue  # taken already
            wait = 0.0 if steady else _wait_seconds(path, state[1], now_ns, settle_seconds)
            if wait == 0.0:
                found.take(agency, path, state, before)
                continue
            found.seen[key] = [*state, before, WAITING]
            if wait is not None:
                young.append((agency, path, state, before))
                longest = max(longest, wait)
    if young:
        clock.sleep(longest)
        for agency, path, state, before in young:
            if _state(path) == state and _ends_whole(path):
                found.take(agency, path, state, before)
    return found.arrivals, found.seen
