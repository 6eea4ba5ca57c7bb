"""Every mart is documented, column by column, and carries an enforced contract."""

from __future__ import annotations

import json

from pipelines.defs.dbt.project import dbt_project


def test_every_mart_column_is_described_and_contracted() -> None:
    manifest = json.loads(dbt_project.manifest_path.read_text(encoding="utf-8"))
    marts = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["schema"] == "marts"
    ]
    assert len(marts) >= 20
    for node in marts:
        assert node["description"].strip(), node["name"]
        assert node["config"]["contract"]["enforced"], node["name"]
        assert node["columns"], node["name"]
        for name, column in node["columns"].items():
            assert column["description"].strip(), f"{node['name']}.{name}"
            assert column["data_type"], f"{node['name']}.{name}"
