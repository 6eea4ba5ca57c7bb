"""The three ingestion stages for one agency, each idempotent and per file.

- `read_new_files`: files not seen before are read (pseudonymised at read time)
  into `raw.<agency>__<entity>`; unreadable files are rejected with a reason.
- `validate_pending`: read files are checked against the agency model, mapped
  to the unified tables and checked again; rows go to `validated.*` or to
  `ops.quarantine`.
- `publish_validated`: validated rows replace the file's rows in `unified.*`.

Only new files are touched, so one agency's new file is processed without
re-reading anything else.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import polars as pl

from pipelines.ingest import ledger
from pipelines.ingest import warehouse as wh
from pipelines.ingest.prefetch import prefetched
from pipelines.ingest.validation import (
    Validated,
    empty_quarantine,
    quarantine_unified,
    validate_deliveries,
)
from schemas.unified import UNIFIED_MODELS
from schemas.vocabulary import SOURCE_ROW
from sources.common.config import load_config
from sources.common.delivery import DeliveredTable, Delivery, UnreadableFileError
from sources.common.landing import LandingFile, RejectedFile

if TYPE_CHECKING:
    from sources.registry import AgencySource

log = logging.getLogger(__name__)

# A file's frames mapped to the unified tables, and its quarantine so far.
Checked = tuple[dict[str, pl.DataFrame], pl.DataFrame]

STAGE_TABLES = tuple(UNIFIED_MODELS)
READ_AHEAD = 2  # files read or validated at once: two cores; each holds one file's rows
# A stage writes its files in one transaction (each commit flushes the WAL), committed
# between files once it holds this many rows: DuckDB keeps uncommitted rows in memory (13
# police files of 66,000 rows took the process from 0.6 to 2.6 GiB until the one commit).
COMMIT_EVERY_ROWS = 200_000
# Files read are stored together up to this many rows (one statement per table).
STORE_TOGETHER_ROWS = 50_000
# Files are validated together, against the agency's models and then the unified ones, up
# to this many rows read: pandera's cost per call is fixed (40-100 ms a table, and again per
# check), and a backfill's files are small. A million-row world validated in 28-30 s so,
# 36 s with 50,000; the process peaked 0.4 GiB higher (1.8 GiB), still below what one file
# of a 10 M-row world takes alone (290,000 police rows).
CHECK_TOGETHER_ROWS = 200_000


@dataclass(frozen=True)
class FileOutcome:
    source_file: str
    status: str
    reason: str | None = None


class _Transaction:
    """The stage's open transaction; each file is written whole inside one."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.rows = 0

    def file_written(self, rows: int) -> None:
        self.rows += rows
        if self.rows >= COMMIT_EVERY_ROWS:
            self.con.execute("COMMIT")
            self.con.execute("BEGIN")
            self.rows = 0


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[_Transaction]:
    con.execute("BEGIN")
    yield _Transaction(con)
    con.execute("COMMIT")


def _manifest_row(
    agency: str,
    file: LandingFile | RejectedFile,
    status: str,
    run_id: str,
    reason: str | None = None,
    rows_read: int = 0,
) -> pl.DataFrame:
    landing = file if isinstance(file, LandingFile) else None
    return pl.DataFrame(
        [
            {
                "file_id": file.sha256 if file.sha256 else None,
                "source_agency": agency,
                "source_file": file.file_name,
                "period": landing.period if landing else None,
                "extract_date": landing.extract_date if landing else None,
                "size_bytes": landing.size_bytes if landing else None,
                "status": status,
                "reason": reason,
                "rows_read": rows_read,
                "rows_accepted": 0,
                "rows_quarantined": 0,
                "run_id": run_id,
                "loaded_at": datetime.now(UTC),
            }
        ],
        schema=wh.MANIFEST_SCHEMA,
    )


def _file_quarantine(agency: str, file_name: str, reason: str) -> pl.DataFrame:
    return pl.DataFrame(
        [
            {
                "source_agency": agency,
                "source_file": file_name,
                "source_sheet": None,
                "source_row": None,
                "column_name": None,
                "rule": "file_rejected",
                "reason": reason,
                "value": None,
                "stage": "read",
            }
        ],
        schema=empty_quarantine().schema,
    )


