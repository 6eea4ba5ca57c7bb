"""Last steps every reader applies to its rows before they leave it.

- Placeholder words (`-`, `n/a`, `na`, `nu se cunoaste`, `necunoscut`, ...) in a column the
  SPEC allows to be empty mean "not known": they become empty, so no vocabulary reads `N/A`
  as Namibia. In a required column they stay, and the agency model quarantines them
  (`placeholder_value`). A column whose codelist has such a word as a code (ANITP
  PARTICIPARE_PROCES `NECUNOSCUT`) is not listed by its reader; in an ISO-coded country column
  the capital `NA` is Namibia's code and is kept.
- CNP-like runs in any column left after pseudonymisation are masked (`privacy.mask_stray_cnps`).
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from sources.common.privacy import mask_stray_cnps

# Compared after lower-casing and removing diacritics and spaces at the ends.
PLACEHOLDERS = (
    "-",
    "--",
    "---",
    ".",
    "?",
    "n/a",
    "n.a.",
    "na",
    "nu se cunoaste",
    "nu se stie",
    "necunoscut",
    "necunoscuta",
    "nu e cazul",
    "nu este cazul",
    "nespecificat",
)
ISO_NAMIBIA = "NA"


def placeholder_key(expr: pl.Expr) -> pl.Expr:
    """The form a cell is compared in against PLACEHOLDERS."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.strip_chars()
        .str.replace_all(r"\s+", " ")
    )


def is_placeholder(expr: pl.Expr) -> pl.Expr:
    return placeholder_key(expr).is_in(PLACEHOLDERS)


def blank_placeholders(
    rows: pl.DataFrame, optional: Collection[str], iso_countries: Collection[str] = ()
) -> pl.DataFrame:
    """Placeholders in the optional columns become empty (see the module docstring)."""

    def blanked(name: str) -> pl.Expr:
        value = pl.col(name)
        placeholder = is_placeholder(value)
        if name in iso_countries:
            placeholder = placeholder & (value.str.strip_chars() != ISO_NAMIBIA)
        return pl.when(placeholder).then(None).otherwise(value).alias(name)

    return rows.with_columns(blanked(name) for name in optional)


def finish(
    rows: pl.DataFrame, optional: Collection[str], iso_countries: Collection[str] = ()
) -> pl.DataFrame:
    """Placeholders blanked in the optional columns, stray CNPs masked everywhere."""
    return mask_stray_cnps(blank_placeholders(rows, optional, iso_countries))
