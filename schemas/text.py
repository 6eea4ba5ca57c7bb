"""Text normalisation shared by readers, vocabularies and pseudonyms.

Romanian files mix comma-below (ș ț) and cedilla (ş ţ) letters, capitals and
spacing; every comparison goes through `match_key` so all spellings meet.
"""

from __future__ import annotations

import re
import unicodedata

import polars as pl

_CEDILLA_TO_COMMA = str.maketrans({"ş": "ș", "ţ": "ț", "Ş": "Ș", "Ţ": "Ț"})
_PREFIXES = r"^(judetul|jud|municipiul|mun|municipiu)\b"


def fold_cedilla(text: str) -> str:
    """Replace cedilla ş ţ by the correct comma-below ș ț (NFC)."""
    return unicodedata.normalize("NFC", text).translate(_CEDILLA_TO_COMMA)


def strip_diacritics(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def match_key(text: str) -> str:
    """Lower-case ASCII letters and digits only: 'Mun. Bucureşti' -> 'bucuresti'."""
    ascii_text = strip_diacritics(text).lower()
    ascii_text = re.sub(r"[^a-z0-9]+", " ", ascii_text).strip()
    ascii_text = re.sub(_PREFIXES, "", ascii_text)
    return ascii_text.replace(" ", "")


def match_key_expr(expr: pl.Expr) -> pl.Expr:
    """Vectorised `match_key` for polars (same result as the Python function)."""
    return (
        expr.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_lowercase()
        .str.replace_all(r"[^a-z0-9]+", " ")
        .str.strip_chars()
        .str.replace(_PREFIXES, "")
        .str.replace_all(" ", "")
    )


def column_name(header: str) -> str:
    """Canonical name of a delivered header: 'Data înregistrării' -> 'data_inregistrarii'."""
    ascii_text = strip_diacritics(header.replace("\ufeff", "")).lower()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text).strip("_")


def normalised_person_name(*parts: str | None) -> str | None:
    """Name tokens in upper-case ASCII, sorted, so 'LUPU Ion' and 'Ion Lupu' agree."""
    tokens = sorted(
        token
        for part in parts
        if part
        for token in re.split(r"[^A-Z]+", strip_diacritics(part).upper())
        if token
    )
    return " ".join(tokens) or None


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
