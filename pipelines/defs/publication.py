"""Publication: the database analysts open, and the standard tables report teams pull.

`published_database` runs only when every upstream step (row conservation, pandera, dbt
models and tests) succeeded, and itself blocks on the disclosure audit, so a run that fails
anywhere leaves the previous publication in place.
"""

import tempfile
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines import settings
from pipelines.defs.dbt.assets import tipstats_dbt
from pipelines.defs.resources import WRITER_POOL, WarehouseResource
from pipelines.ops import publication
from pipelines.reporting.sdc import DisclosureError
from pipelines.reporting.tables import write_tables

PUBLISHED = dg.AssetKey("published_database")
TABLES_FOLDER = "tables"


def _dbt_code() -> list[Path]:
    """The files that decide what the marts hold, besides the data: the dbt project, and
    the estimation code its Python model int_mse_estimates runs."""
    folders = ("models", "macros", "seeds", "tests")
    root = settings.DBT_PROJECT_DIR
    files = [p for folder in folders for p in (root / folder).rglob("*") if p.is_file()]
    estimation = sorted((settings.PROJECT_ROOT / "pipelines" / "estimation").glob("*.py"))
    return [root / "dbt_project.yml", *files, *estimation]


def _disclosure_audit(database: Path) -> None:
    """The public release of every year the database holds must pass disclosure control."""
    span = publication.years(database)
    if span is None:
        return
    with tempfile.TemporaryDirectory() as scratch:
        try:
            write_tables(database, *span, Path(scratch), "both", True)
        except DisclosureError as error:
            raise dg.Failure(
                f"release blocked by disclosure control: {error}; the previous publication stays"
            ) from None


def _published_database(upstream: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=PUBLISHED,
        group_name="publication",
        pool=WRITER_POOL,
        deps=upstream,
        kinds={"duckdb"},
        description="published/tipstats.duckdb: the checked warehouse, swapped in atomically; "
        "what analysts and `tipstats tables` read. Every publication is kept in "
        "published/history/.",
    )
    def published_database(
        context: dg.AssetExecutionContext, warehouse: WarehouseResource
    ) -> dg.MaterializeResult[Any]:
        with warehouse.writing():
            state = publication.state_of(warehouse.resolved_path(), _dbt_code())
            done = publication.publish(
                warehouse.resolved_path(),
                settings.published_dir(),
                context.run.run_id,
                state,
                audit=_disclosure_audit,
            )
        if not done.changed:
            context.log.info("nothing new since the last publication; it stays as it is")
        return dg.MaterializeResult(
            metadata={
                "path": str(done.path),
                "built_at": done.built_at.isoformat(),
                "new_publication": done.changed,
            }
        )

    return published_database


@dg.asset(
    group_name="publication",
    deps=[PUBLISHED],
    kinds={"csv", "excel"},
    description="published/tables/: the standard tables of every year published, internal "
    "and (public/) with disclosure control, from the published database.",
)
def standard_tables(context: dg.AssetExecutionContext) -> dg.MaterializeResult[Any]:
    source = publication.as_of(settings.published_dir(), None).path
    span = publication.years(source)
    if span is None:
        context.log.warning("no victim counts published yet; no tables written")
        return dg.MaterializeResult(metadata={"files": 0})
    out = settings.published_dir() / TABLES_FOLDER
    internal = write_tables(source, *span, out, "both", False)
    public = write_tables(source, *span, out, "both", True)
    return dg.MaterializeResult(
        metadata={
            "folder": str(out),
            "period": f"{span[0]}-{span[1]}",
            "files": len(internal.files) + len(public.files),
        }
    )


@dg.definitions
def defs() -> dg.Definitions:
    # After every dbt model and test: a failure anywhere upstream skips publication.
    published_database = _published_database(list(tipstats_dbt().keys))
    return dg.Definitions(assets=[published_database, standard_tables])
