"""The four reporting workbooks, each with its family's tables and a metadata sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path

import polars as pl
import xlsxwriter

from pipelines.reporting import dominance

# With no extract used there is no data date to stamp; any fixed date keeps the bytes stable.
NO_EXTRACTS = dt.datetime(2000, 1, 1)
COUNTING_RULES = [
    "Victims identified in year Y: persons (not rows) in the ANITP register identified in Y; "
    "a person registered twice in one year counts once; the latest extract of each period "
    "supersedes earlier ones.",
    "Child: under 18 at identification. Domestic: exploited in Romania. Form: the main form.",
    "Rates per 100,000 usually-resident population on 1 January (INS POP105A; by sex and age "
    "Eurostat demo_pjan). Over several years: total victims / sum of the yearly populations.",
    "Victims with unknown residence count in national totals, not in any county.",
    "Criminal justice: trafficking offences only: Criminal Code art. 210 (trafficking in "
    "persons) and art. 211 (trafficking in minors), and Law 678/2001 arts. 12 and 13 for "
    "cases under the former code; a case or person counts when any of its offences is one, so"
    " a conviction only for procuring (art. 213) or an organised criminal group (art. 367) is"
    " not a trafficking conviction.",
    "Police cases registered: by year of registration. Persons sent to court: indictment + "
    "plea agreement, by year of the prosecutor's solution. Convictions: persons, by year of the "
    "decision, at first instance and final; a suspended sentence is a conviction.",
    "Case durations: Kaplan-Meier median days from police registration to indictment and "
    "from indictment to the final decision, by registration year; open cases are censored at "
    "the latest extract date, the share still open is given; an empty median = not reached.",
    "Money amounts (confiscation_lei, damages_lei, damages_ordered_lei) are amounts ordered in "
    "final decisions on trafficking offences, in lei: ordered, not recovered or paid.",
    dominance.RULE,
    "0 means none; an empty cell means unknown (no extract covers it).",
]


def _sheet(book: xlsxwriter.Workbook, name: str, frame: pl.DataFrame) -> None:
    sheet = book.add_worksheet(name[:31])
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, frame.columns, bold)
    for r, row in enumerate(frame.iter_rows(), start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, dt.date):
                sheet.write_string(r, c, value.isoformat())
            else:
                sheet.write(r, c, value)
    sheet.set_column(0, max(len(frame.columns) - 1, 0), 18)


def metadata(
    period: str, extracts: pl.DataFrame, breaks: pl.DataFrame, disclosure: str
) -> pl.DataFrame:
    """One sheet of (item, value) rows: period, extracts used, rules, series breaks, SDC."""
    rows = [("period", period), ("disclosure control", disclosure)]
    rows += [("counting rule", rule) for rule in COUNTING_RULES]
    rows += [
        (
            "extract used",
            f"{r['source_agency']} {r['period']}: {r['source_file']} (extract of "
            f"{r['extract_date']}, {r['rows_accepted']} rows counted, "
            f"{r['rows_quarantined']} quarantined and not counted)",
        )
        for r in extracts.iter_rows(named=True)
    ]
    rows += [
        ("break in series", f"{r['year']}: {r['description']}")
        for r in breaks.iter_rows(named=True)
    ]
    return pl.DataFrame(rows, schema={"item": pl.Utf8, "value": pl.Utf8}, orient="row")


def creation_date(extracts: pl.DataFrame) -> dt.datetime:
    """The workbook's creation date: the latest extract it reports on, never the export time."""
    latest = extracts["extract_date"].max()
    return dt.datetime.combine(latest, dt.time()) if isinstance(latest, dt.date) else NO_EXTRACTS


def write_workbook(path: Path, sheets: Mapping[str, pl.DataFrame], created: dt.datetime) -> None:
    """Same tables, same bytes: the creation date comes from the data, and in memory mode
    xlsxwriter stamps every zip member 1980-01-01 (not a temp file's time, zone and mode)."""
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties({"created": created, "title": path.stem})
    for name, frame in sheets.items():
        _sheet(book, name, frame)
    book.close()
