"""Per-agency source configuration (`sources/<agency>/source.yaml`)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from schemas.text import column_name

SOURCES_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class EntityConfig:
    """One delivered table: its sheet (XLSX) and its columns as the agency names them."""

    entity: str
    sheet: str | None
    columns: tuple[str, ...]

    @property
    def canonical_columns(self) -> tuple[str, ...]:
        return tuple(column_name(c) for c in self.columns)


@dataclass(frozen=True)
class SourceConfig:
    agency: str
    description: str
    file_format: str
    encoding: str | None
    separator: str | None
    entities: tuple[EntityConfig, ...]

    def entity(self, name: str) -> EntityConfig:
        return next(e for e in self.entities if e.entity == name)


@cache
def load_config(agency: str) -> SourceConfig:
    raw = yaml.safe_load((SOURCES_DIR / agency / "source.yaml").read_text(encoding="utf-8"))
    entities = tuple(
        EntityConfig(name, spec.get("sheet"), tuple(spec["columns"]))
        for name, spec in raw["entities"].items()
    )
    return SourceConfig(
        agency=agency,
        description=raw["description"],
        file_format=raw["format"],
        encoding=raw.get("encoding"),
        separator=raw.get("separator"),
        entities=entities,
    )
