"""Assistance providers (NGOs, IOs).

Read by `reader.py` as `source.yaml` describes it, checked by `schemas/ong.py`, mapped to the
unified records by `mapping.py`.
"""

from schemas.ong import MODELS
from sources.ong.mapping import to_unified
from sources.ong.reader import read

TITLE = "Assistance providers (NGOs, IOs)"

__all__ = ["MODELS", "TITLE", "read", "to_unified"]
