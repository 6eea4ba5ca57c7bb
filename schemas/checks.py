"""Reusable pandera checks for delivered text columns, each with a readable error.

The error text becomes the quarantine reason a data steward reads, so it says
what was expected, in words. Null values are skipped (nullability is a Field
setting), so a check only judges values that are present.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any, TypeAlias

import pandera.polars as pa
import polars as pl
from pandera.api.dataframe.model_components import ClassCheck
from pandera.api.polars.types import PolarsData

from schemas import vocabulary as v
from schemas.parsers import parse_date, parse_plain_number, parse_ro_number
from schemas.text import is_placeholder
from schemas.vocabulary import MASKED

ExprFn = Callable[[pl.Expr], pl.Expr]
# What pandera's check decorators make of a function (a string: not subscriptable at run time).
FieldCheck: TypeAlias = "classmethod[Any, ..., Any]"

# pandera reports a custom check by its error text; this gives back the rule name.
RULE_BY_ERROR: dict[str, str] = {}


def expr_check(*columns: str, name: str, error: str, valid: ExprFn) -> FieldCheck:
    """A column check from a polars expression that is true for valid values."""

    def _check(cls: type, data: PolarsData) -> pl.LazyFrame:
        value = pl.col(data.key)
        return data.lazyframe.select(value.is_null() | valid(value).fill_null(False))

    _check.__name__ = f"_check_{name}"
    RULE_BY_ERROR[error] = name
    return pa.check(*columns, name=name, error=error)(_check)


BARE_YEAR = r"^\s*\d{4}\s*$"
_DIGITS = r"^\s*\d+(\.0+)?\s*$"


def is_date(*columns: str, excel_serials: bool = True) -> FieldCheck:
    """A date. Excel serial numbers only where the agency delivers a workbook
    (`excel_serials`): in a CSV, digits are typed text, never a serial. A bare year is left
    to `no_bare_year`, so it is reported once, under its own rule."""

    def valid(c: pl.Expr) -> pl.Expr:
        parsed = parse_date(c).is_not_null()
        if not excel_serials:
            parsed = parsed & ~c.str.contains(_DIGITS)
        return parsed | c.str.contains(BARE_YEAR)

    return expr_check(
        *columns,
        name="date",
        error="not a date (expected dd.mm.yyyy, YYYY-MM-DD or an Excel date)",
        valid=valid,
    )


def no_bare_year(*columns: str) -> FieldCheck:
    """'2003' where a date is expected is a year, not day 2003 of Excel's calendar (1905)."""
    return expr_check(
        *columns,
        name="bare_year",
        error="a year alone where a full date is expected; it is not guessed into a date",
        valid=lambda c: ~c.str.contains(BARE_YEAR),
    )


# The extract date of the rows being validated, set by the validation around them: a date
# for one file's rows, or the column holding each row's file's date for several files.
_EXTRACT_DATE: ContextVar[date | pl.Expr | None] = ContextVar("extract_date", default=None)


@contextmanager
def extract_date_of(extract_date: date | pl.Expr) -> Iterator[None]:
    token = _EXTRACT_DATE.set(extract_date)
    try:
        yield
    finally:
        _EXTRACT_DATE.reset(token)


def not_after_extract(*columns: str, parse: ExprFn = parse_date) -> FieldCheck:
    """A date after the day the agency exported the file is a typing error (2031 in a 2018
    extract), never a real event; without a known extract date nothing is judged."""

    def valid(c: pl.Expr) -> pl.Expr:
        extract_date = _EXTRACT_DATE.get()
        if extract_date is None:
            return pl.lit(True)
        limit = extract_date if isinstance(extract_date, pl.Expr) else pl.lit(extract_date)
        return (parse(c) <= limit).fill_null(True)

    return expr_check(
        *columns,
        name="date_after_extract",
        error="a date after the file's extract date (in its name); it cannot have happened yet",
        valid=valid,
    )


def no_placeholder(*columns: str) -> FieldCheck:
    """Placeholder words in a required column (in optional ones the reader empties them)."""
    return expr_check(
        *columns,
        name="placeholder_value",
        error="a placeholder (n/a, -, necunoscut ...) where a value is required",
        valid=lambda c: ~is_placeholder(c),
    )


# DIICOT's case number, as the police and the courts also write it.
PROSECUTOR_CASE = r"^\d+/D/P/\d{4}$"


def is_prosecutor_case(*columns: str) -> FieldCheck:
    return expr_check(
        *columns,
        name="prosecutor_case_number",
        error="not a prosecutor case number <n>/D/P/<year> (e.g. 812/D/P/2016)",
        valid=lambda c: c.str.contains(PROSECUTOR_CASE),
    )


