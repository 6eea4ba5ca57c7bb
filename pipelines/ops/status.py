"""`tipstats status`: what a steward asks first, read without ever blocking a run.

Everything comes from the published database, the landing folders, the writer lock and
the Dagster instance's run history; the working warehouse is never opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ops import publication
from pipelines.ops.lock import is_locked
from schemas.vocabulary import AGENCIES


@dataclass(frozen=True)
class LastRun:
    run_id: str
    status: str
    started: datetime | None


@dataclass(frozen=True)
class Status:
    last_run: LastRun | None
    running: bool
    waiting: dict[str, list[str]]
    freshness: pl.DataFrame
    published_at: datetime | None
    vintages: pl.DataFrame
    freshness_days: int

    def render(self) -> str:
        lines = [self._run_line(), self._published_line(), ""]
        lines.append("agency     last extract  last arrival          days  waiting")
        for row in self.freshness.iter_rows(named=True):
            days = row["days_since_arrival"]
            stale = days is None or days > self.freshness_days
            lines.append(
                f"{row['agency']:<10} {_text(row['last_extract']):<13} "
                f"{_text(row['last_arrival'])[:19]:<21} {_text(days):>4}  "
                f"{len(self.waiting.get(row['agency'], [])):>7}"
                + (f"  STALE: nothing for over {self.freshness_days} days" if stale else "")
            )
        for agency, files in self.waiting.items():
            lines += [f"waiting: {agency}/{name}" for name in files]
        if self.vintages.height:
            lines += ["", "published from (the latest extract of each agency and period):"]
            per_agency = self.vintages.group_by("source_agency", maintain_order=True).agg(
                pl.col("period").min().alias("first"),
                pl.col("period").max().alias("last"),
                pl.len().alias("periods"),
                pl.col("source_file").sort().last().alias("newest"),
            )
            lines += [
                f"  {r['source_agency']:<9} {r['first']}..{r['last']}  {r['periods']} periods, "
                f"newest file {r['newest']}"
                for r in per_agency.iter_rows(named=True)
            ]
        return "\n".join(lines)

    def _run_line(self) -> str:
        if self.running:
            return "a run is writing the warehouse now"
        if self.last_run is None:
            return "no run recorded yet"
        started = _text(self.last_run.started)[:19]
        return f"last run {self.last_run.run_id[:8]} started {started} UTC: {self.last_run.status}"

    def _published_line(self) -> str:
        if self.published_at is None:
            return "nothing published yet"
        return f"published database built {self.published_at:%Y-%m-%d %H:%M:%S} UTC"


def _text(value: object) -> str:
    return "-" if value is None else str(value)


def _published(published: Path) -> tuple[datetime | None, pl.DataFrame, pl.DataFrame]:
    empty = pl.DataFrame(
        schema={
            "source_agency": pl.Utf8,
            "source_file": pl.Utf8,
            "period": pl.Utf8,
            "extract_date": pl.Date,
            "loaded_at": pl.Datetime("us", "UTC"),
        }
    )
    if not published.exists():
        return None, empty, empty.select("source_agency", "period", "source_file")
    with duckdb.connect(str(published), read_only=True) as con:
        built = con.execute("SELECT max(built_at) FROM ops.publication").fetchall()[0][0]
        files = con.sql(
            "SELECT source_agency, source_file, period, extract_date, loaded_at "
            "FROM ops.file_manifest"
        ).pl()
        vintages = con.sql(
            "SELECT source_agency, period, source_file FROM marts.rpt_extracts_used "
            "WHERE is_latest ORDER BY source_agency, period"
        ).pl()
    return built, files, vintages


def _freshness(files: pl.DataFrame, now: datetime) -> pl.DataFrame:
    latest = files.group_by("source_agency").agg(
        pl.col("extract_date").max().alias("last_extract"),
        pl.col("loaded_at").max().alias("last_arrival"),
    )
    return (
        pl.DataFrame({"agency": list(AGENCIES)})
        .join(latest, left_on="agency", right_on="source_agency", how="left")
        .with_columns(
            (pl.lit(now) - pl.col("last_arrival").dt.convert_time_zone("UTC"))
            .dt.total_days()
            .alias("days_since_arrival")
        )
    )


def _waiting(landing: Path, known: set[str]) -> dict[str, list[str]]:
    waiting = {}
    for agency in AGENCIES:
        folder = landing / agency
        names = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        new = [n for n in names if not n.startswith(".") and n not in known]
        if new:
            waiting[agency] = new
    return waiting


def status(
    warehouse: Path,
    published_dir: Path,
    landing: Path,
    last_run: LastRun | None,
    freshness_days: int,
) -> Status:
    built, files, vintages = _published(publication.published_path(published_dir))
    return Status(
        last_run=last_run,
        running=is_locked(warehouse),
        waiting=_waiting(landing, set(files["source_file"])),
        freshness=_freshness(files, datetime.now(UTC)),
        published_at=built,
        vintages=vintages,
        freshness_days=freshness_days,
    )
