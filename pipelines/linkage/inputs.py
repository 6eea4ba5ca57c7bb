"""What decides who is who besides the person records: the threshold, the review band, the
reviewer's decisions and the linkage code. Their fingerprint is kept in the warehouse with
every linkage (`ops.linkage_inputs`, one row), so `tipstats run` can tell, without running
Splink, that linking again would change nothing. Light on imports (no Splink).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb

from pipelines.ingest import warehouse as wh

TABLE = "ops.linkage_inputs"
_CODE = Path(__file__).parent


def fingerprint(threshold: float, band: tuple[float, float], decisions: Path) -> str:
    digest = hashlib.sha256(json.dumps([threshold, list(band)]).encode())
    # An absent file and an empty one both mean "no decisions", but hash apart: either way
    # a change of the file is a change of inputs.
    digest.update(decisions.read_bytes() if decisions.is_file() else b"\0absent")
    for path in sorted(_CODE.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def record(con: duckdb.DuckDBPyConnection, state: str) -> None:
    """Inside the caller's transaction, with the linkage it describes."""
    con.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (state VARCHAR NOT NULL)")
    con.execute(f"DELETE FROM {TABLE}")
    con.execute(f"INSERT INTO {TABLE} VALUES (?)", [state])


def last(con: duckdb.DuckDBPyConnection) -> str | None:
    """The fingerprint of the last linkage written (None before the first, or from a release
    that kept none); works on a read-only connection."""
    if not wh.has_table(con, "ops", "linkage_inputs"):
        return None
    found = con.execute(f"SELECT max(state) FROM {TABLE}").fetchall()
    return str(found[0][0]) if found[0][0] else None
