"""A publication's standard tables, protected once.

The disclosure audit of a new publication (`published_database`) has to protect its whole
release anyway; it writes the internal and public tables into a staging folder beside the
publication, stamped last with the publication's identity. `standard_tables` then moves them
into place when the stamp names the current publication, and protects anew only when it does
not (an older publication, or a run killed while staging). Files are moved one by one, as
`tables.write_tables` moves its own, so a reader never sees a half-written file.

`published/tables/` is stamped the same way once its files are all in place, so that
`tipstats tables --publish` for every year of the current publication copies its public
release instead of protecting it again (`copy_release`).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from functools import partial
from pathlib import Path

from pipelines.ops import publication
from pipelines.reporting import tables
from pipelines.reporting.tables import Format, TablesReport, write_tables

STAGED = ".tables-staged"
STAMP = ".publication"
TABLES_FOLDER = "tables"  # published/tables/: what `standard_tables` writes


def folder(published_dir: Path) -> Path:
    return published_dir / STAGED


def stage(database: Path, published_dir: Path) -> None:
    """Write `database`'s release into the staging folder (raises `DisclosureError` when it
    is blocked, leaving nothing staged)."""
    staged = folder(published_dir)
    shutil.rmtree(staged, ignore_errors=True)
    span = publication.years(database)
    if span is None:
        return
    try:
        write_release(database, span, staged)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def write_release(database: Path, span: tuple[int, int], out: Path) -> list[str]:
    """Every year's public release (first: it raises `DisclosureError` when blocked) and
    internal tables from `database` into `out`, stamped with it; their names in `out`."""
    unmark(out)
    public = write_tables(database, *span, out, "both", True)
    internal = write_tables(database, *span, out, "both", False)
    mark(out, database)
    return [*internal.files, *(f"public/{name}" for name in public.files)]


def take(published_dir: Path, database: Path, out: Path) -> list[str] | None:
    """Move the staged tables into `out` if they were made from `database`, and return their
    names (relative to `out`); None, and nothing moved, when they were not."""
    staged = folder(published_dir)
    if not _stamped(staged, database):
        return None
    names = _files(staged)
    unmark(out)
    for name in names:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (staged / name).replace(out / name)
    shutil.rmtree(staged, ignore_errors=True)
    mark(out, database)
    return names


def _files(folder: Path) -> list[str]:
    return sorted(
        str(path.relative_to(folder))
        for path in folder.rglob("*")
        if path.is_file() and path.name != STAMP
    )


def _copy(source: Path, target: Path) -> None:
    shutil.copyfile(source, target)


def unmark(out: Path) -> None:
    """Before `out`'s files change: they are no longer those of one publication."""
    (out / STAMP).unlink(missing_ok=True)


def published_current(published_dir: Path) -> bool:
    """Whether published/tables/ holds the tables of the current publication."""
    current = publication.published_path(published_dir)
    return current.exists() and _stamped(published_dir / TABLES_FOLDER, current)


def _stamped(out: Path, database: Path) -> bool:
    """Whether every file in `out` comes from `database`."""
    stamp = out / STAMP
    return stamp.is_file() and stamp.read_text(encoding="utf-8") == publication.identity(database)


def mark(out: Path, database: Path) -> None:
    """Every file in `out` now comes from `database`, every year of it."""
    (out / STAMP).write_text(publication.identity(database), encoding="utf-8")


def copy_release(
    published_dir: Path, database: Path, years: tuple[int, int], out: Path, fmt: Format
) -> TablesReport | None:
    """The public release of `years` from `database`, copied from published/tables/ into
    `out/public/` when it was made from that database for exactly those years; None, and
    nothing written, otherwise."""
    made = published_dir / TABLES_FOLDER
    if years != publication.years(database) or not _stamped(made, database):
        return None
    public = made / "public"
    wanted = [
        name
        for name in _files(public)
        if fmt == "both" or name.endswith(".xlsx") == (fmt == "xlsx")
    ]
    writers: dict[str, Callable[[Path], None]] = {
        name: partial(_copy, public / name) for name in wanted
    }
    return TablesReport(out / "public", tables.stage(out, writers, out / "public"), True)
