"""The four reporting workbooks, each with its family's tables and a metadata sheet."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import polars as pl
import xlsxwriter

# With no extract used there is no data date to stamp; any fixed date keeps the bytes stable.
NO_EXTRACTS = dt.datetime(2000, 1, 1)
COUNTING_RULES = [
    "Victims identified in year Y: persons (not rows) in the ANITP register identified in Y; "
    "a person registered twice in one year counts once; the latest extract of each period "
    "supersedes earlier ones.",
    "Child: under 18 at identification. Domestic: exploited in Romania. Form: the main form.",
    "Rates per 100,000 usually-resident population on 1 January (INS POP105A; by sex and age "
    "Eurostat demo_pjan). Over several years (e.g. the county table of a period): total "
    "victims / sum of the yearly populations x 100,000, i.e. the average annual rate; the "
    "internal and the public tables use this one definition.",
    "Victims with unknown residence count in national totals, not in any county.",
    "Police cases registered: by year of registration. Persons sent to court: indictment + "
    "plea agreement, by year of the prosecutor's solution. Convictions: persons, by year of the "
    "decision, at first instance and final; a suspended sentence is a conviction.",
    "0 means none; an empty count or amount means unknown (no extract covers it); an empty "
    "rate or share could not be computed (no population for the group, no known total) or, "
    "in the public release, belongs to a hidden count.",
]
PUBLIC_NOTES = [
    "Markers: <10 = a count from 1 to 9, not published. [c] = a count of at least 10 hidden so "
    "that no <10 cell can be worked out from the totals and the other tables (secondary "
    "suppression); in an amount column (confiscation, damages), [c] = an amount withheld "
    "because fewer than 10 convicted persons are behind it. A hidden cell is always marked; "
    "an empty cell means unknown, never hidden.",
    "Every other count is rounded to the nearest multiple of 5; each total is rounded from its "
    "own exact count, so the cells shown need not add up to the total shown.",
    "Rates and shares in the public release are computed from the rounded published counts, "
    "not from the exact ones: an exact rate times the published population would give the "
    "exact count back and undo the rounding. Where the count is hidden, its rate or share is "
    "not published (empty).",
]


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_MARKER = re.compile(r"<\d+|\[c\]")


def _is_marked_numbers(column: pl.Series) -> bool:
    """A public count or amount column: text holding numbers, and markers where hidden."""
    values = column.drop_nulls()
    return (
        column.dtype == pl.Utf8
        and values.len() > 0
        and all(_NUMBER.fullmatch(v) or _MARKER.fullmatch(v) for v in values)
    )


def _as_number(text: str) -> int | float | str:
    """'40' -> 40 (so Excel sums it); a marker ('<10', '[c]') stays text."""
    if not _NUMBER.fullmatch(text):
        return text
    number = float(text)
    return int(number) if number.is_integer() else number


def _cells(frame: pl.DataFrame) -> list[list[object]]:
    numeric = {name for name in frame.columns if _is_marked_numbers(frame[name])}
    rows: list[list[object]] = []
    for row in frame.iter_rows(named=True):
        cells: list[object] = []
        for name, value in row.items():
            if isinstance(value, str) and name in numeric:
                value = _as_number(value)
            elif isinstance(value, dt.date):
                value = value.isoformat()
            cells.append(value)
        rows.append(cells)
    return rows


def _sheet(book: xlsxwriter.Workbook, name: str, frame: pl.DataFrame) -> None:
    sheet = book.add_worksheet(name[:31])
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, frame.columns, bold)
    for r, row in enumerate(_cells(frame), start=1):
        for c, value in enumerate(row):
            if value is not None:
                sheet.write(r, c, value)
    sheet.set_column(0, max(len(frame.columns) - 1, 0), 18)


def disclosure_rules(doc: str) -> list[str]:
    """The bullet list under "The rules, in plain words" in `sdc`'s docstring, one rule per
    string, unwrapped and without markdown, so the outputs quote the code's own rules."""
    paragraphs = doc.split("\n\n")
    heading = next((i for i, p in enumerate(paragraphs) if p.startswith("The rules")), None)
    if heading is None:
        raise ValueError("sdc's docstring lost its 'The rules, in plain words' section")
    rules: list[str] = []
    for paragraph in paragraphs[heading + 1 :]:
        if not paragraph.lstrip().startswith("- "):
            break
        rules += re.split(r"\n(?=- )", paragraph.strip())
    return [
        " ".join(line.strip() for line in rule.splitlines())
        .removeprefix("- ")
        .replace("**", "")
        .replace("`", "")
        for rule in rules
    ]


def metadata(
    period: str, extracts: pl.DataFrame, breaks: pl.DataFrame, disclosure: Sequence[str]
) -> pl.DataFrame:
    """One sheet of (item, value) rows: period, extracts used, rules, series breaks, SDC."""
    rows = [("period", period)]
    rows += [("disclosure control", rule) for rule in disclosure]
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
