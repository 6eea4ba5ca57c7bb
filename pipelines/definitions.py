"""The code location `tipstats_romania_thb` (workspace.yaml).

Built only when Dagster (or `tipstats run`) calls `defs()`: every area under
pipelines/defs/ is loaded from there, after the settings are pinned in the environment.
Importing this module does nothing else.
"""

from __future__ import annotations

import dagster as dg

from pipelines import settings


@dg.definitions
def defs() -> dg.Definitions:
    settings.export_environment()
    return dg.load_from_defs_folder(path_within_project=settings.PROJECT_ROOT)
