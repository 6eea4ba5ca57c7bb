"""How dbt nodes become Dagster assets."""

from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtProject


class TipstatsDbtTranslator(DagsterDbtTranslator):
    """dbt models are grouped by their folder (staging, intermediate, marts).

    Keys are dagster-dbt's defaults: a source is [source, table] unless its
    `meta.dagster.asset_key` says otherwise, so sources land on the ingestion assets.
    """

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> dg.AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        fqn = self.get_resource_props(manifest, unique_id).get("fqn", [])
        return spec.replace_attributes(group_name=fqn[1] if len(fqn) > 2 else "dbt")
