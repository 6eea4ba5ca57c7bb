"""Last steps every reader applies to its rows before they leave it.

- Placeholder words (`-`, `n/a`, `na`, `nu se cunoaste`, `necunoscut`, ...) in a column the
  SPEC allows to be empty mean "not known": they become empty, so no vocabulary reads `N/A`
  as Namibia. In a required column they stay, and the agency model quarantines them
  (`placeholder_value`). A column whose codelist has such a word as a code (ANITP
  PARTICIPARE_PROCES `NECUNOSCUT`) is not listed by its reader; in an ISO-coded country column
  the capital `NA` is Namibia's code and is kept.
- CNP-like runs in any column left after pseudonymisation are masked (`privacy.mask_stray_cnps`).
- A row shifted by one cell (Excel's "delete/insert cell, shift left/right" in a hand-kept
  sheet) carries names and CNPs in other columns. Before pseudonymisation the reader masks
  every non-identifier cell of a row whose CNP cell holds a word (a name moved left), whose sex
  cell holds a word other than a sex (a name moved right; the SPEC's sexes are M / F), or whose
  other cells hold a CNP-like number (`mask_shifted_rows`). The row then fails validation and
  is quarantined with its file, row, columns and rules; nothing of it is stored as delivered.
"""

from __future__ import annotations

from collections.abc import Collection

import polars as pl

from schemas.text import is_placeholder
from schemas.vocabulary import MASKED
from sources.common.privacy import mask_stray_cnps

ISO_NAMIBIA = "NA"
_WORD = r"\p{L}{3,}"
_SEX_WORDS = r"(?i)^\s*(masculin|feminin)\s*$"
_CNP_CANDIDATE = r"\d(?:[ \t]?\d){12}"


def mask_shifted_rows(
    rows: pl.DataFrame, identifiers: Collection[str], cnp: str | None, sex: str
) -> pl.DataFrame:
    """Mask every other cell of a row that looks shifted (see the module docstring)."""
    others = [c for c in rows.columns if c not in identifiers and rows[c].dtype == pl.Utf8]
    suspect = pl.col(sex).str.contains(_WORD) & ~pl.col(sex).str.contains(_SEX_WORDS)
    if cnp is not None:
        suspect = suspect | pl.col(cnp).str.contains(_WORD)
    suspect = pl.any_horizontal(
        suspect.fill_null(False),
        *[pl.col(c).str.contains(_CNP_CANDIDATE).fill_null(False) for c in others if c != sex],
    )
    return rows.with_columns(
        pl.when(suspect & pl.col(c).is_not_null())
        .then(pl.lit(MASKED))
        .otherwise(pl.col(c))
        .alias(c)
        for c in others
    )


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
