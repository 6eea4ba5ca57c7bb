"""The `tipstats` command line."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

import click
import duckdb

from pipelines import settings
from schemas.vocabulary import AGENCIES

if TYPE_CHECKING:
    from pipelines.ops.status import LastRun
    from pipelines.reporting.tables import Format


class BadInvocation(click.ClickException):
    """A command that cannot run as invoked: one line, exit 2."""

    exit_code = 2


def _guarded(action: Callable[[], None]) -> None:
    """Run a command body; the operational errors it can meet become one line each."""
    from pipelines.ops.keyguard import KeyMismatchError
    from pipelines.ops.lock import WarehouseBusyError
    from pipelines.ops.preflight import InvocationError
    from pipelines.ops.publication import NoPublicationError

    try:
        action()
    except (InvocationError, KeyMismatchError, WarehouseBusyError) as error:
        raise BadInvocation(str(error)) from None
    except NoPublicationError as error:
        raise click.ClickException(str(error)) from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Show Dagster and dbt progress logs.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """tipstats: Romanian trafficking-in-persons statistics from agency extracts.

    Paths default to TIPSTATS_WAREHOUSE (else data/warehouse.duckdb) and
    TIPSTATS_LANDING (else the bundled sample landing zone). The pseudonym key
    comes from TIPSTATS_PSEUDONYM_KEY (the key, or a file holding it).
    """
    ctx.ensure_object(dict)
    ctx.obj["verbose"] = verbose
    level = logging.INFO if verbose else logging.WARNING
    logging.basicConfig(level=level, format="%(message)s")
    # Dagster sets its own logger back to DEBUG whenever a library asks for one (dagster-dbt
    # does, per dbt call), and those records reach this handler: the handler keeps them out.
    for handler in logging.getLogger().handlers:
        handler.setLevel(level)


@main.command()
@click.option(
    "--landing",
    type=click.Path(file_okay=False, path_type=Path),
    help="Landing zone with one folder per agency (default: TIPSTATS_LANDING or sample).",
)
@click.option(
    "--warehouse",
    type=click.Path(dir_okay=False, path_type=Path),
    help="DuckDB file to write (default: TIPSTATS_WAREHOUSE or data/warehouse.duckdb).",
)
@click.option(
    "--force",
    is_flag=True,
    help="Run every step even when no file is new and the publication is current.",
)
@click.pass_context
def run(ctx: click.Context, landing: Path | None, warehouse: Path | None, force: bool) -> None:
    """Read new files, validate, publish unified records and build the marts.

    Prints per agency: files read / rejected, rows read / accepted / quarantined,
    and the quarantine's top reasons. Exits 1 when a blocking check failed. With no new
    file and the publication current, says so in one line and exits 0 without a run.
    """
    settings.export_environment(warehouse, landing)

    def body() -> None:
        from pipelines.ops import preflight
        from pipelines.run import run_pipeline

        preflight.check_landing(settings.landing_path())
        preflight.check_writable(settings.warehouse_path().parent, "warehouse")
        preflight.check_writable(settings.published_dir(), "published")
        preflight.check_resource_settings()
        outcome = run_pipeline(verbose=ctx.obj["verbose"], force=force)
        click.echo(outcome.report)
        sys.exit(0 if outcome.success else 1)

    _guarded(body)


@main.command()
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the landing zone (one sub-folder per agency).",
)
@click.option("--years", default="2012-2024", show_default=True, help="Years, e.g. 2012-2024.")
@click.option(
    "--victims-per-year",
    default=500,
    show_default=True,
    type=click.IntRange(1),
    help="Victims identified per year in the ground truth.",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Random seed.")
@click.option(
    "--truth",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the ground truth (default: <OUT>_truth beside OUT).",
)
def generate(out: Path, years: str, victims_per_year: int, seed: int, truth: Path | None) -> None:
    """Write a synthetic landing zone in the agencies' formats, with its ground truth."""
    from synthetic import generate_world, parse_years

    truth_dir = truth or out.parent / f"{out.name}_truth"
    try:
        year_range = parse_years(years)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--years") from None
    summary = generate_world(out, truth_dir, year_range, victims_per_year, seed)
    click.echo(f"landing zone: {out}\nground truth: {truth_dir}\n{summary}")


