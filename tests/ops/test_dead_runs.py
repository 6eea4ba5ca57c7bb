"""A run of `tipstats run` killed mid-step gives its writer-pool slot back to the next run."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.defs.resources import WRITER_POOL
from pipelines.run import STARTED_BY, STARTED_BY_TAG, release_dead_runs


def _started_run(instance: dg.DagsterInstance, tags: dict[str, str]) -> dg.DagsterRun:
    return instance.add_run(
        dg.DagsterRun(job_name="tipstats_daily", status=dg.DagsterRunStatus.STARTED, tags=tags)
    )


def test_a_killed_run_is_failed_and_its_slot_freed(tmp_path: Path) -> None:
    with dg.instance_for_test(temp_dir=str(tmp_path)) as instance:
        slots = instance.event_log_storage
        slots.set_concurrency_slots(WRITER_POOL, 1)
        killed = _started_run(instance, {STARTED_BY_TAG: STARTED_BY})
        elsewhere = _started_run(instance, {})  # launched by the daemon: not ours to judge
        assert slots.claim_concurrency_slot(WRITER_POOL, killed.run_id, "raw_anitp").is_claimed
        assert not slots.claim_concurrency_slot(WRITER_POOL, "next-run", "raw_anitp").is_claimed

        assert release_dead_runs(instance) == [killed.run_id]

        assert slots.claim_concurrency_slot(WRITER_POOL, "next-run", "raw_anitp").is_claimed
        statuses = {r.run_id: r.status for r in instance.get_runs()}
        assert statuses[killed.run_id] == dg.DagsterRunStatus.FAILURE
        assert statuses[elsewhere.run_id] == dg.DagsterRunStatus.STARTED
