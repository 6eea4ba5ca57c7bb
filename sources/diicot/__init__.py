"""Prosecution (DIICOT) cases and persons.

Read by `reader.py` as `source.yaml` describes it, checked by `schemas/diicot.py`, mapped to the
unified records by `mapping.py`.
"""

from schemas.diicot import MODELS
from sources.diicot.mapping import to_unified
from sources.diicot.reader import read

TITLE = "Prosecution (DIICOT) cases and persons"

__all__ = ["MODELS", "TITLE", "read", "to_unified"]
