"""The four reporting workbooks, each with its family's tables and a metadata sheet."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import polars as pl
import xlsxwriter

from pipelines.reporting import catalog, dominance

# With no extract used there is no data date to stamp; any fixed date keeps the bytes stable.
NO_EXTRACTS = dt.datetime(2000, 1, 1)
COUNTING_RULES = [
    "Victims identified in year Y: persons (not rows) in the ANITP register identified in Y; "
    "a person registered twice in one year counts once; the latest extract of each period "
    "supersedes earlier ones.",
    "Child: under 18 at identification. Domestic: exploited in Romania. Form: the main form.",
    "Rates per 100,000 usually-resident population on 1 January. Over several years, everywhere: "
    "total victims / sum of the yearly populations x 100,000 (the average annual rate); the "
    "internal and the public tables use this one definition.",
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
    "Victims by status (Eurostat): identified = persons in the ANITP register identified in "
    "the year (the official count); presumed = persons recorded as injured parties by the "
    "police or DIICOT, or assisted by an NGO, whom no ANITP record matches, counted once in "
    "the year of their earliest record on any list; registered = identified + presumed.",
    "Victims assisted: ANITP's accepted_assistance flag of the victims counted in the year; NGO "
    "programme entries in the year as persons, linked to the register by CNP pseudonym.",
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


EXPERIMENTAL = [
    "sdg_16_2_2 estimated_total, estimated_total_low, estimated_total_high: an experimental "
    "estimate, not an official statistic, of all victims of the year, detected or not, by "
    "multiple systems estimation (Poisson log-linear models, stepwise selection of two-list "
    "interactions at p < 0.02, BCa bootstrap interval of 200 replicates, seed 2024) from how "
    "the police, DIICOT, ANITP and NGO lists overlap; persons linked across the lists, each in "
    "the year of their earliest record (marts.rpt_mse_estimates, marts.rpt_capture_histories). "
    "It assumes the lists' overlaps are modelled by the selected interactions; empty where the "
    "lists are too sparse to estimate.",
]


_NUMBER = re.compile(r"-?\d+(\.\d+)?")
_MARKER = re.compile(r"<\d+|\[c\]")
Labels = Mapping[str, Mapping[str, str]]
# Layout: title, units/notes, header; the header row is frozen with the rows above it.
TITLE_ROW, UNITS_ROW, HEADER_ROW = 0, 1, 2
_MAX_WIDTH, _WRAP_WIDTH = 60, 90
_LINE_HEIGHT = 15


class Sheet(NamedTuple):
    """A sheet's table name (its key in `catalog.TABLES`) and its rows."""

    table: str
    frame: pl.DataFrame


@dataclass(frozen=True)
class _Column:
    heading: str
    values: list[object]
    kind: catalog.Kind


def _is_marked_numbers(column: pl.Series) -> bool:
    """A public count or amount column: text holding numbers, and markers where hidden."""
    values = column.drop_nulls()
    return (
        column.dtype == pl.Utf8
        and values.len() > 0
        and all(_NUMBER.fullmatch(v) or _MARKER.fullmatch(v) for v in values)
    )


def _as_number(value: object) -> object:
    """'40' -> 40 (so Excel sums it); a marker ('<10', '[c]') stays text."""
    if not isinstance(value, str) or not _NUMBER.fullmatch(value):
        return value
    number = float(value)
    return int(number) if number.is_integer() else number


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def _label_column(frame: pl.DataFrame, code: str, labels: Labels) -> _Column | None:
    """English labels beside a code column: from the dimension tables, else the catalogue,
    else the table's own name column; `total` is Total."""
    mapping = {**catalog.CODE_LABELS.get(code, {}), **labels.get(code, {})}
    names = catalog.NAME_COLUMNS.get(code)
    own = frame[names].to_list() if names in frame.columns else [None] * frame.height
    if not mapping and names not in frame.columns:
        return None
    values: list[object] = [
        None
        if value is None
        else catalog.TOTAL_LABEL
        if value == "total"
        else mapping.get(value) or name or value
        for value, name in zip(frame[code].to_list(), own, strict=True)
    ]
    return _Column(catalog.LABEL_HEADINGS[code], values, "text")


def _columns(frame: pl.DataFrame, labels: Labels) -> list[_Column]:
    """The sheet's columns: English headings, numbers as numbers, a label beside each code."""
    labelled = {c for c in frame.columns if c in catalog.LABEL_HEADINGS}
    replaced = {catalog.NAME_COLUMNS[c] for c in labelled if c in catalog.NAME_COLUMNS}
    columns: list[_Column] = []
    for name in frame.columns:
        if name in replaced:
            continue
        series = frame[name]
        numeric = series.dtype.is_numeric() or _is_marked_numbers(series)
        values = [_as_number(v) if numeric else _plain(v) for v in series.to_list()]
        columns.append(_Column(catalog.heading(name), values, catalog.kind(name, numeric)))
        label = _label_column(frame, name, labels) if name in labelled else None
        if label is not None:
            columns.append(label)
    return columns


