"""The `tipstats` command line."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
import duckdb

from pipelines import settings


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
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(message)s")


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
@click.pass_context
def run(ctx: click.Context, landing: Path | None, warehouse: Path | None) -> None:
    """Read new files, validate, publish unified records and build the marts.

    Prints per agency: files read / rejected, rows read / accepted / quarantined,
    and the quarantine's top reasons. Exits 1 when a blocking check failed.
    """
    settings.export_environment(warehouse, landing)
    from pipelines.run import run_pipeline

    outcome = run_pipeline(verbose=ctx.obj["verbose"])
    click.echo(outcome.report)
    sys.exit(0 if outcome.success else 1)


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
    "--warehouse",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="DuckDB file to read (default: TIPSTATS_WAREHOUSE or data/warehouse.duckdb).",
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
    help="Folder to write the tables into.",
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
    help="Public release: disclosure control (<10, base-5 rounding, secondary "
    "suppression, audited).",
)
def tables(
    warehouse: Path | None, year_from: int, year_to: int, out: Path, fmt: str, publish: bool
) -> None:
    """Write the standard tables (GRETA, TIP, Eurostat, UNODC/SDG 16.2.2) for a period."""
    if year_from > year_to:
        raise click.BadParameter("--from must not be after --to", param_hint="--from")
    from pipelines.reporting.sdc import DisclosureError
    from pipelines.reporting.tables import write_tables

    path = warehouse or settings.warehouse_path()
    if not path.exists():
        raise click.ClickException(f"no warehouse at {path}; run `tipstats run` first")
    try:
        report = write_tables(path, year_from, year_to, out, fmt, publish)  # type: ignore[arg-type]
    except DisclosureError as error:
        raise click.ClickException(f"release blocked by disclosure control: {error}") from None
    except duckdb.CatalogException:
        raise click.ClickException(
            f"{path} has no report tables yet; run `tipstats run` first"
        ) from None
    except duckdb.IOException:
        raise click.ClickException(
            f"{path} is in use by a running pipeline; try again after it"
        ) from None
    click.echo(str(report))
