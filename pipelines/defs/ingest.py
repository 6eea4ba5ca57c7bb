"""Per-agency assets raw -> validated -> unified, and the row-conservation check.

Each agency has its own three assets, so one agency's new file is processed
without touching the others. All of them write the same DuckDB file, hence the
`duckdb_writer` pool (limit 1 in dagster.yaml).
"""

from collections import Counter
from collections.abc import Iterator

import dagster as dg

from pipelines.defs.resources import LandingResource, WarehouseResource
from pipelines.ingest import stages
from pipelines.ingest.stages import STAGE_TABLES
from sources.common.privacy import load_key
from sources.registry import SOURCES, AgencySource

WRITER_POOL = "duckdb_writer"


def _agency_defs(
    agency: AgencySource,
) -> tuple[list[dg.AssetsDefinition], dg.AssetChecksDefinition]:
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
    ) -> dg.MaterializeResult:
        landing_path = landing.resolved_path()
        if not (landing_path / name).is_dir():
            context.log.warning(f"{name}: no folder in the landing zone; nothing to read")
        with warehouse.connect() as con:
            outcomes = stages.read_new_files(
                con, landing_path, agency, load_key(), context.run.run_id
            )
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
        name=f"validated_{name}",
        group_name=name,
        pool=WRITER_POOL,
        deps=[raw],
        kinds={"duckdb", "pandera"},
        description=f"{agency.title}: rows checked and mapped to unified tables, "
        "failures in ops.quarantine.",
    )
    def validated(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource, landing: LandingResource
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            outcomes = stages.validate_pending(
                con, landing.resolved_path(), agency, context.run.run_id
            )
        return dg.MaterializeResult(metadata={"files_validated": len(outcomes)})

    @dg.asset_check(
        asset=validated,
        name="rows_conserved",
        blocking=True,
        description="Per file: rows read = rows accepted + rows quarantined, and no row is both.",
    )
    def rows_conserved(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            breaches = stages.conservation_breaches(con, name)
        return dg.AssetCheckResult(
            passed=breaches.is_empty(),
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "files_in_breach": breaches.height,
                "breaches": dg.MetadataValue.json(breaches.to_dicts()),
            },
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
    ) -> dg.MaterializeResult:
        with warehouse.connect() as con:
            files = stages.publish_validated(con, name, context.run.run_id)
        return dg.MaterializeResult(metadata={"files_published": len(files)})

    return [raw, validated, unified], rows_conserved


_DEFS = [_agency_defs(agency) for agency in SOURCES.values()]
INGEST_ASSETS = [asset for assets, _ in _DEFS for asset in assets]
INGEST_CHECKS = [check for _, check in _DEFS]
UNIFIED_ASSET_KEYS = [dg.AssetKey(f"unified_{name}") for name in SOURCES]


UNIFIED_RECORD_TABLES = [
    *[("unified", table) for table in STAGE_TABLES],
    ("ops", "file_manifest"),
    ("ops", "quarantine"),
]


@dg.multi_asset(
    name="unified_records",
    specs=[
        dg.AssetSpec(
            list(key),
            deps=UNIFIED_ASSET_KEYS,
            group_name="unified",
            kinds={"duckdb"},
            description=f"{key[0]}.{key[1]}: all agencies, all extracts; what dbt reads.",
        )
        for key in UNIFIED_RECORD_TABLES
    ],
)
def unified_records(warehouse: WarehouseResource) -> Iterator[dg.MaterializeResult]:
    """The unified record base as dbt sees it, with row counts per table."""
    with warehouse.connect() as con:
        for schema, table in UNIFIED_RECORD_TABLES:
            rows = con.execute(f"SELECT count(*) FROM {schema}.{table}").fetchone()
            yield dg.MaterializeResult(
                asset_key=[schema, table], metadata={"rows": int(rows[0]) if rows else 0}
            )
