"""Every case of the bad-input corpus through the ingest stages on a temporary warehouse.

For each case: no exception escapes; each file ends as declared (rejected with its reason, or
read with the declared accepted rows and quarantine rules); rows read = accepted + quarantined;
and no raw identifier of the case (CNP, name word) nor any 13-digit number is stored anywhere in
the warehouse or written to the log.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import duckdb
import pytest

from pipelines.ingest import warehouse as wh
from pipelines.ingest.stages import (
    conservation_breaches,
    publish_validated,
    read_new_files,
    validate_pending,
)
from sources.registry import SOURCES
from tests.badinput.corpus import CASES, IDENTIFIERS, Case, Read, Rejected, build
from tests.pipelines.identifiers import name_patterns

pytestmark = pytest.mark.slow  # 64 files through the ingest stages

RUN_ID = "badinput"
PSEUDONYM = re.compile(r"^[0-9a-f]{64}$")
THIRTEEN_DIGITS = re.compile(r"\d{13}")


def text_values(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every text value (list elements too) of every table, pseudonyms (64 hex) left out:
    a keyed hash may hold 13 digits in a row by chance."""
    columns = con.execute(
        "SELECT table_schema, table_name, column_name FROM information_schema.columns "
        "WHERE data_type IN ('VARCHAR', 'VARCHAR[]')"
    ).fetchall()
    values: list[str] = []
    for schema, table, column in columns:
        rows = con.execute(
            f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}"'
        ).fetchall()
        values += [v for (v,) in rows if v is not None and not PSEUDONYM.match(v)]
    return values


def run_case(case: Case, root: Path, key: bytes) -> duckdb.DuckDBPyConnection:
    landing = root / "landing"
    landing.mkdir()
    build(case, landing)
    con = duckdb.connect(str(root / "warehouse.duckdb"))
    wh.ensure_tables(con)
    agency = SOURCES[case.agency]
    read_new_files(con, landing, agency, key, RUN_ID)
    validate_pending(con, landing, agency, RUN_ID)
    publish_validated(con, agency.name, RUN_ID)
    return con


def check_file(
    con: duckdb.DuckDBPyConnection, file_name: str, expect: Read | Rejected | str
) -> None:
    row = con.execute(
        "SELECT status, reason, rows_read, rows_accepted, rows_quarantined "
        "FROM ops.file_manifest WHERE source_file = ?",
        [file_name],
    ).fetchall()[0]
    assert row is not None, f"{file_name} is not in the manifest"
    status, reason, read, accepted, quarantined = row
    if isinstance(expect, str):
        assert status == expect
    elif isinstance(expect, Rejected):
        assert status == "rejected"
        assert expect.fragment in reason and "\n" not in reason
    else:
        assert status == "loaded", reason
        assert read == accepted + quarantined
        assert accepted == expect.accepted
        found = {
            rule
            for (rule,) in con.execute(
                "SELECT DISTINCT rule FROM ops.quarantine "
                "WHERE source_file = ? AND source_row IS NOT NULL",
                [file_name],
            ).fetchall()
        }
        assert found == expect.rules if expect.exact else expect.rules <= found, found
        for sql, number in expect.sql:
            assert con.execute(sql).fetchall() == [(number,)], sql


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_input(
    case: Case, tmp_path: Path, key: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    con = run_case(case, tmp_path, key)
    try:
        for relative, expect in case.expect.items():
            check_file(con, Path(relative).name, expect)
        assert conservation_breaches(con, case.agency).is_empty()
        haystacks = [*text_values(con), caplog.text]
    finally:
        con.close()
    leaks = {
        p.pattern for p in name_patterns(set(IDENTIFIERS)) for text in haystacks if p.search(text)
    }
    assert not leaks
    assert not [text for text in haystacks if THIRTEEN_DIGITS.search(text.replace(" ", ""))]


def test_identifier_scan_would_see_a_leak(tmp_path: Path, key: bytes) -> None:
    """The scan itself: a name word and a CNP written into the warehouse are found."""
    con = run_case(CASES[0], tmp_path, key)
    con.execute(f"CREATE TABLE ops.leak AS SELECT '{IDENTIFIERS[0]} {IDENTIFIERS[-1]}' AS v")
    values = text_values(con)
    con.close()
    assert any(p.search(v) for p in name_patterns({IDENTIFIERS[-1]}) for v in values)
    assert any(THIRTEEN_DIGITS.search(v) for v in values)
