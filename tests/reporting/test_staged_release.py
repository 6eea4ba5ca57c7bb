"""A publication's release is protected once: the tables its audit staged are the tables
`standard_tables` publishes, and only for that publication."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.ops import publication
from pipelines.reporting import staged, tables
from pipelines.reporting.sdc import DisclosureError
from tests.dbt.fixture import build

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.dbt.conftest import dbt_build

    scratch = tmp_path_factory.mktemp("staged-release")
    path = scratch / "warehouse.duckdb"
    build(path)
    assert dbt_build(path, scratch).returncode == 0
    return path


def _publish(warehouse: Path, published: Path, run: str, *, audited: bool = True) -> Path:
    audit = (lambda database: staged.stage(database, published)) if audited else None
    return publication.publish(warehouse, published, run, f"state-{run}", audit=audit).path


def _csv_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.csv"))}


def test_staged_tables_are_those_protected_anew(warehouse: Path, tmp_path: Path) -> None:
    published = tmp_path / "published"
    source = _publish(warehouse, published, "run-1")
    moved = staged.take(published, source, tmp_path / "tables")
    span = publication.years(source)
    assert moved is not None and span is not None
    fresh = tmp_path / "fresh"
    internal = tables.write_tables(source, *span, fresh, "both", False)
    public = tables.write_tables(source, *span, fresh, "both", True)
    assert sorted(moved) == sorted([*internal.files, *(f"public/{name}" for name in public.files)])
    assert _csv_files(tmp_path / "tables") == _csv_files(fresh)
    assert any(name.startswith("public/") for name in _csv_files(fresh))
    assert not staged.folder(published).exists()


def test_tables_staged_for_another_publication_are_not_taken(
    warehouse: Path, tmp_path: Path
) -> None:
    published = tmp_path / "published"
    _publish(warehouse, published, "run-1")
    newer = _publish(warehouse, published, "run-2", audited=False)
    out = tmp_path / "tables"
    assert staged.take(published, newer, out) is None
    assert not out.exists()


def test_a_blocked_release_stages_nothing_and_publishes_nothing(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = tmp_path / "published"
    first = _publish(warehouse, published, "run-1")
    before = publication.identity(first)

    def blocked(*args: object) -> tables.TablesReport:
        raise DisclosureError("blocked")

    monkeypatch.setattr(staged, "write_tables", blocked)
    with pytest.raises(DisclosureError):
        _publish(warehouse, published, "run-2")
    assert not staged.folder(published).exists()
    assert publication.identity(publication.published_path(published)) == before


def test_tables_publish_copies_the_current_release_of_every_year(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    published = tmp_path / "published"
    source = _publish(warehouse, published, "run-1")
    span = publication.years(source)
    assert span is not None
    made = published / staged.TABLES_FOLDER
    assert staged.take(published, source, made) is not None
    copied = staged.copy_release(published, source, span, tmp_path / "out", "csv")
    assert copied is not None and copied.public
    assert _csv_files(tmp_path / "out" / "public") == _csv_files(made / "public")
    assert not any(name.endswith(".xlsx") for name in copied.files)
    # Not for fewer years, nor once the tables no longer come from this publication.
    shorter = (span[0] + 1, span[1])
    assert staged.copy_release(published, source, shorter, tmp_path / "other", "both") is None
    staged.unmark(made)
    assert staged.copy_release(published, source, span, tmp_path / "other", "both") is None
    assert not (tmp_path / "other").exists()


def test_published_tables_are_current_only_once_taken_for_the_current_publication(
    warehouse: Path, tmp_path: Path
) -> None:
    published = tmp_path / "published"
    assert not staged.published_current(published)  # nothing published yet
    source = _publish(warehouse, published, "run-1")
    assert not staged.published_current(published)  # staged, not yet moved into place
    staged.take(published, source, published / staged.TABLES_FOLDER)
    assert staged.published_current(published)
    _publish(warehouse, published, "run-2", audited=False)
    assert not staged.published_current(published)
