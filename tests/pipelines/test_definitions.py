"""The code location loads as `dagster dev` loads it, with the assets and checks stewards see."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import yaml

from pipelines.definitions import defs
from pipelines.defs.daily import DAILY_JOB
from pipelines.defs.dbt.project import dbt_project
from pipelines.defs.dbt.translator import TipstatsDbtTranslator
from schemas.vocabulary import AGENCIES

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LOCATION = "tipstats_romania_thb"
UNIFIED_TABLES = [
    "person_record",
    "victim_identification",
    "case_record",
    "proceedings_event",
    "court_decision",
    "assistance_episode",
]


@pytest.fixture(scope="module")
def definitions(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dg.Definitions]:
    """The loaded definitions; defs() pins settings in os.environ, undone after the module."""
    scratch = tmp_path_factory.mktemp("definitions")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TIPSTATS_WAREHOUSE", str(scratch / "warehouse.duckdb"))
        patch.setenv("TIPSTATS_LANDING", str(scratch / "landing"))
        patch.setenv("PATH", os.environ.get("PATH", ""))
        yield defs()


def test_every_agency_has_raw_validated_unified_and_a_blocking_check(
    definitions: dg.Definitions,
) -> None:
    keys = {key.to_user_string() for key in definitions.resolve_asset_graph().get_all_asset_keys()}
    for agency in AGENCIES:
        assert {f"raw_{agency}", f"validated_{agency}", f"unified_{agency}"} <= keys
    checks = {
        (spec.asset_key.to_user_string(), spec.name, spec.blocking)
        for check in definitions.asset_checks or []
        for spec in check.check_specs
    }
    assert {(f"validated_{a}", "rows_conserved", True) for a in AGENCIES} <= checks


def test_marts_sit_downstream_of_every_agency(definitions: dg.Definitions) -> None:
    graph = definitions.resolve_asset_graph()
    report = dg.AssetKey(["marts", "rpt_victims_by_year"])
    assert graph.get(report).parent_keys  # a model with parents in dbt
    assert graph.get(report).group_name == "marts"
    ancestors = set()
    frontier = {report}
    while frontier:
        key = frontier.pop()
        for parent in graph.get(key).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.add(parent)
    assert {dg.AssetKey(f"unified_{a}") for a in AGENCIES} <= ancestors


def test_dbt_sources_are_the_ingestion_tables(definitions: dg.Definitions) -> None:
    """Each dbt source resolves to an asset the ingestion materialises, none is left external."""
    graph = definitions.resolve_asset_graph()
    expected = [["unified", table] for table in UNIFIED_TABLES]
    expected += [["ops", "file_manifest"], ["ops", "quarantine"]]
    for path in expected:
        node = graph.get(dg.AssetKey(path))
        assert node.is_materializable, path
        assert node.group_name == "unified", path
    external = [
        key.to_user_string() for key in graph.get_all_asset_keys() if graph.get(key).is_external
    ]
    assert external == []


def test_a_source_asset_key_in_dbt_meta_is_respected() -> None:
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    source_id = next(
        uid for uid, node in manifest["sources"].items() if node["name"] == "quarantine"
    )
    pointed = copy.deepcopy(manifest)
    pointed["sources"][source_id]["meta"] = {"dagster": {"asset_key": ["ops", "rejections"]}}
    pointed["sources"][source_id]["config"]["meta"] = pointed["sources"][source_id]["meta"]
    spec = TipstatsDbtTranslator().get_asset_spec(pointed, source_id, dbt_project)
    assert spec.key == dg.AssetKey(["ops", "rejections"])


def test_daily_job_and_schedule(definitions: dg.Definitions) -> None:
    job = definitions.resolve_job_def(DAILY_JOB)
    assert job.name == "tipstats_daily"
    schedule = definitions.resolve_schedule_def("tipstats_daily_schedule")
    assert schedule.cron_schedule == "0 6 * * *"
    assert schedule.execution_timezone == "Europe/Bucharest"
    assert schedule.job_name == "tipstats_daily"
    job_keys = job.asset_layer.selected_asset_keys
    assert job_keys == set(definitions.resolve_asset_graph().materializable_asset_keys)


def test_warehouse_and_landing_come_from_the_environment_dbt_reads(
    definitions: dg.Definitions,
) -> None:
    resources = definitions.resources or {}
    assert resources["warehouse"].path.env_var_name == "TIPSTATS_WAREHOUSE"
    assert resources["landing"].path.env_var_name == "TIPSTATS_LANDING"
    profiles = yaml.safe_load((PROJECT_ROOT / "dbt_project" / "profiles.yml").read_text())
    outputs = profiles["tipstats"]["outputs"]
    assert outputs[profiles["tipstats"]["target"]]["path"].replace(" ", "") == (
        "{{env_var('TIPSTATS_WAREHOUSE')}}"
    )


def test_workspace_names_the_location() -> None:
    workspace = yaml.safe_load((PROJECT_ROOT / "workspace.yaml").read_text())
    [entry] = workspace["load_from"]
    assert entry["python_module"]["location_name"] == LOCATION
    assert entry["python_module"]["module_name"] == "pipelines.definitions"


@pytest.mark.slow
def test_the_workspace_loads_without_any_setting(tmp_path: Path) -> None:
    """What `dagster dev -w workspace.yaml` loads, from the project root, with no TIPSTATS_*
    variable and no virtual environment on PATH."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("TIPSTATS_", "DAGSTER_")) and name != "PATH"
    }
    env |= {"DAGSTER_HOME": str(home), "PATH": "/usr/bin:/bin", "DAGSTER_DISABLE_TELEMETRY": "1"}
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("dagster")),
            "definitions",
            "validate",
            "-w",
            "workspace.yaml",
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert f"Validation successful for code location {LOCATION}" in done.stderr + done.stdout
