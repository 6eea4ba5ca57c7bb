"""Where things are: resolved when a run starts, never at import time."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_LANDING = PROJECT_ROOT / "sample" / "landing"
DEFAULT_WAREHOUSE = PROJECT_ROOT / "data" / "warehouse.duckdb"
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"

WAREHOUSE_ENV = "TIPSTATS_WAREHOUSE"
LANDING_ENV = "TIPSTATS_LANDING"
PUBLISHED_ENV = "TIPSTATS_PUBLISHED"
PARQUET_ENV = "TIPSTATS_PARQUET"
FRESHNESS_ENV = "TIPSTATS_FRESHNESS_DAYS"
DEFAULT_FRESHNESS_DAYS = 400  # most agencies send one extract a year


def warehouse_path() -> Path:
    """TIPSTATS_WAREHOUSE, or data/warehouse.duckdb in the project; always absolute."""
    return Path(os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE).expanduser().resolve()


def landing_path() -> Path:
    """TIPSTATS_LANDING, or the bundled sample landing zone."""
    return Path(os.environ.get(LANDING_ENV) or SAMPLE_LANDING).expanduser().resolve()


def published_dir() -> Path:
    """TIPSTATS_PUBLISHED, or `published/` beside the working warehouse."""
    configured = os.environ.get(PUBLISHED_ENV)
    return Path(configured or warehouse_path().parent / "published").expanduser().resolve()


def parquet_dir() -> Path:
    """TIPSTATS_PARQUET, or `parquet/` beside the working warehouse (the Parquet layers)."""
    configured = os.environ.get(PARQUET_ENV)
    return Path(configured or warehouse_path().parent / "parquet").expanduser().resolve()


def dagster_home() -> Path:
    """DAGSTER_HOME, or `dagster_home/` beside the working warehouse: one instance for all runs."""
    configured = os.environ.get("DAGSTER_HOME")
    return Path(configured or warehouse_path().parent / "dagster_home").expanduser().resolve()


def freshness_days() -> int:
    """Days without a new file after which an agency is reported stale."""
    return int(os.environ.get(FRESHNESS_ENV) or DEFAULT_FRESHNESS_DAYS)


def export_environment(warehouse: Path | None = None, landing: Path | None = None) -> None:
    """Pin the settings in the environment, once, before any definition is built.

    The Dagster resources (dg.EnvVar) and dbt's profile both read TIPSTATS_WAREHOUSE, so
    they always name the same file; the paths are made absolute because dbt runs elsewhere.
    dagster-dbt looks for `dbt` on PATH, so this interpreter's scripts folder goes there.
    """
    os.environ[WAREHOUSE_ENV] = str((warehouse or warehouse_path()).expanduser().resolve())
    os.environ[LANDING_ENV] = str((landing or landing_path()).expanduser().resolve())
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("DBT_VERSION_CHECK", "false")
    scripts = str(Path(sys.executable).parent)
    path = os.environ.get("PATH", "")
    if scripts not in path.split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join(filter(None, [scripts, path]))


LINK_THRESHOLD_ENV = "TIPSTATS_LINK_THRESHOLD"
LINK_REVIEW_BAND_ENV = "TIPSTATS_LINK_REVIEW_BAND"
LINK_DECISIONS_ENV = "TIPSTATS_LINK_DECISIONS"
DEFAULT_LINK_THRESHOLD = 0.95
DEFAULT_LINK_REVIEW_BAND = (0.5, 0.99)
LINKAGE_MEMORY_ENV = "TIPSTATS_LINKAGE_MEMORY"
DEFAULT_LINKAGE_MEMORY = "2GB"
WAREHOUSE_MEMORY_ENV = "TIPSTATS_WAREHOUSE_MEMORY"
DEFAULT_WAREHOUSE_MEMORY = "1GB"
# dbt_project/profiles.yml holds the same default.
DBT_MEMORY_ENV = "TIPSTATS_DBT_MEMORY"
DEFAULT_DBT_MEMORY = "3GB"
DBT_THREADS_ENV = "TIPSTATS_DBT_THREADS"
# Two dbt nodes at once share dbt's one memory limit: a gain while the warehouse is small
# against it (a full build at 1 M rows, a 0.5 GB warehouse, 23.6 -> 18.7 s), a loss once its
# models spill (at 10 M rows, 5 GB, dbt 165 -> 199 s).
TWO_DBT_THREADS_BELOW_SHARE_OF_MEMORY = 0.25
_MEMORY_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMGT])(i?)B", re.IGNORECASE)


def link_threshold() -> float:
    """Match probability at or above which two person records are one person."""
    return float(os.environ.get(LINK_THRESHOLD_ENV) or DEFAULT_LINK_THRESHOLD)


def link_review_band() -> tuple[float, float]:
    """Pairs with a match probability in [low, high) go to ops.linkage_review ('0.5,0.99')."""
    configured = os.environ.get(LINK_REVIEW_BAND_ENV)
    if not configured:
        return DEFAULT_LINK_REVIEW_BAND
    low, high = (float(part) for part in configured.split(","))
    return low, high


def _memory_size(env: str, default: str) -> str:
    configured = (os.environ.get(env) or default).strip()
    if not _MEMORY_SIZE.fullmatch(configured):
        raise ValueError(f"{env} must be a size such as 2GB or 1500MB, not {configured!r}")
    return configured


def linkage_memory() -> str:
    """Memory the linkage's scratch database works in before it spills to disk ('2GB')."""
    return _memory_size(LINKAGE_MEMORY_ENV, DEFAULT_LINKAGE_MEMORY)


