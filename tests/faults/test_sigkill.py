"""SIGKILL of `tipstats run` during ingest, the dbt build and publication (issue 7 item 9).

One chain on one working warehouse, so that each run is also the "next run" of the kill
before it:

1. a complete run on the sample without its 2024 files and a re-sent 2022 ANITP vintage
   publishes P1;
2. with those files back, a run is killed during ingest, the next during the dbt build,
   the next during publication; each must have got past the stage where the one before it
   was killed;
3. a last run completes, and equals a clean run from scratch on the same landing zone
   with the same key (running beside the chain): every marts table, and the manifest and
   unified row counts.

Only the `tipstats` process is killed, as `kill -9 <pid>` would: it runs in its own session
and its children are left to die by themselves. After each kill: the published database
is P1 byte for byte, every process that descended from the run is gone, and both the writer
lock and DuckDB's own lock on the working warehouse are free.

When to kill is decided by what the run has done, seen from outside without taking any
lock, never by a delay (the machine may be loaded):

- ingest: the Dagster event log (SQLite, read-only) records the start of `validated_anitp`,
  the first validation step (every `raw_*` step has committed its files by then);
- dbt: a descendant of the run running `dbt build` holds the working warehouse open;
- publication: the scratch copy `.tipstats.duckdb.<run id>.tmp` is in the published folder
  (it lives through the copy, the stamp and the disclosure audit, many seconds).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from pipelines.ops.lock import is_locked
from tests.checksums import table_checksums
from tests.conftest import TEST_KEY
from tests.pipelines.runner import TIPSTATS

pytestmark = pytest.mark.slow

SAMPLE = Path(__file__).parents[2] / "sample" / "landing"
# A new period for every agency, and a later extract that supersedes an earlier one.
HELD_BACK = ("*/*_2024_*", "anitp/anitp_2022_20230601.csv")
POLL_SECONDS = 0.02
DEADLINE_SECONDS = 900  # only ends a hung test; nothing is asserted about durations
SCRATCH_GLOB = ".tipstats.duckdb.*.tmp"
# Differs between two runs on the same files by design: when each file was loaded.

Trigger = Callable[["Run"], bool]


@dataclass(frozen=True)
class Place:
    """One working warehouse with its published folder and Dagster instance beside it."""

    root: Path

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def published(self) -> Path:
        return self.root / "published" / "tipstats.duckdb"

    @property
    def event_logs(self) -> Path:
        return self.root / "dagster_home" / "history" / "runs"


@dataclass
class Run:
    place: Place
    process: subprocess.Popen[bytes]
    log: Path
    event_logs_before: frozenset[Path]

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def event_log(self) -> Path | None:
        new = set(self.place.event_logs.glob("*-*.db")) - self.event_logs_before
        return next(iter(new), None)


@dataclass(frozen=True)
class Proc:
    pid: int
    start: str  # start time in clock ticks since boot: tells a reused pid apart
    cmdline: str


def start_run(landing: Path, place: Place, log: Path) -> Run:
    env = {
        **os.environ,
        "TIPSTATS_PSEUDONYM_KEY": TEST_KEY,
        "XDG_CONFIG_HOME": str(place.root / "config-home"),
        "PATH": f"{TIPSTATS.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    before = frozenset(place.event_logs.glob("*-*.db"))
    command = [str(TIPSTATS), "run", "--landing", str(landing), "--warehouse", str(place.warehouse)]
    with log.open("wb") as sink:
        process = subprocess.Popen(
            command, stdout=sink, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
    return Run(place, process, log, before)


def finish(run: Run) -> None:
    code = run.process.wait(timeout=DEADLINE_SECONDS)
    assert code == 0, run.output()


# --- the process table, from /proc ------------------------------------------------------


def _stat(pid: int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state first), None if gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return text.rsplit(")", 1)[1].split()


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except (FileNotFoundError, ProcessLookupError):
        return ""


def descendants(root: int) -> list[Proc]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        fields = _stat(int(entry.name)) if entry.name.isdigit() else None
        if fields:
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[Proc] = []
    pending = list(children.get(root, []))
    while pending:
        pid = pending.pop()
        fields = _stat(pid)
        if fields:
            found.append(Proc(pid, fields[19], _cmdline(pid)))
        pending += children.get(pid, [])
    return found


def alive(proc: Proc) -> bool:
    fields = _stat(proc.pid)
    return fields is not None and fields[19] == proc.start and fields[0] != "Z"


def holds_open(pid: int, path: Path) -> bool:
    try:
        links = [fd.readlink() for fd in Path(f"/proc/{pid}/fd").iterdir()]
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return False
    return path.resolve() in links


# --- when to kill -------------------------------------------------------------------------


def validation_started(run: Run) -> bool:
    log = run.event_log()
    if log is None:
        return False
    try:
        with sqlite3.connect(f"file:{log}?mode=ro", uri=True, timeout=0.1) as con:
            seen = con.execute(
                "SELECT 1 FROM event_logs WHERE dagster_event_type = 'STEP_START' "
                "AND step_key = 'validated_anitp'"
            ).fetchall()
    except sqlite3.OperationalError:  # not created yet, or busy: look again
        return False
    return bool(seen)


def dbt_building(run: Run) -> bool:
    """`dbt build` started and dbt holds the warehouse: dbt itself, or the run's warm dbt
    (pipelines/ops/warm_dbt.py) that `tipstats-dbt build` handed the command to."""
    family = descendants(run.process.pid)
    started = any("dbt" in p.cmdline and "build" in p.cmdline for p in family)
    return started and any(
        "dbt" in p.cmdline and holds_open(p.pid, run.place.warehouse) for p in family
    )


def publishing(run: Run) -> bool:
    return any(run.place.published.parent.glob(SCRATCH_GLOB))


def kill_when(run: Run, trigger: Trigger) -> list[Proc]:
    """SIGKILL the run's own process once `trigger` holds; its descendants at that moment."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while not trigger(run):
        assert run.process.poll() is None, f"the run ended before the kill\n{run.output()}"
        assert time.monotonic() < deadline, "the stage to kill in never came"
        time.sleep(POLL_SECONDS)
    family = descendants(run.process.pid)
    os.kill(run.process.pid, signal.SIGKILL)
    assert run.process.wait(timeout=60) == -signal.SIGKILL
    return family


