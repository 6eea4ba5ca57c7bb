"""The blocking check between validation and publication, one per agency."""

import dagster as dg

from pipelines.defs.ingest.assets import AGENCY_NAMES, validated_key
from pipelines.defs.resources import WarehouseResource
from pipelines.ingest import stages


def _rows_conserved(agency_name: str) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=validated_key(agency_name),
        name="rows_conserved",
        blocking=True,
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


INGEST_CHECKS = [_rows_conserved(name) for name in AGENCY_NAMES]


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(asset_checks=INGEST_CHECKS)
