"""ANITP victim register.

Read by `reader.py` as `source.yaml` describes it, checked by `schemas/anitp.py`, mapped to the
unified records by `mapping.py`.
"""

from schemas.anitp import MODELS
from sources.anitp.mapping import to_unified
from sources.anitp.reader import read

TITLE = "ANITP victim register"

__all__ = ["MODELS", "TITLE", "read", "to_unified"]
