"""`tipstats run` with nothing new stops before Dagster, in one line; anything new (a file,
other bytes under a known name, a half-loaded file, other linkage inputs, other dbt code, a
publication behind) makes it run."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import duckdb
import pytest

from pipelines.ops import dbt_state, up_to_date
from tests.conftest import EXAMPLES
from tests.pipelines.runner import Run, tipstats_run

pytestmark = pytest.mark.slow
NEW_FILE = Path("anitp") / "anitp_2016_20170601.csv"  # a revised extract, held back at first
RUN_ID_IN_LOG_LINE = re.compile(r" - [0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12} - ")


def _dagster_runs(home: Path) -> int:
    """Runs in the instance's run storage (SQLite), read without starting Dagster."""
    with closing(sqlite3.connect(home / "history" / "runs.db")) as con:
        return int(con.execute("SELECT count(*) FROM runs").fetchall()[0][0])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Run, Run]]:
    """A warehouse built from the examples less one file, then run again as it is."""
    root = tmp_path_factory.mktemp("nothing-new")
    landing, warehouse = root / "landing", root / "warehouse.duckdb"
    shutil.copytree(EXAMPLES, landing)
    shutil.move(landing / NEW_FILE, root / NEW_FILE.name)
    first = tipstats_run(landing, warehouse, root / "home", verbose=False)
    assert first.code == 0, first.output[-3000:]
    runs = _dagster_runs(root / "dagster_home")
    again = tipstats_run(landing, warehouse, root / "home", verbose=False)
    assert _dagster_runs(root / "dagster_home") == runs  # no Dagster run, so no dbt
    yield landing, warehouse, first, again


def _check(landing: Path, warehouse: Path) -> str | None:
    return up_to_date.nothing_new(warehouse, landing, warehouse.parent / "published")


def test_a_run_with_nothing_new_says_so_in_one_line(built: tuple[Path, Path, Run, Run]) -> None:
    landing, _, first, again = built
    assert again.code == 0, again.output[-3000:]
    lines = again.output.strip().splitlines()
    assert lines == [lines[0]]
    assert lines[0].startswith(f"nothing new in {landing}: warehouse and publication are current")
    assert "(6 files already read)" in lines[0]  # the examples less the held-back file
    assert "dbt skipped" not in again.output and "nothing new in" not in first.output


def test_a_run_without_verbose_prints_no_progress_logs(built: tuple[Path, Path, Run, Run]) -> None:
    _, _, first, _ = built
    # Dagster's log lines read '<job> - <run id> - <step> - <message>'.
    progress = [line for line in first.output.splitlines() if RUN_ID_IN_LOG_LINE.search(line)]
    assert progress == []
    assert "published:" in first.output  # the summary is still there


@pytest.fixture
def copy(built: tuple[Path, Path, Run, Run], tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the built warehouse, landing zone and publication, to change at will."""
    landing, warehouse, _, _ = built
    shutil.copytree(landing, tmp_path / "landing")
    shutil.copy2(warehouse, tmp_path / warehouse.name)
    shutil.copytree(warehouse.parent / "published", tmp_path / "published")
    return tmp_path / "landing", tmp_path / warehouse.name


def test_the_copy_itself_is_current(copy: tuple[Path, Path]) -> None:
    assert _check(*copy) is not None


def test_a_new_file_is_never_skipped(copy: tuple[Path, Path]) -> None:
    landing, warehouse = copy
    shutil.copy2(EXAMPLES / NEW_FILE, landing / NEW_FILE)
    assert _check(landing, warehouse) is None


def test_other_bytes_under_a_name_already_read(copy: tuple[Path, Path]) -> None:
    landing, warehouse = copy
    known = landing / "politie" / "politie_2016_20170110.csv"
    known.write_bytes(known.read_bytes() + b"\n")
    assert _check(landing, warehouse) is None


def test_a_file_not_yet_published_to_unified(copy: tuple[Path, Path]) -> None:
    landing, warehouse = copy
    with duckdb.connect(str(warehouse)) as con:
        con.execute("UPDATE ops.file_manifest SET status = 'validated' WHERE rowid = 0")
    assert _check(landing, warehouse) is None


def test_a_reviewer_decision_or_another_threshold(
    copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    landing, warehouse = copy
    decisions = tmp_path / "decisions.csv"
    decisions.write_text("pair_id,decision\n")
    monkeypatch.setenv("TIPSTATS_LINK_DECISIONS", str(decisions))
    assert _check(landing, warehouse) is None
    monkeypatch.delenv("TIPSTATS_LINK_DECISIONS")
    monkeypatch.setenv("TIPSTATS_LINK_THRESHOLD", "0.9")
    assert _check(landing, warehouse) is None
    # Settings that do not parse: the run goes ahead, and its linkage step reports them.
    monkeypatch.setenv("TIPSTATS_LINK_THRESHOLD", "high")
    assert _check(landing, warehouse) is None
    monkeypatch.delenv("TIPSTATS_LINK_THRESHOLD")
    monkeypatch.setenv("TIPSTATS_LINK_REVIEW_BAND", "0.5")
    assert _check(landing, warehouse) is None


def test_other_dbt_code(
    copy: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    landing, warehouse = copy
    model = tmp_path / "new_model.sql"
    model.write_text("select 1 as n\n")
    code = [*dbt_state.dbt_code(), model]
    monkeypatch.setattr(dbt_state, "dbt_code", lambda: code)
    assert _check(landing, warehouse) is None


def test_a_publication_behind_the_warehouse(copy: tuple[Path, Path]) -> None:
    landing, warehouse = copy
    shutil.rmtree(warehouse.parent / "published")
    assert _check(landing, warehouse) is None


def test_the_new_file_is_read_by_the_next_run(copy: tuple[Path, Path], tmp_path: Path) -> None:
    landing, warehouse = copy
    shutil.copy2(EXAMPLES / NEW_FILE, landing / NEW_FILE)
    run = tipstats_run(landing, warehouse, tmp_path / "home")
    assert run.code == 0, run.output[-3000:]
    assert "nothing new in" not in run.output
    with duckdb.connect(str(warehouse), read_only=True) as con:
        status = con.execute(
            "SELECT status FROM ops.file_manifest WHERE source_file = ?", [NEW_FILE.name]
        ).fetchall()
    assert status == [("loaded",)]
    forced = tipstats_run(landing, warehouse, tmp_path / "home", "--force")
    assert forced.code == 0, forced.output[-3000:]
    assert "no new files; the warehouse already holds 7 files" in forced.output
