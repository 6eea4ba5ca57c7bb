"""dbt sources name the Dagster assets that write them (the ingest's unified tables and the
linkage's person_link), so lineage does not hang on names."""

from __future__ import annotations

from typing import Any

import pytest

from pipelines.defs.ingest.assets import UNIFIED_RECORD_TABLES
from pipelines.defs.linkage import PERSON_LINK

pytestmark = pytest.mark.slow  # parses the dbt project


def source_asset_keys(manifest: dict[str, Any]) -> dict[str, list[str] | None]:
    return {
        source["unique_id"]: source["config"].get("meta", {}).get("dagster", {}).get("asset_key")
        for source in manifest["sources"].values()
    }


def test_every_source_names_the_ingest_asset_that_writes_it(
    parsed_manifest: dict[str, Any],
) -> None:
    keys = source_asset_keys(parsed_manifest)
    assert keys, "no sources parsed"
    assert [uid for uid, key in keys.items() if not key] == []
    writers = [*UNIFIED_RECORD_TABLES, tuple(PERSON_LINK.path)]
    assert sorted(tuple(key) for key in keys.values() if key) == sorted(writers)
