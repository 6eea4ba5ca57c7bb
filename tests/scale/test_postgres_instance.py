"""The Dagster instance on a real PostgreSQL server (dagster-postgres): the daily job's
selection with the multiprocess executor, every step in a process of its own.

The server is Debian's `postgresql` (`make postgres` installs it; CI does), started in a
scratch folder by initdb/pg_ctl, as `nobody` when the tests run as root (PostgreSQL refuses
root). The test is skipped only where those binaries are missing.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import duckdb
import psycopg2
import pytest
import yaml

from pipelines.defs.daily import PARALLEL_JOB
from tests.conftest import EXAMPLES, TEST_KEY

pytestmark = pytest.mark.slow
DAGSTER = Path(sys.executable).with_name("dagster")
USER = "tipstats"
AGENCIES = ("politie", "diicot", "instante", "anitp", "ong")


def _binaries() -> Path | None:
    """The folder of initdb and pg_ctl: on PATH, or Debian's versioned folder."""
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    return debian[-1].parent if debian else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", *command] if os.geteuid() == 0 else command


@pytest.fixture
def postgres_url() -> Iterator[str]:
    binaries = _binaries()
    if binaries is None:
        pytest.skip("PostgreSQL's initdb/pg_ctl not installed (make postgres installs them)")
    # Not under pytest's tmp_path: its parents are closed to the `nobody` user.
    folder = Path(tempfile.mkdtemp(prefix="tipstats-pg-"))
    if os.geteuid() == 0:
        shutil.chown(folder, "nobody")
    data, port = folder / "data", _free_port()
    run = [
        str(binaries / "initdb"),
        "-D",
        str(data),
        "-U",
        USER,
        "--auth=trust",
        "--encoding=UTF8",
    ]
    subprocess.run(_as_server_user(run), check=True, capture_output=True)
    options = f"-p {port} -k {folder} -h 127.0.0.1"
    pg_ctl = [str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w"]
    subprocess.run(_as_server_user([*pg_ctl, "-o", options, "start"]), check=True)
    try:
        yield f"postgresql://{USER}@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_server_user([*pg_ctl, "-m", "fast", "stop"]), check=False)
        shutil.rmtree(folder, ignore_errors=True)


def _dagster_home(folder: Path, url: str) -> Path:
    """The project's dagster.yaml with the instance's storage on PostgreSQL."""
    folder.mkdir()
    settings = yaml.safe_load((Path(__file__).parents[2] / "dagster.yaml").read_text("utf-8"))
    # SQLAlchemy's bare postgresql:// means psycopg 3; dagster-postgres brings psycopg2.
    driver_url = url.replace("postgresql://", "postgresql+psycopg2://", 1)
    settings["storage"] = {"postgres": {"postgres_url": driver_url}}
    (folder / "dagster.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return folder


def test_daily_job_runs_multiprocess_on_a_postgres_instance(
    tmp_path: Path, postgres_url: str
) -> None:
    home = _dagster_home(tmp_path / "dagster_home", postgres_url)
    warehouse = tmp_path / "warehouse.duckdb"
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "TIPSTATS_WAREHOUSE": str(warehouse),
        "TIPSTATS_LANDING": str(EXAMPLES),
        "TIPSTATS_PSEUDONYM_KEY": TEST_KEY,
        "PATH": f"{DAGSTER.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    command = [str(DAGSTER), "job", "execute", "-m", "pipelines.definitions", "-a", "defs"]
    done = subprocess.run(
        [*command, "-j", PARALLEL_JOB],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=1800,  # a loaded 2-core machine: each step process takes seconds to start
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]

    # The run and its events are in PostgreSQL's tables, not in SQLite files.
    with psycopg2.connect(postgres_url) as con, con.cursor() as cursor:
        cursor.execute("SELECT pipeline_name, status FROM runs")
        assert cursor.fetchall() == [(PARALLEL_JOB, "SUCCESS")]
    assert not list(home.rglob("*.db"))

    with dg.DagsterInstance.from_config(str(home)) as instance:
        run = instance.get_runs()[0]
        events = [e.dagster_event for e in instance.all_logs(run.run_id) if e.dagster_event]
    starts = {e.step_key: e.pid for e in events if e.event_type_value == "STEP_START"}
    # Each agency's read step ran in a process of its own, none in the run's own process.
    readers = {starts[f"raw_{agency}"] for agency in AGENCIES}
    assert len(readers) == len(AGENCIES)
    run_pids = {e.pid for e in events if e.event_type_value == "RUN_START"}
    assert readers.isdisjoint(run_pids)

    with duckdb.connect(str(warehouse), read_only=True) as con:
        loaded = con.execute(
            "SELECT DISTINCT source_agency FROM ops.file_manifest WHERE status = 'loaded'"
        ).fetchall()
        victims = con.execute("SELECT sum(victims) FROM marts.rpt_victims_by_year").fetchall()
    assert {agency for (agency,) in loaded} == set(AGENCIES)
    assert victims[0][0] > 0
    # The run's Parquet step wrote the unified layer beside the warehouse, by agency.
    persons = tmp_path / "parquet" / "unified" / "person_record"
    assert {p.parent.parent.name for p in persons.rglob("*.parquet")} == {
        f"source_agency={agency}" for agency in AGENCIES
    }
