"""Importing the code location does no work: no dbt subprocess, no project file read.

`dagster dev`, `tipstats run` and the tests import `pipelines.definitions`; the definitions
themselves are built only when Dagster calls `defs()`.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# Runs in a fresh interpreter: the audit hook sees every process start and file open made
# while `pipelines.definitions` is imported, and prints them as JSON on the last line.
# Dagster is imported before the hook: its own import runs `file -b python` (its vendored
# croniter calls platform.architecture()), which is not ours to prevent.
_PROBE = """
import json, sys
from pathlib import Path
import dagster

root = Path(sys.argv[1])
environments = [root / ".venv", root / ".uv"]
events = []

def project_file(path):
    # Python's own imports open .py/.pyc files; anything else of the project is data.
    inside = root in path.parents and not any(env in path.parents for env in environments)
    return inside and path.suffix not in {".py", ".pyc"}

def hook(event, args):
    if event.startswith(("subprocess.", "os.posix_spawn", "os.exec", "os.spawn", "os.system")):
        events.append([event, repr(args[:2])])
    elif event == "open" and isinstance(args[0], (str, bytes)):
        path = Path(args[0].decode() if isinstance(args[0], bytes) else args[0]).absolute()
        if project_file(path):
            events.append([event, str(path)])

sys.addaudithook(hook)
import pipelines.definitions
print(json.dumps(events))
"""


def import_events() -> list[list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, str(PROJECT_ROOT)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return json.loads(done.stdout.splitlines()[-1])


def test_importing_the_definitions_starts_no_process_and_reads_no_project_file() -> None:
    assert import_events() == []