@main.command()
@click.option(
    "--database",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="DuckDB file to read (default: the published database, "
    "TIPSTATS_PUBLISHED or published/ beside the warehouse).",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"]),
    help="Reproduce the tables as they were published on this date (YYYY-MM-DD: the last "
    "publication of that day) or at this moment (YYYY-MM-DDTHH:MM:SS), in UTC.",
)
@click.option(
    "--from",
    "year_from",
    required=True,
    type=click.IntRange(1990, 2100),
    help="First year of the period.",
)
@click.option(
    "--to",
    "year_to",
    required=True,
    type=click.IntRange(1990, 2100),
    help="Last year of the period.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the tables into; with --publish the public release goes to OUT/public/.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "xlsx", "both"]),
    default="both",
    show_default=True,
    help="csv: the CSV tables; xlsx: the four workbooks; both.",
)
@click.option(
    "--publish",
    is_flag=True,
    help="Public release, written to OUT/public/: disclosure control (<10, base-5 "
    "rounding, secondary suppression, audited).",
)
def tables(
    database: Path | None,
    as_of: datetime | None,
    year_from: int,
    year_to: int,
    out: Path,
    fmt: Format,
    publish: bool,
) -> None:
    """Write the standard tables (GRETA, TIP, Eurostat, UNODC/SDG 16.2.2) for a period.

    They are read from the published database, which a run replaces atomically: they never
    mix two runs, and `--as-of` gives back what was published on an earlier date. Internal
    tables go to OUT/, the public release (--publish) to OUT/public/. A period without data
    writes nothing and exits 1.
    """
    if year_from > year_to:
        raise BadInvocation("--from must not be after --to")
    if database and as_of:
        raise BadInvocation("--database and --as-of exclude each other")

    def body() -> None:
        from pipelines.ops import preflight, publication
        from pipelines.reporting import staged
        from pipelines.reporting.sdc import DisclosureError
        from pipelines.reporting.tables import EmptyPeriodError, write_tables

        source = database or publication.as_of(settings.published_dir(), _moment(as_of)).path
        preflight.check_writable(out, "output")
        try:
            # The current publication's whole release is already protected in published/tables/.
            copied = (
                staged.copy_release(
                    settings.published_dir(), source, (year_from, year_to), out, fmt
                )
                if publish and database is None and as_of is None
                else None
            )
            report = copied or write_tables(source, year_from, year_to, out, fmt, publish)
        except DisclosureError as error:
            raise click.ClickException(f"release blocked by disclosure control: {error}") from None
        except duckdb.CatalogException:
            raise click.ClickException(f"{source} has no report tables") from None
        except EmptyPeriodError as error:
            click.echo(f"warning: {error} (read {source})", err=True)
            sys.exit(1)
        click.echo(str(report))

    _guarded(body)


@main.command()
@click.option(
    "--database",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="DuckDB file to read (default: the published database).",
)
@click.option(
    "--from", "year_from", required=True, type=click.IntRange(1990, 2100), help="First year."
)
@click.option("--to", "year_to", required=True, type=click.IntRange(1990, 2100), help="Last year.")
@click.option(
    "--out",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write the report into; with --publish it goes to OUT/public/.",
)
@click.option(
    "--publish",
    is_flag=True,
    help="Public report: only figures of the disclosure-controlled release (the public "
    "workbooks' tables), with the suppression markers explained.",
)
def report(database: Path | None, year_from: int, year_to: int, out: Path, publish: bool) -> None:
    """Write the annual report of a period: one self-contained HTML file and its PDF.

    Charts and the county map are inline SVG; every number names the mart and row it came
    from. The PDF is printed by Debian's chromium (`make browser`); without it the HTML is
    written and the command exits 1. A period without data writes nothing and exits 1.
    """
    if year_from > year_to:
        raise BadInvocation("--from must not be after --to")

    def body() -> None:
        from pipelines.ops import preflight, publication
        from pipelines.reporting.report import PdfError, write_report
        from pipelines.reporting.sdc import DisclosureError
        from pipelines.reporting.tables import EmptyPeriodError

        source = database or publication.as_of(settings.published_dir(), None).path
        preflight.check_writable(out, "output")
        try:
            files = write_report(source, year_from, year_to, out, publish)
        except DisclosureError as error:
            raise click.ClickException(f"release blocked by disclosure control: {error}") from None
        except duckdb.CatalogException:
            raise click.ClickException(f"{source} has no report tables") from None
        except EmptyPeriodError as error:
            click.echo(f"warning: {error} (read {source})", err=True)
            sys.exit(1)
        except PdfError as error:
            raise click.ClickException(f"HTML written, no PDF: {error}") from None
        click.echo(str(files))

    _guarded(body)


