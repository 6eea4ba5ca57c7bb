"""A wrong command gets one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.ops.keyguard import bind_key
from pipelines.ops.lock import writer_lock
from tests.conftest import TEST_KEY

pytestmark = pytest.mark.slow  # each case starts the CLI in a new process

TIPSTATS = Path(sys.executable).with_name("tipstats")


def tipstats(*args: str, key: str = TEST_KEY, cwd: Path | None = None) -> tuple[int, str]:
    env = {**os.environ, "TIPSTATS_PSEUDONYM_KEY": key}
    if cwd:  # nothing of a real warehouse or publication may answer for the test
        env["TIPSTATS_WAREHOUSE"] = str(cwd / "data" / "warehouse.duckdb")
    done = subprocess.run(
        [str(TIPSTATS), *args], capture_output=True, text=True, env=env, cwd=cwd, check=False
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def assert_one_line(output: str, *fragments: str) -> None:
    assert "Traceback" not in output
    assert len(output.splitlines()) == 1, output
    for fragment in fragments:
        assert fragment in output


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    (tmp_path / "landing" / "anitp").mkdir(parents=True)
    return tmp_path / "landing"


def test_missing_landing_folder(tmp_path: Path) -> None:
    code, output = tipstats(
        "run", "--landing", str(tmp_path / "lnading"), "--warehouse", str(tmp_path / "w.duckdb")
    )
    assert code == 2
    assert_one_line(output, "landing folder", "lnading", "does not exist")


@pytest.mark.parametrize("key", ["short", "./no-such-key-file"])
def test_unusable_key(tmp_path: Path, landing: Path, key: str) -> None:
    code, output = tipstats(
        "run", "--landing", str(landing), "--warehouse", str(tmp_path / "w.duckdb"), key=key
    )
    assert code == 2
    assert_one_line(output, "TIPSTATS_PSEUDONYM_KEY")


@pytest.mark.parametrize(
    ("setting", "example"),
    [
        ("TIPSTATS_WAREHOUSE_MEMORY", "2GB"),
        ("TIPSTATS_LINKAGE_MEMORY", "2GB"),
        ("TIPSTATS_DBT_MEMORY", "2GB"),
        ("TIPSTATS_DBT_THREADS", "1 or 2"),
    ],
)
def test_resource_setting_that_is_no_size_or_number(
    tmp_path: Path, landing: Path, setting: str, example: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(setting, "lots")
    code, output = tipstats("run", "--landing", str(landing), "--warehouse", str(tmp_path / "w"))
    assert code == 2
    assert_one_line(output, setting, "'lots'", example)
    assert not (tmp_path / "w").exists()  # refused before anything was opened


def test_key_file_that_cannot_be_read(tmp_path: Path, landing: Path) -> None:
    folder = tmp_path / "keys"
    folder.mkdir()
    code, output = tipstats(
        "run",
        "--landing",
        str(landing),
        "--warehouse",
        str(tmp_path / "w.duckdb"),
        key=str(folder),
    )
    assert code == 2
    assert_one_line(output, "not a readable file")


def test_warehouse_folder_that_cannot_be_made(tmp_path: Path, landing: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, output = tipstats(
        "run", "--landing", str(landing), "--warehouse", str(blocker / "w.duckdb")
    )
    assert code == 2
    assert_one_line(output, "cannot create the warehouse folder", str(blocker))


def test_warehouse_written_by_another_run(tmp_path: Path, landing: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with writer_lock(warehouse):
        code, output = tipstats("run", "--landing", str(landing), "--warehouse", str(warehouse))
    assert code == 2
    assert_one_line(output, "being written by another run", f"pid {os.getpid()}")


def test_tables_before_anything_is_published(tmp_path: Path) -> None:
    code, output = tipstats(
        "tables",
        "--from",
        "2020",
        "--to",
        "2021",
        "--out",
        str(tmp_path / "out"),
        cwd=tmp_path,
    )
    assert code == 1
    assert_one_line(output, "nothing is published", "tipstats run")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["tables", "--from", "2022", "--to", "2021", "--out", "x"], "--from must not be after"),
        (
            ["tables", "--from", "2020", "--to", "2021", "--out", "x", "--as-of", "2024-13-01"],
            "--as-of",
        ),
        (["quarantine", "--agency", "politia", "--out", "q.csv"], "--agency"),
    ],
)
def test_wrong_options(tmp_path: Path, args: list[str], fragment: str) -> None:
    code, output = tipstats(*args, cwd=tmp_path)
    assert code == 2
    assert "Traceback" not in output
    assert fragment in output


def test_another_key_than_the_warehouse_was_built_with(tmp_path: Path, landing: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    with duckdb.connect(str(warehouse)) as con:
        bind_key(con, b"the-original-key-0123456789")
    code, output = tipstats("run", "--landing", str(landing), "--warehouse", str(warehouse))
    assert code == 2
    assert_one_line(output, "not the one this warehouse was built with")
    assert TEST_KEY not in output


def test_working_warehouse_held_open_by_another_program(tmp_path: Path, landing: Path) -> None:
    warehouse = tmp_path / "w.duckdb"
    duckdb.connect(str(warehouse)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); "
            "print('open', flush=True); time.sleep(60)",
            str(warehouse),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        code, output = tipstats("run", "--landing", str(landing), "--warehouse", str(warehouse))
    finally:
        holder.kill()
        holder.wait()
    assert code == 2
    assert_one_line(output, "open in another program", "published database")
