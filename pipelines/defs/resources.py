"""Resources shared by every area: the warehouse (one DuckDB file) and the landing zone.

Both read their path from the environment (dg.EnvVar), as dbt's profile does; the
definitions entry point fills in the defaults before anything is loaded.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import settings
from pipelines.ingest import warehouse as wh
from pipelines.ops.lock import writer_lock

# Every asset that writes the warehouse is in this pool (limit 1 in dagster.yaml):
# DuckDB allows one writer per file.
WRITER_POOL = "duckdb_writer"


# Both resources subclass dagster's bare ConfigurableResource, as its docs do: its generic
# parameter is the value handed to assets (here the resource itself), and subscribing it
# would put a pydantic-generated class in the resource's MRO.
class WarehouseResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The DuckDB warehouse file."""

    path: str

    def resolved_path(self) -> Path:
        return Path(self.path).expanduser().resolve()

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the writer lock: steps of runs started anywhere never write at the same time."""
        with writer_lock(self.resolved_path()):
            yield

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.writing(), wh.connect(self.resolved_path()) as con:
            wh.ensure_tables(con)
            yield con


class LandingResource(dg.ConfigurableResource):  # type: ignore[type-arg]
    """The landing zone, one folder per agency."""

    path: str

    def resolved_path(self) -> Path:
        return Path(self.path).expanduser().resolve()


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        resources={
            "warehouse": WarehouseResource(path=dg.EnvVar(settings.WAREHOUSE_ENV)),
            "landing": LandingResource(path=dg.EnvVar(settings.LANDING_ENV)),
        }
    )
