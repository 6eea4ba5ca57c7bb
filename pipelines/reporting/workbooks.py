"""The four reporting workbooks, each with its family's tables and a metadata sheet."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
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
    "Rates per 100,000 usually-resident population on 1 January. Over several years, everywhere: "
    "total victims / sum of the yearly populations (the average annual rate).",
    "Population, one basis per table: victims_by_year, victims_by_county and "
    "victims_by_county_year use INS TEMPO POP105A (the national figure is the sum of the 42 "
    "counties); sdg_16_2_2 and the Eurostat sheet by sex and age use Eurostat demo_pjan for every "
    "row, totals included, so female + male = total and child + adult = total.",
    "County rates for children cannot be computed: the reference data has county populations "
    "in total only (INS POP105A), not by age.",
    "Victims with unknown residence count in national totals, not in any county.",
    "Period tables (victims_by_county, victims_by_exploitation_country, victims_by_form) count "
    "identifications: the sum of the yearly counts, so a person identified in two years of the "
    "period counts in each. The *_year tables give each year.",
    "SDG 16.2.2: rows with a project form (exploitation_form) carry their SDG form; rows with "
    "exploitation_form total are the UN series (sdg_series_code): each SDG form summed over its "
    "project forms, and the total. Victims of unknown form are in the total only.",
    "Victims assisted: ANITP's accepted_assistance flag of the victims counted in the year; NGO "
    "programme entries in the year as persons, linked to the register by CNP pseudonym.",
    "Police cases registered: by year of registration. Persons sent to court: indictment + "
    "plea agreement, by year of the prosecutor's solution. Convictions: persons, by year of the "
    "decision, at first instance and final; a suspended sentence is a conviction.",
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
