"""The landing sensor's view: each content once, settled files only, changes seen again."""

from __future__ import annotations

import hashlib
import os
import time
import zipfile
from pathlib import Path

import pytest

from pipelines.ops import landing_watch
from pipelines.ops.landing_watch import (
    QUIET_SECONDS,
    TEXT_FORMATS,
    WORKBOOK_FORMATS,
    Clock,
    scan,
)
from sources.common.landing import EXTENSIONS


def _drop(folder: Path, name: str, content: bytes, age_seconds: float = 60) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    past = time.time() - age_seconds
    os.utime(path, (past, past))
    return path


def test_new_file_is_seen_once_with_its_content_hash(tmp_path: Path) -> None:
    path = _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"a;b\n1;2\n")
    arrivals, cursor = scan(tmp_path, ["anitp", "politie"], {})
    assert [(a.agency, a.path, a.sha256) for a in arrivals] == [
        ("anitp", path, hashlib.sha256(b"a;b\n1;2\n").hexdigest())
    ]
    again, _ = scan(tmp_path, ["anitp", "politie"], cursor)
    assert again == []


def test_changed_content_is_a_new_arrival(tmp_path: Path) -> None:
    _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"v1")
    _, cursor = scan(tmp_path, ["anitp"], {})
    _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"v2 corrected", age_seconds=30)
    arrivals, _ = scan(tmp_path, ["anitp"], cursor)
    assert [a.sha256 for a in arrivals] == [hashlib.sha256(b"v2 corrected").hexdigest()]


def test_file_still_being_copied_waits_for_the_next_tick(tmp_path: Path) -> None:
    path = _drop(tmp_path / "ong", "ong_2024_20250130.xlsx", b"partial", age_seconds=0)
    arrivals, cursor = scan(tmp_path, ["ong"], {}, settle_seconds=10)
    assert arrivals == []
    path.write_bytes(b"partial, then the rest")  # the copy goes on between two ticks
    arrivals, cursor = scan(tmp_path, ["ong"], cursor, settle_seconds=10)
    assert arrivals == []
    arrivals, _ = scan(tmp_path, ["ong"], cursor, settle_seconds=10)  # unchanged since
    assert [a.sha256 for a in arrivals] == [hashlib.sha256(b"partial, then the rest").hexdigest()]


def test_a_file_rewritten_with_the_same_content_is_not_an_arrival(tmp_path: Path) -> None:
    path = _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"same bytes")
    _, cursor = scan(tmp_path, ["anitp"], {})
    path.write_bytes(b"same bytes")  # copied in again: a new mtime, recent
    first, cursor = scan(tmp_path, ["anitp"], cursor, settle_seconds=10)
    second, _ = scan(tmp_path, ["anitp"], cursor, settle_seconds=10)
    assert first == second == []


def test_hidden_files_folders_and_other_agencies_are_not_arrivals(tmp_path: Path) -> None:
    _drop(tmp_path / "anitp", ".~lock.anitp_2024_20250115.csv#", b"lock")
    (tmp_path / "anitp" / "anitp_2023_20240115.csv").mkdir()
    _drop(tmp_path / "politie", "politie_2024_20250110.csv", b"x")
    arrivals, _ = scan(tmp_path, ["anitp"], {})
    assert arrivals == []


def test_files_the_publication_already_has_are_not_arrivals(tmp_path: Path) -> None:
    _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"read by a command-line run")
    _drop(tmp_path / "anitp", "anitp_2024_20250601.csv", b"new")
    known = {hashlib.sha256(b"read by a command-line run").hexdigest()}
    arrivals, _ = scan(tmp_path, ["anitp"], {}, published=known)
    assert [a.path.name for a in arrivals] == ["anitp_2024_20250601.csv"]


def _workbook(path: Path) -> bytes:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>" * 200)
    return path.read_bytes()


def test_a_whole_extract_quiet_for_seconds_is_taken_at_first_sight(tmp_path: Path) -> None:
    _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"a,b\r\n1,2\r\n", age_seconds=3)
    _drop(tmp_path / "ong", "ong_2024_20250130.xlsx", _workbook(tmp_path / "w.xlsx"), 3)
    arrivals, _ = scan(tmp_path, ["anitp", "ong"], {}, settle_seconds=10)
    assert [a.path.name for a in arrivals] == ["anitp_2024_20250115.csv", "ong_2024_20250130.xlsx"]