def _moment(as_of: datetime | None) -> date | datetime | None:
    """A bare date means the end of that day; a date with a time, that moment."""
    if as_of is None:
        return None
    return as_of.date() if as_of.time() == time() else as_of


@main.command()
def status() -> None:
    """Last run and its result, files waiting, per-agency freshness, what is published."""
    from pipelines.ops.status import status as read_status

    click.echo(
        read_status(
            settings.warehouse_path(),
            settings.published_dir(),
            settings.landing_path(),
            _last_run(),
            settings.freshness_days(),
        ).render()
    )


def _last_run() -> LastRun | None:
    """The newest run in the project's Dagster instance, if it has one."""
    import dagster as dg

    from pipelines.ops.status import LastRun

    home = settings.dagster_home()
    if not (home / "storage").exists():
        return None
    with dg.DagsterInstance.from_config(str(home)) as instance:
        records = instance.get_run_records(limit=1)
    if not records:
        return None
    record = records[0]
    started = record.start_time
    return LastRun(
        record.dagster_run.run_id,
        record.dagster_run.status.value,
        datetime.fromtimestamp(started, UTC) if started else None,
    )


@main.command()
@click.option(
    "--agency",
    type=click.Choice(AGENCIES),
    help="Only this agency's rows (default: all agencies).",
)
@click.option("--run", "run_id", help="Only rows of files read in this run (id or its prefix).")
@click.option(
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="CSV file to write (file, sheet, row, column, rule, reason, masked value).",
)
def quarantine(agency: str | None, run_id: str | None, out: Path) -> None:
    """Export quarantined rows from the published database, for a steward to act on."""

    def body() -> None:
        from pipelines.ops import preflight, publication
        from pipelines.ops.quarantine import quarantined

        source = publication.as_of(settings.published_dir(), None).path
        preflight.check_writable(out.resolve().parent, "output")
        rows = quarantined(source, agency, run_id)
        rows.write_csv(out)
        click.echo(f"{rows.height} quarantined cells written to {out}")

    _guarded(body)


@main.group()
def mse() -> None:
    """Multiple systems estimation: how many cases no list found."""


@mse.command("estimate")
@click.option(
    "--capture-histories",
    "path",
    required=True,
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="CSV: one 0/1 column per list, then a column with the count of each history.",
)
@click.option(
    "--method",
    type=click.Choice(["main", "stepwise", "bic"]),
    default="stepwise",
    show_default=True,
    help="main effects; stepwise two-list interactions (Chan, Silverman & Vincent); "
    "or the hierarchical model with the lowest BIC.",
)
@click.option(
    "--p-threshold",
    default=0.02,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Stepwise: add an interaction only below this p-value.",
)
@click.option(
    "--max-order",
    type=click.Choice(["2", "all"]),
    default="2",
    show_default=True,
    help="BIC: highest order of the interactions (2 lists, or all but the full one).",
)
@click.option(
    "--bootstrap",
    "replicates",
    default=0,
    type=click.IntRange(0),
    help="Resamples for a BCa interval that repeats the model choice (0: the model's own "
    "interval).",
)
@click.option("--seed", default=1, show_default=True, type=int, help="Seed of the bootstrap.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
def mse_estimate(
    path: Path,
    method: str,
    p_threshold: float,
    max_order: str,
    replicates: int,
    seed: int,
    as_json: bool,
) -> None:
    """Estimate the total population, seen and unseen, from a table of capture histories."""
    from pipelines.estimation.capture import TableError, read_table
    from pipelines.estimation.mse import EstimationError, Options, estimate
    from pipelines.estimation.report import render_json, render_text

    if 0 < replicates < 100:
        raise BadInvocation("--bootstrap needs at least 100 replicates for a BCa interval")
    try:
        table = read_table(path)
    except TableError as error:
        raise BadInvocation(str(error)) from None
    order = len(table.lists) if max_order == "all" else 2
    options = Options(method, p_threshold, order, replicates, seed)  # type: ignore[arg-type]
    try:
        result = estimate(table, options)
    except EstimationError as error:
        raise click.ClickException(f"{path.name}: no estimate: {error}") from None
    click.echo(render_json(result) if as_json else render_text(result))
