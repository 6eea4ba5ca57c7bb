"""Courts (CSM) decisions.

Read by `reader.py` as `source.yaml` describes it, checked by `schemas/instante.py`, mapped to the
unified records by `mapping.py`.
"""

from schemas.instante import MODELS
from sources.instante.mapping import to_unified
from sources.instante.reader import read

TITLE = "Courts (CSM) decisions"

__all__ = ["MODELS", "TITLE", "read", "to_unified"]
