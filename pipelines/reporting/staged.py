"""A publication's standard tables, protected once.

The disclosure audit of a new publication (`published_database`) has to protect its whole
release anyway; it writes the internal and public tables into a staging folder beside the
publication, stamped last with the publication's identity. `standard_tables` then moves them
into place when the stamp names the current publication, and protects anew only when it does
not (an older publication, or a run killed while staging). Files are moved one by one, as
`tables.write_tables` moves its own, so a reader never sees a half-written file.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.ops import publication
from pipelines.reporting.tables import write_tables

STAGED = ".tables-staged"
STAMP = ".publication"


def folder(published_dir: Path) -> Path:
    return published_dir / STAGED


def stage(database: Path, published_dir: Path) -> None:
    """Write every year's public release (raises `DisclosureError` when it is blocked, leaving
    nothing staged) and internal tables from `database` into the staging folder."""
    staged = folder(published_dir)
    shutil.rmtree(staged, ignore_errors=True)
    span = publication.years(database)
    if span is None:
        return
    try:
        write_tables(database, *span, staged, "both", True)
        write_tables(database, *span, staged, "both", False)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    (staged / STAMP).write_text(publication.identity(database), encoding="utf-8")


def take(published_dir: Path, database: Path, out: Path) -> list[str] | None:
    """Move the staged tables into `out` if they were made from `database`, and return their
    names (relative to `out`); None, and nothing moved, when they were not."""
    staged = folder(published_dir)
    stamp = staged / STAMP
    if not stamp.is_file() or stamp.read_text(encoding="utf-8") != publication.identity(database):
        return None
    names = sorted(
        str(path.relative_to(staged))
        for path in staged.rglob("*")
        if path.is_file() and path != stamp
    )
    for name in names:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (staged / name).replace(out / name)
    shutil.rmtree(staged, ignore_errors=True)
    return names
