"""Run the `tipstats` CLI as a user would: a separate process, output captured."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import EXAMPLES, TEST_KEY

TIPSTATS = Path(sys.executable).with_name("tipstats")


@dataclass(frozen=True)
class Run:
    code: int
    output: str


def tipstats_run(
    landing: Path, warehouse: Path, home: Path, *options: str, verbose: bool = True
) -> Run:
    env = {
        **os.environ,
        "TIPSTATS_PSEUDONYM_KEY": TEST_KEY,
        "XDG_CONFIG_HOME": str(home),
        "PATH": f"{TIPSTATS.parent}{os.pathsep}{os.environ.get('PATH', '')}",
    }
    done = subprocess.run(
        [
            str(TIPSTATS),
            *(["--verbose"] if verbose else []),
            "run",
            "--landing",
            str(landing),
            "--warehouse",
            str(warehouse),
            *options,
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=900,
    )
    return Run(done.returncode, done.stdout + done.stderr)


@dataclass(frozen=True)
class HeldBack:
    """The example files run but one, which a test then drops into the landing zone."""

    landing: Path
    warehouse: Path
    path: Path  # where the held-back file goes in `landing`
    content: bytes

    def environment(self) -> dict[str, str]:
        """What the sensor, the jobs and a daemon read: this warehouse, landing zone and the
        Dagster instance `tipstats run` made beside the warehouse."""
        return {
            "TIPSTATS_WAREHOUSE": str(self.warehouse),
            "TIPSTATS_LANDING": str(self.landing),
            "DAGSTER_HOME": str(self.warehouse.parent / "dagster_home"),
        }


def run_holding_back(folder: Path, agency: str, name: str) -> HeldBack:
    """`tipstats run` on the example files in `folder`, but `<agency>/<name>`; a failed run
    fails the test."""
    landing, warehouse = folder / "landing", folder / "warehouse.duckdb"
    shutil.copytree(EXAMPLES, landing)
    path = landing / agency / name
    held = HeldBack(landing, warehouse, path, path.read_bytes())
    path.unlink()
    first = tipstats_run(landing, warehouse, folder / "home")
    assert first.code == 0, first.output[-3000:]
    return held
