"""The annual report: one self-contained HTML file (charts and the county map as inline SVG,
CSS inline, no network) and the same printed to PDF by Debian's chromium.

`write_report` reads the published database read-only, builds the sections
(`sections.SECTIONS`) from the standard tables (`tables.release`; with `public`, the
protected release of the public workbooks) and the marts, and writes
`OUT/tipstats_report_<period>.html` and `.pdf` (with `public`: under `OUT/public/`).
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Mapping
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import jinja2
import polars as pl

from pipelines.reporting import queries, tables
from pipelines.reporting.queries import Period
from pipelines.reporting.report import sections
from pipelines.reporting.report.cells import Cell
from pipelines.reporting.workbooks import PUBLIC_NOTES

TEMPLATE = "report.html.j2"
YEAR_COLUMNS = ("year", "registration_year")


class PdfError(Exception):
    """The PDF could not be printed (no chromium); the HTML is written all the same."""


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pdf: Path | None

    def __str__(self) -> str:
        lines = [f"report: {self.html}"]
        lines.append(f"pdf:    {self.pdf}" if self.pdf else "pdf:    not written")
        return "\n".join(lines)


def _attributes(cell: Cell) -> dict[str, str]:
    attributes = cell.attributes()
    kinds = cell.classes or (() if cell.value is not None or cell.trace else ("text",))
    if kinds:
        attributes["class"] = " ".join(kinds)
    return attributes


def _extracts(extracts: pl.DataFrame, period: Period) -> pl.DataFrame:
    year = pl.col("period").str.slice(0, 4).cast(pl.Int32, strict=False)
    return extracts.filter(year.is_between(period.first, period.last))


def published_release(folder: Path) -> dict[str, pl.DataFrame]:
    """The public tables as `tipstats tables --publish` wrote them into `folder` (cells as
    text, as published; years as numbers), so that a run protects its release once."""
    release = {}
    for name in tables.CSV_TABLES:
        frame = pl.read_csv(folder / f"{name}.csv", infer_schema=False)
        years = [c for c in YEAR_COLUMNS if c in frame.columns]
        release[name] = frame.with_columns(pl.col(years).cast(pl.Int32))
    return release


def render(
    database: Path, period: Period, public: bool, release: dict[str, pl.DataFrame] | None = None
) -> str:
    """The report's HTML; `release`: the standard tables already made for the period."""
    with closing(queries.connect_read_only(database)) as con:
        ctx = sections.Context(
            con=con,
            period=period,
            public=public,
            tables=release if release is not None else tables.release(con, period, public),
            labels=queries.code_labels(con),
            extracts=_extracts(queries.extracts_used(con), period),
        )
        if all(ctx.tables[name].is_empty() for name in tables.CSV_TABLES):
            raise tables.EmptyPeriodError(f"no data for {period.label}: no report written")
        built = [section(ctx) for section in sections.SECTIONS]
    environment = jinja2.Environment(
        loader=jinja2.PackageLoader("pipelines.reporting.report", "."),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
    )
    kind = "public release" if public else "internal edition"
    return environment.get_template(TEMPLATE).render(
        title=f"Trafficking in persons in Romania: annual report {period.label}",
        subtitle=f"Figures from the agencies' extracts, {period.label} ({kind}).",
        sections=built,
        public_notes=PUBLIC_NOTES if public else [],
        attributes=_attributes,
        database=database.name,
        latest_extract=ctx.extracts["extract_date"].max() or "none",
    )


def print_pdf(html: Path, pdf: Path) -> None:
    """Print the HTML to A4 PDF in Debian's chromium (never a downloaded browser)."""
    print_pdfs({html: pdf})


def print_pdfs(pdfs: Mapping[Path, Path]) -> None:
    """Print each HTML to its A4 PDF, all in one chromium (its start is a second a time)."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium")
    if chromium is None:
        raise PdfError("chromium not found: install it (`make browser`) to print the PDF")
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium)
            try:
                for html, pdf in pdfs.items():
                    page = browser.new_page()
                    page.goto(html.resolve().as_uri(), wait_until="load")
                    page.pdf(
                        path=str(pdf),
                        format="A4",
                        print_background=True,
                        margin={"top": "15mm", "bottom": "15mm", "left": "12mm", "right": "12mm"},
                    )
                    page.close()
            finally:
                browser.close()
    except PlaywrightError as error:
        raise PdfError(
            f"chromium could not print the PDF: {error.message.splitlines()[0]}"
        ) from None


def write_report(
    database: Path,
    year_from: int,
    year_to: int,
    out: Path,
    public: bool,
    pdf: bool = True,
    release: dict[str, pl.DataFrame] | None = None,
) -> ReportFiles:
    """Write the report of [year_from, year_to] (from `release` when given, else from the
    standard tables made here); raises tables.EmptyPeriodError when no table has data for
    those years, DisclosureError when the public release is blocked and PdfError (after
    writing the HTML) when the PDF cannot be printed."""
    period = Period(year_from, year_to)
    text = render(database, period, public, release)
    target = out / "public" if public else out
    target.mkdir(parents=True, exist_ok=True)
    html = target / f"tipstats_report_{period.label}.html"
    _write_atomically(html, text)
    if not pdf:
        return ReportFiles(html, None)
    printed = html.with_suffix(".pdf")
    print_pdf(html, printed)
    return ReportFiles(html, printed)


def _write_atomically(path: Path, text: str) -> None:
    """A reader never sees half a report."""
    with tempfile.NamedTemporaryFile(
        "w", encoding="utf-8", dir=path.parent, suffix=".tmp", delete=False
    ) as handle:
        handle.write(text)
    written = Path(handle.name)
    written.chmod(0o644)  # a report to share, not the 0600 of a temporary file
    written.replace(path)
