"""Which landing files are already read: the file ledger (`ops.file_manifest`) against the
landing zone, by name and content hash.

The one definition of "new" shared by the ingest (`stages.read_new_files`) and by
`tipstats run`'s up-front check, so the check can never call a file read that the ingest
would read. Light on imports: the check runs before Dagster is loaded.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from sources.common.landing import LandingFile, RejectedFile, content_id, discover

Entry = LandingFile | RejectedFile
# Manifest statuses of files read but not yet published to unified.* (work for the next run).
PENDING = ("read", "validated")


def seen(con: duckdb.DuckDBPyConnection, agency: str) -> dict[str, str | None]:
    """File name -> content hash of every file of the agency the manifest holds."""
    rows = con.execute(
        "SELECT source_file, file_id FROM ops.file_manifest WHERE source_agency = ?", [agency]
    ).fetchall()
    return dict(rows)


def unread(
    landing: Path, agency: str, known: dict[str, str | None]
) -> list[tuple[Entry, str | None]]:
    """The agency's landing entries not read before (new name, or same name with other
    bytes), each with its content hash."""
    entries = []
    for entry in discover(landing, agency):
        sha = entry.sha256 if isinstance(entry, LandingFile) else content_id(entry.path)
        if entry.file_name not in known or known[entry.file_name] != sha:
            entries.append((entry, sha))
    return entries


def pending(con: duckdb.DuckDBPyConnection) -> int:
    """Files read but not yet published to unified.* (a run stopped before the end)."""
    found = con.execute(
        "SELECT count(*) FROM ops.file_manifest WHERE list_contains(?, status)", [list(PENDING)]
    ).fetchall()
    return int(found[0][0])
