"""The published database: what analysts and `tipstats tables` read.

The pipeline writes a private working warehouse that nobody else opens. After every
blocking check has passed, it is copied to a new file beside the published one, stamped,
and renamed into place in one `os.replace`: a reader holding the old file keeps reading
the old publication until it reconnects, and never sees half of a new one. A failed run
publishes nothing, so the previous publication stays.

Every publication is also kept, under the same inode, as `history/tipstats-<UTC time>.duckdb`
(a published file is never written again), so `tipstats tables --as-of DATE` reproduces
what was published on that date.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path

import duckdb

from pipelines.ingest import warehouse as wh

PUBLISHED_NAME = "tipstats.duckdb"
HISTORY = "history"
_STAMP = "%Y%m%dT%H%M%SZ"
_HISTORY_FILE = re.compile(r"^tipstats-(\d{8}T\d{6}Z)\.duckdb$")


class NoPublicationError(RuntimeError):
    """Nothing has been published (yet, or as of the date asked for)."""


@dataclass(frozen=True)
class Publication:
    path: Path
    built_at: datetime
    changed: bool = True


def state_of(warehouse: Path, code: list[Path]) -> str:
    """What a publication is made of: the files loaded and the code that built the marts.

    Equal states give equal publications, so a run with nothing new publishes nothing new
    (and the history keeps one copy per real change).
    """
    digest = hashlib.sha256()
    with wh.connect(warehouse, read_only=True) as con:
        files = con.execute(
            "SELECT source_file, file_id, status FROM ops.file_manifest ORDER BY ALL"
        ).fetchall()
        # Who is who changes with a reviewer's decision or a new threshold, without a new file.
        # Each link's digest, combined in any order: one string of every link took the
        # process to 5.8 GiB at 10 M records.
        persons = (
            con.execute(
                "SELECT count(*), bit_xor(md5_number(record_id || '=' || person_id)) "
                "FROM unified.person_link"
            ).fetchall()
            if wh.has_table(con, "unified", "person_link")
            else []
        )
    digest.update(repr(files).encode() + repr(persons).encode())
    for path in sorted(code):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def published_state(published_dir: Path) -> str | None:
    """The state the current publication was made from (None: nothing published yet)."""
    return _current_state(published_dir)


def _current_state(published_dir: Path) -> str | None:
    current = published_path(published_dir)
    if not current.exists():
        return None
    with duckdb.connect(str(current), read_only=True) as con:
        columns = con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'ops' AND table_name = 'publication'"
        ).fetchall()
        if ("state",) not in columns:  # published by a release that kept no state: republish
            return None
        found = con.execute("SELECT max(state) FROM ops.publication").fetchall()
    state: str | None = found[0][0]
    return state


def published_path(published_dir: Path) -> Path:
    return published_dir / PUBLISHED_NAME


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stamp(copy: Path, run_id: str, built_at: datetime, state: str) -> None:
    with duckdb.connect(str(copy)) as con:
        con.execute("CREATE SCHEMA IF NOT EXISTS ops")
        con.execute(
            "CREATE OR REPLACE TABLE ops.publication "
            "(built_at TIMESTAMPTZ, run_id VARCHAR, state VARCHAR)"
        )
        con.execute("INSERT INTO ops.publication VALUES (?, ?, ?)", [built_at, run_id, state])
        con.execute("CHECKPOINT")


def _remove_scratch(published_dir: Path) -> None:
    """Scratch copies left by runs killed while publishing (SIGKILL skips `finally`).

    Only the writer lock's holder publishes, so no other run is writing one now.
    """
    for stale in published_dir.glob(f".{PUBLISHED_NAME}.*.tmp"):
        stale.unlink(missing_ok=True)


def publish(
    warehouse: Path,
    published_dir: Path,
    run_id: str,
    state: str,
    audit: Callable[[Path], None] | None = None,
) -> Publication:
    """Copy the working warehouse (its writer lock held by the caller) into place atomically.

    `audit` is called on the stamped copy before it replaces anything; if it raises (the
    disclosure audit blocks a release), nothing is published. When `state` equals the current
    publication's, it stays as it is.
    """
    if state == _current_state(published_dir):
        current = published_path(published_dir)
        return Publication(current, built_time(current), changed=False)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("CHECKPOINT")
    built_at = datetime.now(UTC).replace(microsecond=0)
    history = published_dir / HISTORY
    history.mkdir(parents=True, exist_ok=True)
    _remove_scratch(published_dir)
    scratch = published_dir / f".{PUBLISHED_NAME}.{run_id}.tmp"
    try:
        shutil.copyfile(warehouse, scratch)
        _stamp(scratch, run_id, built_at, state)
        if audit:
            audit(scratch)
        _fsync(scratch)
        archived = history / f"tipstats-{built_at.strftime(_STAMP)}.duckdb"
        archived.unlink(missing_ok=True)
        os.link(scratch, archived)
        scratch.replace(published_path(published_dir))
        _fsync(published_dir)
    finally:
        scratch.unlink(missing_ok=True)
    return Publication(published_path(published_dir), built_at)


def history(published_dir: Path) -> list[Publication]:
    """Every publication kept, oldest first."""
    found = []
    folder = published_dir / HISTORY
    for path in folder.glob("tipstats-*.duckdb") if folder.is_dir() else []:
        match = _HISTORY_FILE.match(path.name)
        if match:
            built = datetime.strptime(match[1], _STAMP).replace(tzinfo=UTC)
            found.append(Publication(path, built))
    return sorted(found, key=lambda p: p.built_at)


def as_of(published_dir: Path, moment: date | datetime | None) -> Publication:
    """The current publication, or the last one built by `moment` (UTC; a date: its end)."""
    if moment is None:
        current = published_path(published_dir)
        if not current.exists():
            raise NoPublicationError(
                f"nothing is published in {published_dir} yet; run `tipstats run` first"
            )
        return Publication(current, built_time(current))
    if isinstance(moment, datetime):
        until = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    else:
        until = datetime.combine(moment, time.max, tzinfo=UTC)
    earlier = [p for p in history(published_dir) if p.built_at <= until]
    if not earlier:
        raise NoPublicationError(f"nothing was published on or before {moment.isoformat()}")
    return earlier[-1]


def built_time(database: Path) -> datetime:
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute("SELECT max(built_at) FROM ops.publication").fetchall()
    built: datetime = row[0][0]
    return built


def identity(database: Path) -> str:
    """What tells one publication from every other: when, by which run, from what state."""
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute("SELECT built_at, run_id, state FROM ops.publication").fetchall()
    return repr(sorted(rows))


def years(database: Path) -> tuple[int, int] | None:
    """The first and last year of the national victim count in a database, if any."""
    with duckdb.connect(str(database), read_only=True) as con:
        row = con.execute("SELECT min(year), max(year) FROM marts.rpt_victims_by_year").fetchall()
    first, last = row[0]
    return (int(first), int(last)) if first is not None else None


def published_file_ids(published_dir: Path) -> set[str]:
    """Content hashes of every file the current publication has registered."""
    current = published_path(published_dir)
    if not current.exists():
        return set()
    with duckdb.connect(str(current), read_only=True) as con:
        rows = con.execute("SELECT DISTINCT file_id FROM ops.file_manifest").fetchall()
    return {file_id for (file_id,) in rows if file_id}
