"""Per-agency assets raw -> validated -> unified, and the unified record base dbt reads.

Each agency has its own three assets, so one agency's new file is processed without
touching the others. All of them write the same DuckDB file, hence the writer pool.
"""

from collections import Counter
from collections.abc import Iterator
from typing import Any

import dagster as dg

from pipelines.defs.resources import WRITER_POOL, LandingResource, WarehouseResource
from pipelines.ingest import quarantine_report, stages
from pipelines.ingest.stages import STAGE_TABLES
from pipelines.ops.keyguard import bind_key
from sources.common.privacy import load_key
from sources.registry import SOURCES, AgencySource

AGENCY_NAMES = tuple(SOURCES)

# The keys dbt's sources resolve to (source name, table): the link from ingestion to dbt.
UNIFIED_RECORD_TABLES = [
    *[("unified", table) for table in STAGE_TABLES],
    ("ops", "file_manifest"),
    ("ops", "quarantine"),
]


def validated_key(agency_name: str) -> dg.AssetKey:
    return dg.AssetKey(f"validated_{agency_name}")


def _agency_assets(agency: AgencySource) -> list[dg.AssetsDefinition]:
    name = agency.name

    @dg.asset(
        name=f"raw_{name}",
        group_name=name,
        pool=WRITER_POOL,
        kinds={"duckdb"},
        description=f"{agency.title}: new files read and pseudonymised (raw.{name}__*).",
    )
    def raw(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
    ) -> dg.MaterializeResult[Any]:
        landing_path = landing.resolved_path()
        if not (landing_path / name).is_dir():
            context.log.warning(f"{name}: no folder in the landing zone; nothing to read")
        with warehouse.connect() as con:
            key = load_key()
            bind_key(con, key)  # another key would make every re-sent person a new one
            outcomes = stages.read_new_files(con, landing_path, agency, key, context.run.run_id)
        statuses = Counter(o.status for o in outcomes)
        for outcome in outcomes:
            if outcome.reason:
                context.log.warning(
                    f"{name}: {outcome.source_file} {outcome.status}: {outcome.reason}"
                )
        return dg.MaterializeResult(
            metadata={
                "files_new": len(outcomes),
                "files_read": statuses["read"],
                "files_rejected": statuses["rejected"],
                "files_duplicate": statuses["duplicate"],
            }
        )

    @dg.asset(
        key=validated_key(name),
        group_name=name,
        pool=WRITER_POOL,
        deps=[raw],
        kinds={"duckdb", "pandera"},
        description=f"{agency.title}: rows checked and mapped to unified tables, "
        "failures in ops.quarantine.",
    )
    def validated(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
    ) -> dg.MaterializeResult[Any]:
        with warehouse.connect() as con:
            outcomes = stages.validate_pending(
                con, landing.resolved_path(), agency, context.run.run_id
            )
            by_rule = quarantine_report.by_rule(con, name, context.run.run_id)
            preview = quarantine_report.preview(con, name, context.run.run_id)
            quarantined = quarantine_report.rows_quarantined(con, name, context.run.run_id)
        if quarantined:
            context.log.warning(
                f"{name}: {quarantined} rows quarantined in this run and not counted; "
                f"`tipstats quarantine --agency {name} --run {context.run.run_id[:8]} --out q.csv`"
            )
        return dg.MaterializeResult(
            metadata={
                "files_validated": len(outcomes),
                "rows_quarantined_this_run": quarantined,
                "quarantine_by_rule": dg.MetadataValue.md(quarantine_report.as_markdown(by_rule)),
                "quarantine_preview": dg.MetadataValue.md(quarantine_report.as_markdown(preview)),
            }
        )

    @dg.asset(
        name=f"unified_{name}",
        group_name=name,
        pool=WRITER_POOL,
        deps=[validated],
        kinds={"duckdb"},
        description=f"{agency.title}: validated rows published to unified.* (all extracts kept).",
    )
    def unified(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult[Any]:
        with warehouse.connect() as con:
            files = stages.publish_validated(con, name, context.run.run_id)
        return dg.MaterializeResult(metadata={"files_published": len(files)})

    return [raw, validated, unified]


INGEST_ASSETS = [asset for agency in SOURCES.values() for asset in _agency_assets(agency)]


@dg.multi_asset(
    name="unified_records",
    pool=WRITER_POOL,
    specs=[
        dg.AssetSpec(
            list(key),
            deps=[dg.AssetKey(f"unified_{name}") for name in AGENCY_NAMES],
            group_name="unified",
            kinds={"duckdb"},
            description=f"{key[0]}.{key[1]}: all agencies, all extracts; what dbt reads.",
        )
        for key in UNIFIED_RECORD_TABLES
    ],
)
def unified_records(warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult[Any]]:
    """The unified record base as dbt sees it, with row counts per table."""
    with warehouse.connect() as con:
        for schema, table in UNIFIED_RECORD_TABLES:
            rows = con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()
            yield dg.MaterializeResult(
                asset_key=[schema, table], metadata={"rows": int(rows[0]) if rows else 0}
            )


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(assets=[*INGEST_ASSETS, unified_records])
