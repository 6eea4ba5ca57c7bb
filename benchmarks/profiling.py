"""`--profile`: one more run of a measured command under py-spy (every process it starts,
dbt's included), kept beside the results as a speedscope file (open it at speedscope.app or
with `speedscope`), and summed up in the results as the functions that took the most time.

The profiled run is never one of the timed runs: sampling slows a run down a little.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import run_env

PY_SPY = Path(sys.executable).with_name("py-spy")
SAMPLES_PER_SECOND = 20
TOP = 20
# The project's own code, whose inclusive shares say which step or function the time is in.
PROJECT = ("pipelines/", "sources/", "schemas/", "dbt_project/")


@dataclass(frozen=True)
class Profiler:
    """Writes `<stamp>-<label>.speedscope.json` into `folder`."""

    folder: Path
    stamp: str

    def run(self, command: Sequence[str], label: str) -> dict[str, object]:
        """Profile one run of `command`; the summary, or why there is none."""
        out = self.folder / f"{self.stamp}-{label}.speedscope.json"
        record = [str(PY_SPY), "record", "--subprocesses", "--rate", str(SAMPLES_PER_SECOND)]
        done = subprocess.run(
            [*record, "--format", "speedscope", "--output", str(out), "--", *command],
            capture_output=True,
            text=True,
            env=run_env(),
            check=False,
        )
        if done.returncode != 0 or not out.exists():
            reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
            return {"failed": f"py-spy: {reason}"}
        return {"file": out.name, **summary(out)}


def _where(frame: dict[str, object]) -> str:
    """A frame as `function (module path)`, the path from site-packages or the repository."""
    path = str(frame.get("file", ""))
    for marker in ("site-packages/", f"{Path(__file__).parents[1]}/"):
        path = path.split(marker)[-1]
    return f"{frame['name']} ({path})"


def _outside(frames: list[str], stack: list[int]) -> str:
    """A sample with no project code on its stack: the first installed package it entered
    (dbt's own process shows as dbt)."""
    for index in stack:
        path = frames[index].split("(")[-1]
        if "/" in path and not path.startswith(("/", "<")):
            return f"(outside the project: {path.split('/')[0]})"
    return "(outside the project)"


def summary(speedscope: Path, top: int = TOP) -> dict[str, object]:
    """Sampled seconds in all and per process; the `top` functions of the project by the
    share of samples they were on the stack for (inclusive) and were the deepest project
    function on it (innermost), and of any code by the share they were at its top (self)."""
    document = json.loads(speedscope.read_text(encoding="utf-8"))
    frames = [_where(frame) for frame in document["shared"]["frames"]]
    ours = [name.split("(")[-1].startswith(PROJECT) for name in frames]
    inclusive: Counter[str] = Counter()
    innermost: Counter[str] = Counter()
    own: Counter[str] = Counter()
    processes: Counter[str] = Counter()
    for profile in document["profiles"]:
        process = str(profile.get("name", "")).split(" Thread")[0]
        for stack, weight in zip(profile["samples"], profile["weights"], strict=True):
            processes[process] += weight
            for name in {frames[index] for index in stack}:
                inclusive[name] += weight
            if stack:
                own[frames[stack[-1]]] += weight
            project = [index for index in stack if ours[index]]
            innermost[frames[project[-1]] if project else _outside(frames, stack)] += weight
    total = sum(processes.values()) or 1.0

    def shares(counter: Counter[str]) -> list[list[object]]:
        return [
            [name, round(100 * seconds / total, 1)] for name, seconds in counter.most_common(top)
        ]

    return {
        "sampled_seconds": round(total, 1),
        "processes": {name: round(seconds, 1) for name, seconds in processes.most_common()},
        "project_inclusive_percent": shares(
            Counter(
                {name: inclusive[name] for name, mine in zip(frames, ours, strict=True) if mine}
            )
        ),
        # Each sample counted once, for the deepest project function on its stack: where in
        # our code the time went, whatever library it was spent in below.
        "project_innermost_percent": shares(innermost),
        "self_percent": shares(own),
    }
