"""Build the hand-written warehouse and run `dbt build` on it once per test session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.dbt.fixture import build

PROJECT = Path(__file__).parents[2] / "dbt_project"


def run_dbt(
    command: str, warehouse: Path, scratch: Path, *options: str
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TIPSTATS_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_VERSION_CHECK": "false",
    }
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")),
            command,
            "--project-dir",
            str(PROJECT),
            "--profiles-dir",
            str(PROJECT),
            "--target-path",
            str(scratch / "target"),
            "--log-path",
            str(scratch / "logs"),
            *options,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=600,
    )


def dbt_build(warehouse: Path, scratch: Path) -> subprocess.CompletedProcess[str]:
    return run_dbt("build", warehouse, scratch)


@pytest.fixture(scope="session")
def marts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("dbt")
    warehouse = scratch / "warehouse.duckdb"
    build(warehouse)
    done = dbt_build(warehouse, scratch)
    assert done.returncode == 0, done.stdout[-4000:]
    return warehouse


@pytest.fixture(scope="session")
def parsed_manifest(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The project as `dbt parse` sees it: no warehouse is opened, only named."""
    scratch = tmp_path_factory.mktemp("dbt-parse")
    done = run_dbt("parse", scratch / "warehouse.duckdb", scratch)
    assert done.returncode == 0, done.stdout[-4000:]
    manifest: dict[str, Any] = json.loads((scratch / "target" / "manifest.json").read_text())
    return manifest
