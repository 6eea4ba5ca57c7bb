"""Publication: the database analysts open, and the standard tables report teams pull.

`published_database` runs only when every upstream step (row conservation, pandera, dbt
models and tests) succeeded, and itself blocks on the disclosure audit, so a run that fails
anywhere leaves the previous publication in place. The audit's tables are what
`standard_tables` publishes (`reporting/staged.py`): a release is protected once.
"""

from pathlib import Path
from typing import Any

import dagster as dg

from pipelines import settings
from pipelines.defs.dbt.assets import tipstats_dbt
from pipelines.defs.resources import WRITER_POOL, WarehouseResource
from pipelines.ops import publication
from pipelines.ops.dbt_state import dbt_code
from pipelines.reporting import staged
from pipelines.reporting.sdc import DisclosureError

PUBLISHED = dg.AssetKey("published_database")
TABLES_FOLDER = staged.TABLES_FOLDER
REPORT_FOLDER = "report"


def _disclosure_audit(database: Path) -> None:
    """The public release of every year the database holds must pass disclosure control;
    the tables it protects are staged for `standard_tables` (`staged.py`)."""
    try:
        staged.stage(database, settings.published_dir())
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
            state = publication.state_of(warehouse.resolved_path(), dbt_code())
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
    # Protected once per publication: by its audit, unless this is an older publication.
    files = staged.take(settings.published_dir(), source, out)
    if files is None:
        context.log.info("no tables staged for this publication; protecting its release")
        files = staged.write_release(source, span, out)
    return dg.MaterializeResult(
        metadata={"folder": str(out), "period": f"{span[0]}-{span[1]}", "files": len(files)}
    )


@dg.asset(
    group_name="publication",
    deps=[standard_tables],
    kinds={"html", "pdf"},
    description="published/report/: the annual report of every year published (internal, and "
    "public/ from the disclosure-controlled tables), HTML with inline charts and map, and PDF.",
)
def annual_report(context: dg.AssetExecutionContext) -> dg.MaterializeResult[Any]:
    source = publication.as_of(settings.published_dir(), None).path
    span = publication.years(source)
    if span is None:
        context.log.warning("no victim counts published yet; no report written")
        return dg.MaterializeResult(metadata={"files": 0})
    # matplotlib and playwright load here, not with the definitions
    from pipelines.reporting.report import PdfError, print_pdfs, published_release, write_report

    out = settings.published_dir() / REPORT_FOLDER
    # the public edition reads the release standard_tables has just protected
    public_tables = published_release(settings.published_dir() / TABLES_FOLDER / "public")
    htmls = [
        write_report(source, *span, out, public, pdf=False, release=release).html
        for public, release in ((False, None), (True, public_tables))
    ]
    files = [html.name for html in htmls]
    try:  # the HTML is the report; the PDF needs chromium
        print_pdfs({html: html.with_suffix(".pdf") for html in htmls})
        files += [html.with_suffix(".pdf").name for html in htmls]
    except PdfError as error:
        context.log.warning(f"{error}; the reports are written without their PDFs")
    return dg.MaterializeResult(
        metadata={"folder": str(out), "period": f"{span[0]}-{span[1]}", "files": len(files)}
    )


@dg.definitions
def defs() -> dg.Definitions:
    # After every dbt model and test: a failure anywhere upstream skips publication.
    published_database = _published_database(list(tipstats_dbt().keys))
    return dg.Definitions(assets=[published_database, standard_tables, annual_report])