def _no_wait(seconds: float) -> None:
    raise AssertionError(f"the scan waited {seconds} s for a file it cannot take this tick")


def test_a_copy_cut_short_waits_for_the_next_tick(tmp_path: Path) -> None:
    whole = _workbook(tmp_path / "w.xlsx")
    _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"a,b\n1,2\n3,", age_seconds=1)
    _drop(tmp_path / "ong", "ong_2024_20250130.xlsx", whole[: len(whole) // 2], age_seconds=1)
    _drop(tmp_path / "instante", "instante_2024_20250115.jsonl", b"", age_seconds=1)
    # Whole, but changed "in the future": the sensor's clock and the file server's differ.
    _drop(tmp_path / "politie", "politie_2024_20250110.csv", b"a;b\r\n1;2\r\n", age_seconds=-30)
    agencies = ["anitp", "ong", "politie", "instante"]
    arrivals, cursor = scan(tmp_path, agencies, {}, settle_seconds=10, clock=Clock(sleep=_no_wait))
    assert arrivals == []
    arrivals, _ = scan(tmp_path, agencies, cursor, settle_seconds=10, clock=Clock(sleep=_no_wait))
    assert len(arrivals) == 4  # unchanged since: taken as they are, as before


def test_a_whole_extract_changed_moments_ago_is_taken_in_the_same_tick(tmp_path: Path) -> None:
    waits: list[float] = []
    _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"a,b\n1,2\n", age_seconds=0.5)
    _drop(tmp_path / "ong", "ong_2024_20250130.xlsx", _workbook(tmp_path / "w.xlsx"), 1.5)
    arrivals, cursor = scan(tmp_path, ["anitp", "ong"], {}, clock=Clock(sleep=waits.append))
    assert [a.path.name for a in arrivals] == ["anitp_2024_20250115.csv", "ong_2024_20250130.xlsx"]
    # One wait, until the youngest file has been quiet for QUIET_SECONDS.
    assert len(waits) == 1 and QUIET_SECONDS - 0.5 - 0.5 < waits[0] <= QUIET_SECONDS - 0.5
    again, _ = scan(tmp_path, ["anitp", "ong"], cursor, clock=Clock(sleep=_no_wait))
    assert again == []


def test_a_file_that_changes_while_the_scan_waits_is_left_for_the_next_tick(
    tmp_path: Path,
) -> None:
    path = _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"a,b\n1,2\n", age_seconds=0)

    def copy_goes_on(seconds: float) -> None:
        with path.open("ab") as handle:
            handle.write(b"3,4\n")

    arrivals, cursor = scan(tmp_path, ["anitp"], {}, clock=Clock(sleep=copy_goes_on))
    assert arrivals == []
    arrivals, _ = scan(tmp_path, ["anitp"], cursor, clock=Clock(sleep=lambda seconds: None))
    assert [a.sha256 for a in arrivals] == [hashlib.sha256(b"a,b\n1,2\n3,4\n").hexdigest()]


def test_a_file_moved_away_while_the_tick_reads_it_is_no_arrival_and_no_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _drop(tmp_path / "anitp", "anitp_2024_20250115.csv", b"a;b\n1;2\n")
    state = landing_watch._state

    def seen_then_moved(listed: Path) -> tuple[int, int] | None:
        found = state(listed)
        listed.unlink()  # a steward moves it away between the listing and the hash
        return found

    monkeypatch.setattr(landing_watch, "_state", seen_then_moved)
    arrivals, cursor = scan(tmp_path, ["anitp"], {})
    assert arrivals == []
    monkeypatch.undo()
    _drop(tmp_path / "anitp", path.name, b"a;b\n1;2\n")  # and puts it back
    arrivals, _ = scan(tmp_path, ["anitp"], cursor)
    assert [a.path for a in arrivals] == [path]


def test_every_delivered_format_has_its_whole_file_check() -> None:
    assert set(EXTENSIONS.values()) <= TEXT_FORMATS | WORKBOOK_FORMATS
