"""Resources: the warehouse (one DuckDB file) and the landing zone."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import settings
from pipelines.ingest import warehouse as wh


class WarehouseResource(dg.ConfigurableResource):
    """The DuckDB warehouse; path from config, else TIPSTATS_WAREHOUSE, else data/."""

    path: str | None = None

    def resolved_path(self) -> Path:
        return Path(self.path).resolve() if self.path else settings.warehouse_path()

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with wh.connect(self.resolved_path()) as con:
            wh.ensure_tables(con)
            yield con


class LandingResource(dg.ConfigurableResource):
    """The landing zone; path from config, else TIPSTATS_LANDING, else the bundled sample."""

    path: str | None = None

    def resolved_path(self) -> Path:
        return Path(self.path).resolve() if self.path else settings.landing_path()
