"""Date and number parsing for the forms the agencies deliver.

Readers keep values as text; these expressions turn them into typed values
and give null where a value is not in any accepted form (validation then
quarantines it with a reason).
"""

from __future__ import annotations

import polars as pl

# Excel's 1900 date system counts from 1899-12-30 for every serial after 60.
EXCEL_EPOCH = pl.date(1899, 12, 30)
EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX = 61, 80_000  # 1900-03-01 .. 2119

_RO_NUMBER = r"^-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?$"
_PLAIN_NUMBER = r"^-?\d+(\.\d+)?$"


def parse_date(expr: pl.Expr) -> pl.Expr:
    """ISO `YYYY-MM-DD`, `dd.mm.yyyy`, or an Excel serial day number -> Date."""
    text = expr.str.strip_chars()
    iso = text.str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    dotted = text.str.strptime(pl.Date, "%d.%m.%Y", strict=False)
    serial = text.str.extract(r"^(\d{2,5})(?:\.0+)?$").cast(pl.Int64, strict=False)
    from_serial = (
        pl.when(serial.is_between(EXCEL_SERIAL_MIN, EXCEL_SERIAL_MAX))
        .then(EXCEL_EPOCH + pl.duration(days=serial))
        .cast(pl.Date)
    )
    return pl.coalesce(iso, dotted, from_serial)


def parse_ro_number(expr: pl.Expr) -> pl.Expr:
    """Romanian format: '1.250.000,50' -> 1250000.5; '1.250' is 1250, never 1.25."""
    text = expr.str.strip_chars().str.replace_all(r"\s", "")
    return (
        pl.when(text.str.contains(_RO_NUMBER))
        .then(text.str.replace_all(r"\.", "").str.replace(",", ".", literal=True))
        .cast(pl.Float64, strict=False)
    )


def parse_plain_number(expr: pl.Expr) -> pl.Expr:
    """A machine-written number (JSON): '410000' or '1250.5'."""
    text = expr.str.strip_chars()
    return pl.when(text.str.contains(_PLAIN_NUMBER)).then(text).cast(pl.Float64, strict=False)
