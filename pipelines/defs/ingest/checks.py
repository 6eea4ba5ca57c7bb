"""Per agency: the blocking check between validation and publication, and a freshness warning."""

from datetime import UTC, datetime

import dagster as dg

from pipelines import settings
from pipelines.defs.ingest.assets import AGENCY_NAMES, validated_key
from pipelines.defs.resources import WRITER_POOL, WarehouseResource
from pipelines.ingest import stages


def _rows_conserved(agency_name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=validated_key(agency_name),
        name="rows_conserved",
        blocking=True,
        pool=WRITER_POOL,  # it opens the warehouse: one process at a time under any executor
        description="Per file: rows read = rows accepted + rows quarantined, and no row is both.",
    )
    def rows_conserved(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        with warehouse.connect() as con:
            breaches = stages.conservation_breaches(con, agency_name)
        return dg.AssetCheckResult(
            passed=breaches.is_empty(),
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={
                "files_in_breach": breaches.height,
                "breaches": dg.MetadataValue.json(breaches.to_dicts()),
            },
        )

    return rows_conserved


def _sent_recently(agency_name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(f"raw_{agency_name}"),
        name="sent_recently",
        pool=WRITER_POOL,
        description="Warns when the agency has sent no new file for TIPSTATS_FRESHNESS_DAYS "
        f"days (default {settings.DEFAULT_FRESHNESS_DAYS}).",
    )
    def sent_recently(warehouse: WarehouseResource) -> dg.AssetCheckResult:
        limit = settings.freshness_days()
        with warehouse.connect() as con:
            last = con.execute(
                "SELECT max(loaded_at) FROM ops.file_manifest WHERE source_agency = ?",
                [agency_name],
            ).fetchall()[0][0]
        days = (datetime.now(UTC) - last).days if last else None
        return dg.AssetCheckResult(
            passed=days is not None and days <= limit,
            severity=dg.AssetCheckSeverity.WARN,
            description=(
                f"no file from {agency_name} yet"
                if days is None
                else f"last file from {agency_name} arrived {days} days ago (limit {limit})"
            ),
            metadata={"days_since_last_file": days if days is not None else -1},
        )

    return sent_recently


INGEST_CHECKS = [
    *(_rows_conserved(name) for name in AGENCY_NAMES),
    *(_sent_recently(name) for name in AGENCY_NAMES),
]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=INGEST_CHECKS)