def is_ro_amount(*columns: str) -> FieldCheck:
    return expr_check(
        *columns,
        name="ro_amount",
        error="not an amount in Romanian format (e.g. 1.250.000,50)",
        valid=lambda c: parse_ro_number(c).is_not_null() & (parse_ro_number(c) >= 0),
    )


def is_plain_amount(*columns: str) -> FieldCheck:
    return expr_check(
        *columns,
        name="amount",
        error="not a non-negative number",
        valid=lambda c: parse_plain_number(c).is_not_null() & (parse_plain_number(c) >= 0),
    )


def is_whole_number(*columns: str, low: int = 0, high: int = 10_000) -> FieldCheck:
    return expr_check(
        *columns,
        name="whole_number",
        error=f"not a whole number between {low} and {high}",
        valid=lambda c: c.str.strip_chars().cast(pl.Int64, strict=False).is_between(low, high),
    )


def in_codelist(*columns: str, codelist: str, agency: str) -> FieldCheck:
    accepted = ", ".join(sorted({k for k in v.code_map(codelist, agency)}))
    return expr_check(
        *columns,
        name=f"codelist_{codelist}",
        error=f"not a known {codelist.replace('_', ' ')} value (accepted spellings of: {accepted})",
        valid=lambda c: v.to_code(c, codelist, agency).is_not_null(),
    )


def is_county(*columns: str) -> FieldCheck:
    return expr_check(
        *columns,
        name="county",
        error="not a known Romanian county name or car-plate code",
        valid=lambda c: v.to_county(c).is_not_null(),
    )


def is_country(*columns: str) -> FieldCheck:
    return expr_check(
        *columns,
        name="country",
        error="not a known country name or ISO 3166-1 code",
        valid=lambda c: v.to_country(c).is_not_null(),
    )


def is_offence_list(*columns: str) -> FieldCheck:
    known = ", ".join(str(a) for a in v.offence_articles())
    return expr_check(
        *columns,
        name="offence",
        error=(
            "no offence article, or an article outside the trafficking codelist "
            f"(Criminal Code {known}; Law 678/2001 12, 13)"
        ),
        valid=lambda c: (
            v.to_offence_codes(c).list.len().gt(0)
            & v.to_offence_codes(c).list.eval(pl.element().is_in(v.offence_codes())).list.all()
        ),
    )


def is_form_list(*columns: str, agency: str, separator: str = "|") -> FieldCheck:
    return expr_check(
        *columns,
        name="exploitation_form",
        error="an exploitation form not in the codelist for this agency",
        valid=lambda c: (
            v.to_exploitation_forms(c, agency, separator)
            .list.eval(pl.element().is_not_null())
            .list.all()
        ),
    )


def matches(*columns: str, pattern: str, what: str) -> FieldCheck:
    return expr_check(
        *columns,
        name=f"pattern_{what.replace(' ', '_')}",
        error=f"not a {what}",
        valid=lambda c: c.str.contains(pattern),
    )


def row_rule(name: str, error: str) -> ClassCheck:
    """A check across columns of a row (pandera dataframe check) with a named rule."""
    RULE_BY_ERROR[error] = name
    return pa.dataframe_check(name=name, error=error)


# What the quarantine shows of a failing value. A row shifted by a cell carries names and
# birth dates in code columns, and fails in many columns at once: from this many failing
# columns on, none of its values is shown. A CNP-like number is never shown.
SHIFTED_ROW_FAILURES = 4
_CNP_RUN = r"\d(?:[ \t]?\d){12,}"
# Per rule, the shape a shown value must have; sex is where a shifted first name lands.
_NO_LETTERS = r"^[^\p{L}]*$"
VALUE_SHAPES = {
    "codelist_sex": r"^\S{1,2}$",
    "date": _NO_LETTERS,
    "bare_year": _NO_LETTERS,
    "date_after_extract": _NO_LETTERS,
}


def shown_value(value: pl.Expr, rule: pl.Expr, failing_columns_in_row: pl.Expr) -> pl.Expr:
    """The value as delivered, or MASKED (see SHIFTED_ROW_FAILURES and VALUE_SHAPES)."""
    shape_ok = pl.lit(True)
    for name, shape in VALUE_SHAPES.items():
        shape_ok = pl.when(rule == name).then(value.str.contains(shape)).otherwise(shape_ok)
    hidden = (
        (failing_columns_in_row >= SHIFTED_ROW_FAILURES) | ~shape_ok | value.str.contains(_CNP_RUN)
    )
    return pl.when(value.is_null()).then(None).when(hidden).then(pl.lit(MASKED)).otherwise(value)
