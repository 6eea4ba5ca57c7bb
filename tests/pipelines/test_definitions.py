"""The code location loads as `dagster dev` loads it, with the assets and checks stewards see."""

from __future__ import annotations

import dagster as dg

from pipelines.definitions import MAIN_JOB, defs
from schemas.vocabulary import AGENCIES


def test_every_agency_has_raw_validated_unified_and_a_blocking_check() -> None:
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    for agency in AGENCIES:
        assert {f"raw_{agency}", f"validated_{agency}", f"unified_{agency}"} <= keys
    checks = {
        (spec.asset_key.to_user_string(), spec.name, spec.blocking)
        for check in defs.asset_checks or []
        for spec in check.check_specs
    }
    assert {(f"validated_{a}", "rows_conserved", True) for a in AGENCIES} <= checks


def test_marts_sit_downstream_of_every_agency() -> None:
    graph = defs.resolve_asset_graph()
    upstream = graph.get(dg.AssetKey(["marts", "rpt_victims_by_year"])).parent_keys
    assert upstream  # a model with parents in dbt
    ancestors = set()
    frontier = {dg.AssetKey(["marts", "rpt_victims_by_year"])}
    while frontier:
        key = frontier.pop()
        for parent in graph.get(key).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.add(parent)
    assert {dg.AssetKey(f"unified_{a}") for a in AGENCIES} <= ancestors


def test_daily_job_and_schedule() -> None:
    job = defs.resolve_job_def(MAIN_JOB)
    assert job.name == MAIN_JOB
    schedule = defs.resolve_schedule_def(f"{MAIN_JOB}_schedule")
    assert schedule.cron_schedule == "0 6 * * *"
