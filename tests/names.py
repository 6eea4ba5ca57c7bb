"""The person-name normalisation, defined name by name: the reference the vectorised one
(`schemas.text.normalised_person_name`) must equal."""

from __future__ import annotations

import re

from schemas.text import strip_diacritics


def normalised_name(name: str | None) -> str | None:
    """Diacritics stripped, upper case, runs of anything but A-Z between tokens, tokens sorted
    (pseudonyms stored by earlier releases were keyed so)."""
    tokens = re.split(r"[^A-Z]+", strip_diacritics(name or "").upper())
    return " ".join(sorted(t for t in tokens if t)) or None
