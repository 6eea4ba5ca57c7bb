"""Text normalisation shared by readers, vocabularies and pseudonyms.

Romanian files mix comma-below (ș ț) and cedilla (ş ţ) letters, capitals and
spacing; every comparison goes through `match_key` so all spellings meet.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

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


@cache
def python_whitespace() -> str:
    """What Python's str.strip() removes (Unicode whitespace and the four ASCII separators),
    for polars' `strip_chars`; found on first use (a pass over every code point, about
    0.1 s), not at import."""
    return "".join(chr(c) for c in range(0x110000) if chr(c).isspace())


@cache
def _combining_marks() -> str:
    """A regex class of the characters `unicodedata.combining` reports (canonical combining
    class > 0), which `strip_diacritics` drops; found on first use (a pass over every code
    point, about 0.1 s), not at import."""
    marks = [c for c in range(0x110000) if unicodedata.combining(chr(c))]
    ranges: list[list[int]] = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1][1] = code
        else:
            ranges.append([code, code])
    return "[" + "".join(rf"\x{{{a:x}}}-\x{{{b:x}}}" for a, b in ranges) + "]"


def normalised_person_name(name: pl.Expr) -> pl.Expr:
    """Name tokens in upper-case ASCII, sorted, so 'LUPU Ion' and 'Ion Lupu' agree: the
    diacritics stripped as `strip_diacritics` strips them, then every run of anything but
    A-Z separates tokens; null when no token is left. A column at once, not a Python call
    per name (at 10 M rows most names are distinct)."""
    tokens = (
        name.str.normalize("NFKD")
        .str.replace_all(_combining_marks(), "")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z]+", " ")
        .str.strip_chars(" ")
        .str.split(" ")
    )
    return tokens.list.sort().list.join(" ").replace("", None)


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
