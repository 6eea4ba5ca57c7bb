"""Run the `tipstats` CLI as a user would: a separate process, output captured."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import TEST_KEY

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