def _shown_length(value: object, kind: catalog.Kind) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return len(str(value))
    if kind == "rate":
        return len(f"{value:,.2f}")
    if kind == "share":
        return len(f"{value:.1%}")
    return len(f"{value:,.0f}") if kind != "year" else len(str(value))


def _width(column: _Column) -> int:
    longest = max([_shown_length(v, column.kind) for v in column.values if v is not None] or [0])
    if column.kind == "text" and longest > _MAX_WIDTH:
        return _WRAP_WIDTH
    # The heading wraps, so only its longest word must fit.
    word = max(len(w) for w in column.heading.split()) if column.heading else 0
    return min(max(longest, word, 8) + 3, _MAX_WIDTH)


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes: a column `width` wide holds about 1.2 x width characters
    of running text (widths are counted in digits, which are wider than most letters)."""
    return max(1, math.ceil(len(text) / max(1.2 * (width - 1), 1)))


class _Formats:
    """One xlsxwriter format per purpose, made once per workbook."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.title = book.add_format({"bold": True, "font_size": 13})
        self.units = book.add_format({"italic": True, "text_wrap": True, "valign": "top"})
        header = {"bold": True, "text_wrap": True, "valign": "bottom", "bottom": 1}
        header["bg_color"] = "#E7EEF5"
        self.header = book.add_format({**header, "align": "left"})
        self.header_number = book.add_format({**header, "align": "right"})
        self.marker = book.add_format({"align": "right", "valign": "top"})
        self.text = book.add_format({"text_wrap": True, "valign": "top"})
        self.numbers = {
            kind: book.add_format({"num_format": code, "valign": "top"})
            for kind, code in catalog.NUMBER_FORMATS.items()
        }
        # A year is a label: left, like the text columns, without a thousands separator.
        self.numbers["year"].set_align("left")


def _sheet(
    book: xlsxwriter.Workbook,
    formats: _Formats,
    name: str,
    content: Sheet,
    labels: Labels,
    period: str,
) -> None:
    sheet = book.add_worksheet(name[:31])
    about = catalog.info(content.table)
    columns = _columns(content.frame, labels)
    widths = [_width(column) for column in columns] or [_WRAP_WIDTH]
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    title = about.title if not period or content.table == "metadata" else f"{about.title}, {period}"
    sheet.write_string(TITLE_ROW, 0, title, formats.title)
    units = about.units_and_notes
    if len(widths) > 1:
        sheet.merge_range(UNITS_ROW, 0, UNITS_ROW, len(widths) - 1, units, formats.units)
    else:
        sheet.write_string(UNITS_ROW, 0, units, formats.units)
    sheet.set_row(UNITS_ROW, _LINE_HEIGHT * _lines(units, sum(widths)))
    header_lines = max([_lines(c.heading, w) for c, w in zip(columns, widths, strict=True)] or [1])
    sheet.set_row(HEADER_ROW, _LINE_HEIGHT * header_lines)
    for c, column in enumerate(columns):
        numeric = column.kind not in ("text", "year")
        header = formats.header_number if numeric else formats.header
        sheet.write_string(HEADER_ROW, c, column.heading, header)
    for r in range(content.frame.height):
        lines = 1
        for c, column in enumerate(columns):
            value = column.values[r]
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                sheet.write_number(HEADER_ROW + 1 + r, c, value, formats.numbers[column.kind])
            elif column.kind != "text":
                sheet.write_string(HEADER_ROW + 1 + r, c, str(value), formats.marker)
            else:
                sheet.write_string(HEADER_ROW + 1 + r, c, str(value), formats.text)
                lines = max(lines, _lines(str(value), widths[c]))
        if lines > 1:
            sheet.set_row(HEADER_ROW + 1 + r, _LINE_HEIGHT * lines)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    # Printed (or converted to PDF): A4 landscape, one page wide, the header on every page.
    sheet.set_paper(9)
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(TITLE_ROW, HEADER_ROW)


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
    rows += [("experimental estimate", note) for note in EXPERIMENTAL]
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


def write_workbook(
    path: Path,
    sheets: Mapping[str, Sheet | pl.DataFrame],
    created: dt.datetime,
    labels: Labels | None = None,
    period: str = "",
) -> None:
    """Same tables, same bytes: the creation date comes from the data, and in memory mode
    xlsxwriter stamps every zip member 1980-01-01 (not a temp file's time, zone and mode).
    A bare frame is shown under its sheet name's catalogue entry."""
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties({"created": created, "title": path.stem})
    formats = _Formats(book)
    for name, content in sheets.items():
        sheet = content if isinstance(content, Sheet) else Sheet(name, content)
        _sheet(book, formats, name, sheet, labels or {}, period)
    book.close()