def _forget_files(con: duckdb.DuckDBPyConnection, agency: str, file_names: list[str]) -> None:
    """Remove every trace of these file names, before they are (re)loaded: one statement per
    table for all of them."""
    if not file_names:
        return
    tables = [*wh.raw_tables(con, agency), "ops.quarantine", "ops.file_manifest"]
    tables += [f"{schema}.{t}" for schema in wh.STAGE_SCHEMAS for t in STAGE_TABLES]
    for table in tables:
        con.execute(f"DELETE FROM {table} WHERE {wh.of_files(len(file_names))}", file_names)


def _record_rejection(
    con: duckdb.DuckDBPyConnection,
    agency: str,
    file: LandingFile | RejectedFile,
    reason: str,
    run_id: str,
) -> FileOutcome:
    _forget_files(con, agency, [file.file_name])
    wh.insert(con, "ops.file_manifest", _manifest_row(agency, file, "rejected", run_id, reason))
    wh.insert(con, "ops.quarantine", _file_quarantine(agency, file.file_name, reason))
    log.warning("%s: rejected %s: %s", agency, file.file_name, reason)
    return FileOutcome(file.file_name, "rejected", reason)


def _raw_rows(agency: str, deliveries: list[Delivery]) -> dict[str, pl.DataFrame]:
    """The deliveries' rows per raw table, each row named by its file and sheet."""
    frames: dict[str, list[pl.DataFrame]] = {}
    for delivery in deliveries:
        for table in delivery.tables:
            frames.setdefault(f"raw.{agency}__{table.entity}", []).append(
                table.rows.with_columns(
                    pl.lit(delivery.file.file_name).alias("source_file"),
                    pl.lit(table.sheet, pl.Utf8).alias("source_sheet"),
                )
            )
    # A later file may bring a column the earlier ones lack (a new raw column).
    return {target: pl.concat(parts, how="diagonal_relaxed") for target, parts in frames.items()}


def _read_issues(agency: str, delivery: Delivery) -> pl.DataFrame:
    return delivery.row_issues.select(
        pl.lit(agency).alias("source_agency"),
        pl.lit(delivery.file.file_name).alias("source_file"),
        pl.col("sheet").alias("source_sheet"),
        pl.col(SOURCE_ROW),
        "column_name",
        "rule",
        "reason",
        pl.lit(None, pl.Utf8).alias("value"),
        pl.lit("read").alias("stage"),
    )


def _store_deliveries(
    con: duckdb.DuckDBPyConnection, agency: str, deliveries: list[Delivery], run_id: str
) -> list[FileOutcome]:
    """Several files' rows with one statement per table (each costs milliseconds whatever
    its rows: a backfill's small files were most of the read stage's time)."""
    for target, raw in _raw_rows(agency, deliveries).items():
        wh.ensure_raw_table(con, target, raw)
        wh.insert(con, target, raw)
    issues = [_read_issues(agency, delivery) for delivery in deliveries]
    wh.insert(con, "ops.quarantine", pl.concat(issues))
    manifest = [
        _manifest_row(agency, d.file, "read", run_id, rows_read=d.rows_read()).with_columns(
            # rows not even split into columns are quarantined at read
            pl.lit(issue.select("source_sheet", SOURCE_ROW).unique().height).alias(
                "rows_quarantined"
            )
        )
        for d, issue in zip(deliveries, issues, strict=True)
    ]
    wh.insert(con, "ops.file_manifest", pl.concat(manifest))
    return [FileOutcome(d.file.file_name, "read") for d in deliveries]


def _read_one(agency: AgencySource, file: LandingFile, *, key: bytes) -> Delivery | str:
    """The delivery, or the one-line reason the file cannot be read."""
    try:
        return agency.read(file, key)
    except UnreadableFileError as error:
        return str(error)
    except Exception as error:  # a reader bug must not stop the other files
        log.error("%s: reader failed on %s (%s)", agency.name, file.file_name, type(error).__name__)
        return f"could not be read: unexpected {type(error).__name__} in the {agency.name} reader"


def _plan(
    unread: list[tuple[ledger.Entry, str | None]], seen: dict[str, str | None]
) -> list[tuple[ledger.Entry, str | None, str | None]]:
    """(entry, hash, why it is not read) per unread entry, in order; `why` None: read it.
    A file with the bytes of one read before, or earlier in this run, is a duplicate."""
    seen = dict(seen)
    plan: list[tuple[ledger.Entry, str | None, str | None]] = []
    for entry, sha in unread:
        if isinstance(entry, RejectedFile):
            plan.append((entry, sha, entry.reason))
            continue
        twin = next((name for name, file_id in seen.items() if file_id == sha), None)
        if twin is not None:
            plan.append((entry, sha, f"same bytes as {twin}, already read; not read again"))
            continue
        plan.append((entry, sha, None))
        seen[entry.file_name] = sha
    return plan


