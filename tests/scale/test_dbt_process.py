"""dbt as a run starts it: from a manifest of the project as it is, and never left running."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast

import pytest
from dagster_dbt import DbtCliInvocation, DbtProject

from pipelines.defs.dbt.assets import streamed
from pipelines.defs.dbt.project import prepare_if_stale

PROFILE = """tiny:
  target: dev
  outputs:
    dev: {type: duckdb, path: "%s"}
"""


def _tiny_project(root: Path) -> DbtProject:
    (root / "models").mkdir(parents=True)
    (root / "dbt_project.yml").write_text(
        "name: tiny\nversion: '1.0'\nprofile: tiny\nmodel-paths: [models]\n"
    )
    (root / "profiles.yml").write_text(PROFILE % (root / "tiny.duckdb"))
    (root / "models" / "first.sql").write_text("select 1 as one\n")
    return DbtProject(project_dir=root, profiles_dir=root)


def _models(project: DbtProject) -> set[str]:
    nodes = json.loads(project.manifest_path.read_text())["nodes"]
    return {node["name"] for node in nodes.values() if node["resource_type"] == "model"}


@pytest.mark.slow
def test_a_model_added_after_the_last_parse_is_in_the_manifest_before_dbt_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # dagster-dbt parses with the `dbt` on PATH: the one installed beside this Python.
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    project = _tiny_project(tmp_path / "tiny")
    prepare_if_stale(project)  # no manifest yet
    assert _models(project) == {"first"}
    parsed_at = project.manifest_path.stat().st_mtime_ns
    (tmp_path / "tiny" / "logs").mkdir()  # dbt's own output beside the project's files
    prepare_if_stale(project)  # nothing dbt parses changed: not parsed again
    assert project.manifest_path.stat().st_mtime_ns == parsed_at
    (tmp_path / "tiny" / "models" / "second.sql").write_text("select 2 as two\n")
    prepare_if_stale(project)
    assert _models(project) == {"first", "second"}
    (tmp_path / "tiny" / "models" / "first.sql").unlink()
    prepare_if_stale(project)
    assert _models(project) == {"second"}


class _FailingInvocation:
    """A dbt invocation whose events stop with an error while dbt itself goes on."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(["sleep", "60"])

    def stream(self) -> Iterator[Any]:
        yield "model finished"
        raise KeyError("model.tipstats.not_in_the_manifest")


def test_dbt_is_stopped_when_reading_its_events_fails() -> None:
    invocation = _FailingInvocation()
    events = streamed(cast(DbtCliInvocation, invocation))
    assert next(events) == "model finished"
    with pytest.raises(KeyError):
        next(events)
    assert invocation.process.poll() is not None  # not left holding the warehouse
