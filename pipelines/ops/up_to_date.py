"""`tipstats run`'s up-front check: is there anything to do at all?

Nothing to do means: every landing file is already read (the ingest's own test, by name and
content hash against the file ledger, `pipelines.ingest.ledger`), no file is half-way
(read but not published to unified.*), the linkage's inputs are those of the last linkage,
and the marts were built from, and published as, the current state (the test the dbt asset
itself makes before skipping dbt). Then the whole Dagster run would change nothing, and the
run ends here in about a second instead of loading the Dagster definitions.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines import settings
from pipelines.ingest import ledger
from pipelines.ingest import warehouse as wh
from pipelines.linkage import inputs
from pipelines.ops import dbt_state, publication
from schemas.vocabulary import AGENCIES


def _files_read(con: duckdb.DuckDBPyConnection) -> int | None:
    """Files in the ledger; None when the warehouse has no ledger yet."""
    if not wh.has_table(con, "ops", "file_manifest"):
        return None
    return int(con.execute("SELECT count(*) FROM ops.file_manifest").fetchall()[0][0])


def _linkage_inputs() -> str | None:
    """None for settings that do not parse: the run goes ahead and its linkage step says
    what is wrong, as it did before this check existed."""
    try:
        threshold, band = settings.link_threshold(), settings.link_review_band()
    except ValueError:
        return None
    return inputs.fingerprint(threshold, band, settings.link_decisions_path())


def nothing_new(warehouse: Path, landing: Path, published: Path) -> str | None:
    """The one line saying there is nothing to do, or None when a run has work."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = _files_read(con)
        if files is None or ledger.pending(con):
            return None
        if any(ledger.unread(landing, agency, ledger.seen(con, agency)) for agency in AGENCIES):
            return None
        linkage = _linkage_inputs()
        if linkage is None or inputs.last(con) != linkage:
            return None
        built = dbt_state.last_built(con)
    state = publication.state_of(warehouse, dbt_state.dbt_code())
    if built is None or not built == state == publication.published_state(published):
        return None
    return (
        f"nothing new in {landing}: warehouse and publication are current "
        f"({files} files already read); `tipstats run --force` runs every step anyway"
    )