def read_new_files(
    con: duckdb.DuckDBPyConnection, landing: Path, agency: AgencySource, key: bytes, run_id: str
) -> list[FileOutcome]:
    """Read every file of the agency's landing folder not read before (by name and content).

    Files are read `READ_AHEAD` at a time on threads (the readers spend most of their time in
    polars, calamine and DuckDB, which release the GIL) while the one before is stored."""
    seen = ledger.seen(con, agency.name)
    plan = _plan(ledger.unread(landing, agency.name, seen), seen)
    to_read = [entry for entry, _, why in plan if why is None and isinstance(entry, LandingFile)]
    deliveries = prefetched(to_read, partial(_read_one, agency, key=key), READ_AHEAD)
    outcomes: list[FileOutcome] = []
    pending: list[Delivery] = []  # read, stored together once they hold STORE_TOGETHER_ROWS

    def store_pending(transaction: _Transaction) -> None:
        if pending:
            outcomes.extend(_store_deliveries(con, agency.name, pending, run_id))
            transaction.file_written(sum(d.rows_read() for d in pending))
            pending.clear()

    with _transaction(con) as transaction:
        # whatever is (re)loaded, skipped as a duplicate or rejected leaves no earlier trace
        _forget_files(con, agency.name, [entry.file_name for entry, _, _ in plan])
        for entry, sha, why in plan:
            if isinstance(entry, RejectedFile):
                rejected = RejectedFile(entry.agency, entry.path, entry.reason, sha)
                outcomes.append(_record_rejection(con, agency.name, rejected, entry.reason, run_id))
            elif why is not None:
                row = _manifest_row(agency.name, entry, "duplicate", run_id, why)
                wh.insert(con, "ops.file_manifest", row)
                outcomes.append(FileOutcome(entry.file_name, "duplicate", why))
            else:
                result = next(deliveries)
                if isinstance(result, str):
                    outcomes.append(_record_rejection(con, agency.name, entry, result, run_id))
                else:
                    pending.append(result)
                    if sum(d.rows_read() for d in pending) >= STORE_TOGETHER_ROWS:
                        store_pending(transaction)
        store_pending(transaction)
    return outcomes


def _pending(con: duckdb.DuckDBPyConnection, agency: str, status: str) -> pl.DataFrame:
    return wh.read_frame(
        con,
        "SELECT * FROM ops.file_manifest WHERE source_agency = ? AND status = ? "
        "ORDER BY source_file",
        [agency, status],
    )


def _landing_file(row: dict[str, object], landing: Path) -> LandingFile:
    """A file read by an earlier run, from its manifest row (written from a LandingFile, so
    its extract date and size are there)."""
    agency = str(row["source_agency"])
    extract_date, size_bytes = row["extract_date"], row["size_bytes"]
    assert isinstance(extract_date, date) and isinstance(size_bytes, int)
    return LandingFile(
        agency=agency,
        path=landing / agency / str(row["source_file"]),
        period=str(row["period"]),
        extract_date=extract_date,
        sha256=str(row["file_id"]),
        size_bytes=size_bytes,
    )


def _raw_deliveries(
    con: duckdb.DuckDBPyConnection, agency: AgencySource, files: list[LandingFile]
) -> list[Delivery]:
    """The files' raw rows as one delivery each (every raw table of the agency, empty where a
    file has no rows in it), read with one query per table."""
    existing = wh.raw_tables(con, agency.name)
    names = [file.file_name for file in files]
    tables: dict[str, list[DeliveredTable]] = {name: [] for name in names}
    for entity in load_config(agency.name).entities:
        table = f"raw.{agency.name}__{entity.entity}"
        if table not in existing:
            continue
        rows = wh.read_frame(
            con,
            f"SELECT * FROM {table} WHERE {wh.of_files(len(names))} "
            "ORDER BY source_file, source_row",
            names,
        )
        columns = [
            SOURCE_ROW,
            *[c for c in rows.columns if c not in (SOURCE_ROW, "source_file", "source_sheet")],
        ]
        by_file = rows.partition_by("source_file", as_dict=True)
        for name in names:
            own = by_file.get((name,), rows.clear()).select(columns)
            tables[name].append(DeliveredTable(entity.entity, entity.sheet, own))
    return [Delivery(file, tables[file.file_name]) for file in files]