def warehouse_memory() -> str:
    """Memory the pipeline's own connections to the warehouse work in ('1GB')."""
    return _memory_size(WAREHOUSE_MEMORY_ENV, DEFAULT_WAREHOUSE_MEMORY)


def dbt_memory() -> str:
    """Memory dbt's DuckDB works in ('3GB'); dbt's profile reads the same variable."""
    return _memory_size(DBT_MEMORY_ENV, DEFAULT_DBT_MEMORY)


def configured_dbt_threads() -> int | None:
    """dbt nodes built at once as TIPSTATS_DBT_THREADS sets them; None when it is not set."""
    configured = (os.environ.get(DBT_THREADS_ENV) or "").strip()
    if not configured:
        return None
    if not re.fullmatch(r"[1-9][0-9]*", configured):
        raise ValueError(
            f"{DBT_THREADS_ENV} must be a whole number such as 1 or 2, not {configured!r}"
        )
    return int(configured)


def dbt_threads(warehouse: Path) -> int:
    """dbt nodes built at once: as set, else 2 while the warehouse file is smaller than a
    quarter of dbt's memory, and 1 beyond."""
    configured = configured_dbt_threads()
    if configured is not None:
        return configured
    size = warehouse.stat().st_size if warehouse.exists() else 0
    return 2 if size < TWO_DBT_THREADS_BELOW_SHARE_OF_MEMORY * _bytes(dbt_memory()) else 1


# A run over a landing zone smaller than this starts a warm dbt (pipelines/ops/warm_dbt.py):
# dbt's imports are 2.5 s of a short build. Beyond it they are a small share of the build,
# and the waiting process's 0.1 GiB would sit beside the linkage's memory peak.
WARM_DBT_BELOW_LANDING_BYTES = 256 * 1024**2


def warm_dbt_wanted(landing: Path) -> bool:
    """Whether a run over `landing` (<landing>/<agency>/<file>) starts a warm dbt."""
    size = sum(f.stat().st_size for f in landing.glob("*/*") if f.is_file())
    return size < WARM_DBT_BELOW_LANDING_BYTES


def _bytes(size: str) -> float:
    """A size `_memory_size` accepted, in bytes: '3GB' is 3 * 1000^3, '2GiB' 2 * 1024^3."""
    found = _MEMORY_SIZE.fullmatch(size)
    assert found is not None
    number, unit, binary = found.groups()
    power = "KMGT".index(unit.upper()) + 1
    base = 1024 if binary else 1000
    return float(number) * float(base**power)


def link_decisions_path() -> Path:
    """The reviewer's decisions (CSV pair_id,decision): `linkage/decisions.csv` beside the
    warehouse unless TIPSTATS_LINK_DECISIONS names another file. Only ever read."""
    configured = os.environ.get(LINK_DECISIONS_ENV)
    default = warehouse_path().parent / "linkage" / "decisions.csv"
    return Path(configured or default).expanduser().resolve()
