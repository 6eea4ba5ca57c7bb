"""What a run did, per agency, in words a data steward reads."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from pipelines.ingest import warehouse as wh
from schemas.vocabulary import AGENCIES
from sources.common.landing import unknown_folders

TOP_REASONS = 5


@dataclass(frozen=True)
class RunSummary:
    per_agency: pl.DataFrame
    top_reasons: pl.DataFrame
    rejected_files: pl.DataFrame
    ignored: list[str]
    files_held: int

    def render(self, check_failures: list[str]) -> str:
        lines = ["", "agency     files  rejected  duplicate  rows read  accepted  quarantined"]
        for row in self.per_agency.iter_rows(named=True):
            lines.append(
                f"{row['agency']:<10} {row['files']:>5}  {row['rejected']:>8}"
                f"  {row['duplicate']:>9}  {row['rows_read']:>9}  {row['rows_accepted']:>8}"
                f"  {row['rows_quarantined']:>11}"
            )
        if self.per_agency["files"].sum() == 0:
            lines.append(f"no new files; the warehouse already holds {self.files_held} files")
        for row in self.per_agency.filter(pl.col("files_in_landing") == 0).iter_rows(named=True):
            lines.append(f"warning: no files from {row['agency']} in the landing zone")
        for reason in self.ignored:
            lines.append(f"warning: ignored {reason}")
        for row in self.rejected_files.iter_rows(named=True):
            lines.append(f"rejected {row['source_agency']}/{row['source_file']}: {row['reason']}")
        if self.top_reasons.height:
            lines.append("")
            lines.append("top quarantine reasons (this run):")
            for row in self.top_reasons.iter_rows(named=True):
                lines.append(f"  {row['source_agency']:<9} {row['rows']:>6} rows  {row['reason']}")
        for failure in check_failures:
            lines.append(f"FAILED check: {failure}")
        return "\n".join(lines)


def summarise(warehouse: Path, run_id: str, landing: Path) -> RunSummary:
    with wh.connect(warehouse) as con:
        wh.ensure_tables(con)
        files = wh.read_frame(
            con, "SELECT * FROM ops.file_manifest WHERE run_id = ? ORDER BY source_file", [run_id]
        )
        held = con.execute("SELECT count(*) FROM ops.file_manifest").fetchall()[0]
        reasons = wh.read_frame(
            con,
            """
            SELECT q.source_agency,
                   CASE WHEN q.rule = 'duplicate_row'
                        THEN 'identical to an earlier row of the same file; counted once'
                        ELSE min(q.reason) END AS reason,
                   count(DISTINCT (q.source_file, q.source_sheet, q.source_row)) AS rows
            FROM ops.quarantine q JOIN ops.file_manifest m USING (source_file)
            WHERE m.run_id = ? AND q.source_row IS NOT NULL
            GROUP BY q.source_agency, q.rule, q.column_name
            ORDER BY rows DESC, reason LIMIT ?
            """,
            [run_id, TOP_REASONS],
        )
    in_landing = {
        a: len(list((landing / a).glob("*"))) if (landing / a).is_dir() else 0 for a in AGENCIES
    }
    per_agency = (
        pl.DataFrame({"agency": list(AGENCIES)})
        .join(
            files.group_by("source_agency").agg(
                pl.len().alias("files"),
                (pl.col("status") == "rejected").sum().alias("rejected"),
                (pl.col("status") == "duplicate").sum().alias("duplicate"),
                pl.col("rows_read").sum(),
                pl.col("rows_accepted").sum(),
                pl.col("rows_quarantined").sum(),
            ),
            left_on="agency",
            right_on="source_agency",
            how="left",
        )
        .fill_null(0)
        .with_columns(pl.col("agency").replace_strict(in_landing).alias("files_in_landing"))
    )
    rejected = files.filter(pl.col("status") == "rejected").select(
        "source_agency", "source_file", "reason"
    )
    ignored = [entry.reason for entry in unknown_folders(landing)]
    return RunSummary(per_agency, reasons, rejected, ignored, int(held[0]) if held else 0)