# --- what must hold after a kill ------------------------------------------------------


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_no_survivors(family: list[Proc]) -> None:
    """Every descendant dies by itself (dbt by PR_SET_PDEATHSIG, Dagster's log tail by its
    watcher, which looks once a second); the wait only bounds a hung test."""
    deadline = time.monotonic() + 60
    while any(alive(p) for p in family) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert [p.cmdline for p in family if alive(p)] == []


def assert_locks_free(warehouse: Path) -> None:
    assert not is_locked(warehouse)
    duckdb.connect(str(warehouse)).close()  # fails while any process holds DuckDB's lock


def assert_after_kill(place: Place, family: list[Proc], p1_sha: str) -> None:
    assert_no_survivors(family)
    assert_locks_free(place.warehouse)
    assert sha256(place.published) == p1_sha


# --- what the runs built --------------------------------------------------------------


def marts_checksums(database: Path) -> dict[str, tuple[int, str]]:
    """Rows and an ordered content checksum of every table and view in `marts`."""
    return table_checksums(database, ("marts",))


def files_loaded(warehouse: Path) -> list[tuple[object, ...]]:
    """What the manifest says of every file; a file read twice or skipped shows here."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(
            "SELECT source_agency, source_file, status, rows_read, rows_accepted, "
            "rows_quarantined FROM ops.file_manifest ORDER BY ALL"
        ).fetchall()


def unified_counts(warehouse: Path) -> dict[str, int]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'unified'"
        ).fetchall()
        return {
            t: con.execute(f'SELECT count(*) FROM unified."{t}"').fetchall()[0][0]
            for (t,) in tables
        }


def landings(root: Path) -> tuple[Path, Path]:
    """The landing zone of the first run, and the full one of every later run."""
    full = root / "landing-full"
    shutil.copytree(SAMPLE, full)
    first = root / "landing-first"
    shutil.copytree(SAMPLE, first)
    held = [path for pattern in HELD_BACK for path in first.glob(pattern)]
    assert len(held) == 7  # the 2024 files of every agency (two of ANITP), one re-sent vintage
    for path in held:
        path.unlink()
    return first, full


def test_sigkill_at_each_stage_leaves_publication_and_next_run_intact(tmp_path: Path) -> None:
    first, full = landings(tmp_path)
    chain, clean = Place(tmp_path / "chain"), Place(tmp_path / "clean")
    clean_run = start_run(full, clean, tmp_path / "clean.log")
    finish(start_run(first, chain, tmp_path / "first.log"))
    p1_sha, p1_marts = sha256(chain.published), marts_checksums(chain.published)

    run = start_run(full, chain, tmp_path / "ingest.log")
    assert_after_kill(chain, kill_when(run, validation_started), p1_sha)
    statuses = {(f[1], f[2]) for f in files_loaded(chain.warehouse)}
    assert ("anitp_2024_20250115.csv", "loaded") not in statuses  # killed mid-ingest
    assert any(name == "anitp_2024_20250115.csv" for name, _ in statuses)

    run = start_run(full, chain, tmp_path / "dbt.log")
    assert_after_kill(chain, kill_when(run, dbt_building), p1_sha)

    run = start_run(full, chain, tmp_path / "publication.log")
    assert_after_kill(chain, kill_when(run, publishing), p1_sha)
    assert list(chain.published.parent.glob(SCRATCH_GLOB))  # killed before the rename

    finish(start_run(full, chain, tmp_path / "last.log"))
    finish(clean_run)
    assert not list(chain.published.parent.glob(SCRATCH_GLOB))  # no stale scratch copy
    clean_marts = marts_checksums(clean.published)
    assert clean_marts != p1_marts  # the held-back files changed the figures
    assert marts_checksums(chain.warehouse) == clean_marts
    assert marts_checksums(chain.published) == clean_marts
    assert files_loaded(chain.warehouse) == files_loaded(clean.warehouse)
    assert unified_counts(chain.warehouse) == unified_counts(clean.warehouse)
