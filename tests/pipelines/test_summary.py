"""The run summary: an agency without files is a warning, rejected files are named."""

from __future__ import annotations

import shutil
from pathlib import Path

from pipelines.ingest import stages
from pipelines.ingest import warehouse as wh
from pipelines.summary import summarise
from sources.registry import SOURCES
from tests.conftest import EXAMPLES


def test_summary_counts_warns_and_names_rejections(tmp_path: Path, key: bytes) -> None:
    landing = tmp_path / "landing"
    shutil.copytree(EXAMPLES / "anitp", landing / "anitp")
    (landing / "anitp" / "anitp_2017.csv").write_text("x")
    (landing / "politie").mkdir()  # a folder, but no files
    warehouse = tmp_path / "w.duckdb"
    with wh.connect(warehouse) as con:
        wh.ensure_tables(con)
        stages.read_new_files(con, landing, SOURCES["anitp"], key, "run-1")
        stages.validate_pending(con, landing, SOURCES["anitp"], "run-1")
    text = summarise(warehouse, "run-1", landing).render([])
    anitp = next(line for line in text.splitlines() if line.startswith("anitp"))
    # 3 files seen, 1 rejected; 5 + 6 rows read and accepted, none quarantined
    assert anitp.split() == ["anitp", "3", "1", "0", "11", "11", "0"]
    for agency in ("politie", "diicot", "instante", "ong"):
        assert f"warning: no files from {agency} in the landing zone" in text
    assert "rejected anitp/anitp_2017.csv: file name does not match" in text
