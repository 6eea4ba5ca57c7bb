"""dbt (dbt-duckdb) models as Dagster assets, downstream of the unified record base."""

import sys
from collections.abc import Iterator, Sequence
from functools import cache, cached_property
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DbtCliInvocation, DbtCliResource, dbt_assets
from dbt.version import __version__ as dbt_version
from packaging.version import Version
from pydantic import PrivateAttr

from pipelines import settings
from pipelines.defs.dbt.project import dbt_project, prepare_if_stale
from pipelines.defs.dbt.translator import TipstatsDbtTranslator
from pipelines.defs.resources import WRITER_POOL, WarehouseResource
from pipelines.ingest import warehouse as wh
from pipelines.ops import dbt_state, publication, warm_dbt

# dbt through `tipstats-dbt` (pipelines/dbt_child.py): killed with the run that started it,
# so an orphaned `dbt build` never keeps the warehouse locked.
DBT_EXECUTABLE = Path(sys.executable).with_name("tipstats-dbt")


class TipstatsDbtCli(DbtCliResource):
    """dagster-dbt's resource, without the `dbt --version` process it starts before every
    command (about a second): the dbt it runs is the dbt-core installed beside it. Nor does
    it load dbt's project, profile and macros into this process for an adapter handle
    (about a second more): that handle serves only `fetch_row_counts` and
    `fetch_column_metadata`, which these assets do not call. A run that may build over a
    small landing zone starts a warm dbt with it (`warm_dbt`): dbt's imports, 2.5 s, go on
    beside the run's first steps instead of before the build."""

    _warm: warm_dbt.WarmDbt | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        super().setup_for_execution(context)
        if settings.warm_dbt_wanted(settings.landing_path()):
            self._warm = warm_dbt.start()

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._warm is not None:
            self._warm.stop()

    @cached_property
    def _cli_version(self) -> Version:
        return Version(dbt_version)

    # Declared to return an adapter; its one caller (`cli`) also runs without one (None).
    def _initialize_dbt_core_adapter(self, args: Sequence[str]) -> None:  # type: ignore[override]
        return None


def streamed(invocation: DbtCliInvocation) -> Iterator[Any]:
    """The invocation's Dagster events; dbt is stopped when they end early (an error while
    reading them would otherwise leave dbt running, holding the warehouse's lock)."""
    try:
        yield from invocation.stream()
    finally:
        if invocation.process.poll() is None:
            invocation.process.terminate()
            invocation.process.wait()


@cache
def tipstats_dbt() -> dg.AssetsDefinition:
    """The dbt graph; built once per process (publication depends on all of it)."""
    # Every load (`tipstats run`, `dagster dev` and its runs, a daemon's code server) parses
    # when the project changed since its manifest; not `prepare_if_dev`, which made `dagster
    # dev` parse on every load, each run's process included (about 5 s before its first step).
    prepare_if_stale()

    # dbt's profile reads the warehouse from TIPSTATS_WAREHOUSE, like the warehouse resource.
    @dbt_assets(
        manifest=dbt_project.manifest_path,
        project=dbt_project,
        dagster_dbt_translator=TipstatsDbtTranslator(),
        pool=WRITER_POOL,
    )
    def tipstats_dbt(
        context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource
    ) -> Iterator[Any]:
        # Nothing loaded and no dbt code changed since the last build, which is also what is
        # published: dbt is not started (its outputs are optional, so nothing downstream
        # runs). A publication that failed after the build is retried with a new build.
        path = warehouse.resolved_path()
        with warehouse.writing():
            state = publication.state_of(path, dbt_state.dbt_code())
            with wh.connect(path) as con:
                built = dbt_state.last_built(con)
            if built == state == publication.published_state(settings.published_dir()):
                context.log.info("no new data and no dbt change since the last build: dbt skipped")
                return
            # One kept target folder per warehouse: dbt re-parses only what changed.
            target = dbt_state.target_folder(path)
            build = ["build", "--threads", str(settings.dbt_threads(path))]
            yield from streamed(dbt.cli(build, context=context, target_path=target))
            # Only a build of every model vouches for all the marts (a sensor's run builds
            # the models downstream of one agency).
            if context.selected_asset_keys == context.assets_def.keys:
                with wh.connect(path) as con:
                    dbt_state.record_build(con, state)

    return tipstats_dbt


@dg.definitions
def defs() -> dg.Definitions:
    return dg.Definitions(
        assets=[tipstats_dbt()],
        resources={
            "dbt": TipstatsDbtCli(
                project_dir=str(dbt_project.project_dir), dbt_executable=str(DBT_EXECUTABLE)
            )
        },
    )