def _accepted_rows(frames: dict[str, pl.DataFrame]) -> int:
    keys = [f.select("source_sheet", "source_row") for f in frames.values() if f.height]
    return pl.concat(keys).unique().height if keys else 0


def _validate_group(
    con: duckdb.DuckDBPyConnection, agency: AgencySource, files: list[LandingFile]
) -> list[tuple[LandingFile, Checked | str]]:
    """The files' rows checked against the agency's models, mapped to the unified tables and
    checked against those, each file as if alone (`validate_deliveries`)."""
    deliveries = _raw_deliveries(con, agency, files)
    validated = validate_deliveries(deliveries, agency.models)
    return _checked_unified(agency, [(v.file, _mapped(agency, v)) for v in validated])


def _mapped(agency: AgencySource, validated: Validated) -> Checked:
    accepted = {name: table.accepted for name, table in validated.tables.items()}
    return agency.to_unified(validated.file, accepted), validated.quarantine


def _checked(
    agency: AgencySource, work: tuple[list[LandingFile], duckdb.DuckDBPyConnection]
) -> list[tuple[LandingFile, Checked | str]]:
    """Each file's mapped frames and quarantine, or why it could not be validated: if the
    group fails, each file is validated alone, so only the file at fault is rejected."""
    files, cursor = work
    try:
        return _validate_group(cursor, agency, files)
    except Exception as error:  # a mapping bug quarantines its file, not the group or run
        if len(files) == 1:
            return [(files[0], _unexpected(agency, files[0], error))]
        return [done for file in files for done in _checked(agency, ([file], cursor.cursor()))]
    finally:
        cursor.close()


def _unexpected(agency: AgencySource, file: LandingFile, error: Exception) -> str:
    log.error("%s: validation failed on %s (%s)", agency.name, file.file_name, type(error).__name__)
    return f"could not be validated: unexpected {type(error).__name__}"


def _groups(files: list[LandingFile], rows: list[int]) -> Iterator[list[LandingFile]]:
    """Consecutive files, in order, validated together: up to `CHECK_TOGETHER_ROWS` rows
    read, never two files of one stem (their unified record ids would be the same)."""
    group: list[LandingFile] = []
    stems: set[str] = set()
    group_rows = 0
    for file, file_rows in zip(files, rows, strict=True):
        if group and (file.path.stem in stems or group_rows + file_rows > CHECK_TOGETHER_ROWS):
            yield group
            group, stems, group_rows = [], set(), 0
        group.append(file)
        stems.add(file.path.stem)
        group_rows += file_rows
    if group:
        yield group


def _checked_unified(
    agency: AgencySource, batch: list[tuple[LandingFile, Checked]]
) -> list[tuple[LandingFile, Checked | str]]:
    """Each file's kept frames and whole quarantine after the unified check; if the check
    fails on the batch, each file is checked alone, so only the file at fault is rejected."""
    try:
        unified = quarantine_unified([(file, frames) for file, (frames, _) in batch])
    except Exception as error:  # a mapping bug quarantines its file, not the batch or run
        if len(batch) == 1:
            return [(batch[0][0], _unexpected(agency, batch[0][0], error))]
        return [done for one in batch for done in _checked_unified(agency, [one])]
    return [
        (file, (frames, pl.concat([delivered, unified_quarantine], how="vertical")))
        for (file, (_, delivered)), (frames, unified_quarantine) in zip(batch, unified, strict=True)
    ]


def validate_pending(
    con: duckdb.DuckDBPyConnection, landing: Path, agency: AgencySource, run_id: str
) -> list[FileOutcome]:
    """Validate and map every file of the agency in status `read`.

    Small files are validated a group at a time (`_groups`), and like the reads, `READ_AHEAD`
    groups at once on threads, each reading its raw rows through its own cursor (the raw
    rows were committed by the read stage)."""
    pending = _pending(con, agency.name, "read")
    files = [_landing_file(row, landing) for row in pending.iter_rows(named=True)]
    groups = _groups(files, pending["rows_read"].to_list())
    # A cursor per group as it is taken, made on this thread and closed by the one using it:
    # at most READ_AHEAD + 1 open, however many files a backfill holds.
    work = ((group, con.cursor()) for group in groups)
    outcomes = []
    with _transaction(con) as transaction:
        for done in prefetched(work, partial(_checked, agency), READ_AHEAD):
            kept = [(file, result) for file, result in done if not isinstance(result, str)]
            _store_validated(con, kept, run_id)
            transaction.file_written(
                sum(frame.height for _, (frames, _) in kept for frame in frames.values())
            )
            for file, result in done:
                if isinstance(result, str):
                    outcomes.append(_record_rejection(con, agency.name, file, result, run_id))
                else:
                    outcomes.append(FileOutcome(file.file_name, "validated"))
    return outcomes


