"""Police (IGPR/DCCO) case register.

Read by `reader.py` as `source.yaml` describes it, checked by `schemas/politie.py`, mapped to the
unified records by `mapping.py`.
"""

from schemas.politie import MODELS
from sources.politie.mapping import to_unified
from sources.politie.reader import read

TITLE = "Police (IGPR/DCCO) case register"

__all__ = ["MODELS", "TITLE", "read", "to_unified"]