def _store_validated(
    con: duckdb.DuckDBPyConnection, kept: list[tuple[LandingFile, Checked]], run_id: str
) -> None:
    """The files' validated rows and quarantines, replacing any they had: one statement per
    table for all of them."""
    if not kept:
        return
    names = [file.file_name for file, _ in kept]
    for table in STAGE_TABLES:
        con.execute(f"DELETE FROM validated.{table} WHERE {wh.of_files(len(names))}", names)
        frames = [frames[table] for _, (frames, _) in kept if table in frames]
        if frames:
            wh.insert(con, f"validated.{table}", pl.concat(frames, how="diagonal_relaxed"))
    wh.insert(con, "ops.quarantine", pl.concat([quarantine for _, (_, quarantine) in kept]))
    counts = [
        (_accepted_rows(frames), _rows_quarantined(quarantine), run_id, file.file_name)
        for file, (frames, quarantine) in kept
    ]
    con.executemany(
        "UPDATE ops.file_manifest SET status = 'validated', rows_accepted = ?, "
        "rows_quarantined = rows_quarantined + ?, run_id = ? WHERE source_file = ?",
        counts,
    )


def _rows_quarantined(quarantine: pl.DataFrame) -> int:
    named = quarantine.filter(pl.col(SOURCE_ROW).is_not_null())
    return named.select("source_sheet", SOURCE_ROW).unique().height


def publish_validated(con: duckdb.DuckDBPyConnection, agency: str, run_id: str) -> list[str]:
    """Move validated rows of the agency's files into `unified.*`, all in one transaction."""
    files = _pending(con, agency, "validated")["source_file"].to_list()
    if not files:
        return []
    of_files = wh.of_files(len(files))
    con.execute("BEGIN")
    for table in STAGE_TABLES:
        con.execute(f"DELETE FROM unified.{table} WHERE {of_files}", files)
        con.execute(
            f"INSERT INTO unified.{table} BY NAME SELECT * FROM validated.{table} WHERE {of_files}",
            files,
        )
        con.execute(f"DELETE FROM validated.{table} WHERE {of_files}", files)
    con.execute(
        "UPDATE ops.file_manifest SET status = 'loaded', run_id = ? "
        "WHERE source_agency = ? AND status = 'validated'",
        [run_id, agency],
    )
    con.execute("COMMIT")
    return files


def conservation_breaches(con: duckdb.DuckDBPyConnection, agency: str) -> pl.DataFrame:
    """Files where rows read != rows accepted + rows quarantined, or a row is both.

    Only the agency's own rows are scanned ($1), not every agency's."""
    accepted = " UNION ".join(
        f"SELECT source_file, source_sheet, source_row FROM {schema}.{table} "
        "WHERE source_agency = $1"
        for schema in wh.STAGE_SCHEMAS
        for table in STAGE_TABLES
    )
    return wh.read_frame(
        con,
        f"""
        WITH accepted AS ({accepted}),
        quarantined AS (
            SELECT DISTINCT source_file, source_sheet, source_row FROM ops.quarantine
            WHERE source_row IS NOT NULL AND source_agency = $1
        ),
        both_ AS (
            SELECT a.source_file, count(*) AS n FROM accepted a JOIN quarantined q
              ON a.source_file = q.source_file AND a.source_row = q.source_row
             AND a.source_sheet IS NOT DISTINCT FROM q.source_sheet
            GROUP BY 1
        ),
        per_file AS (
            SELECT m.source_file, m.rows_read,
                   (SELECT count(*) FROM accepted a WHERE a.source_file = m.source_file)
                       AS rows_accepted,
                   (SELECT count(*) FROM quarantined q WHERE q.source_file = m.source_file)
                       AS rows_quarantined,
                   coalesce(b.n, 0) AS rows_in_both
            FROM ops.file_manifest m LEFT JOIN both_ b USING (source_file)
            WHERE m.source_agency = $1 AND m.status IN ('validated', 'loaded')
        )
        SELECT * FROM per_file
        WHERE rows_read <> rows_accepted + rows_quarantined OR rows_in_both > 0
        ORDER BY source_file
        """,
        [agency],
    )
