"""Linkage quality against a generated world's truth, independent of the linkage code.

Records are matched to the truth by (file, sheet, row); a pair of records is a true match
when both belong to one person of the truth, a predicted match when the warehouse gives
both one person_id.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl


def labelled_records(database: Path, truth: Path) -> pl.DataFrame:
    """record_id, agency, predicted person, true person: one row per person record."""
    with duckdb.connect(str(database), read_only=True) as con:
        predicted: pl.DataFrame = con.sql(
            "SELECT r.record_id, r.source_agency AS agency, r.source_file AS file, "
            "coalesce(r.source_sheet, '') AS sheet, r.source_row AS row, k.person_id AS predicted "
            "FROM unified.person_record r JOIN intermediate.int_person_keys k USING (record_id)"
        ).pl()
    true = pl.read_csv(truth / "agency_records.csv", infer_schema=False).select(
        "file",
        pl.col("sheet").fill_null(""),
        pl.col("row").cast(pl.Int64),
        pl.col("person_id").alias("true"),
    )
    labelled = predicted.join(true, on=["file", "sheet", "row"], how="inner")
    assert labelled.height == predicted.height, "every person record has its truth"
    return labelled


def _pairs(records: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Number of record pairs sharing `keys`, per (agency_l, agency_r) with agency_l <= agency_r."""
    counts = records.group_by(*keys, "agency").len("n")
    joined = counts.join(counts, on=keys, suffix="_r").filter(
        pl.col("agency") <= pl.col("agency_r")
    )
    pairs = (
        pl.when(pl.col("agency") == pl.col("agency_r"))
        .then(pl.col("n") * (pl.col("n") - 1) // 2)
        .otherwise(pl.col("n") * pl.col("n_r"))
    )
    return joined.group_by(pl.col("agency").alias("agency_l"), "agency_r").agg(
        pairs.sum().alias("pairs")
    )


def pairwise_quality(records: pl.DataFrame) -> pl.DataFrame:
    """Pairwise precision and recall per agency pair, and over all pairs (agency 'all')."""
    predicted = _pairs(records, ["predicted"]).rename({"pairs": "predicted_pairs"})
    true = _pairs(records, ["true"]).rename({"pairs": "true_pairs"})
    both = _pairs(records, ["predicted", "true"]).rename({"pairs": "correct_pairs"})
    keys = ["agency_l", "agency_r"]
    table = (
        true.join(predicted, on=keys, how="full", coalesce=True)
        .join(both, on=keys, how="full", coalesce=True)
        .fill_null(0)
    )
    total = table.select(
        pl.lit("all").alias("agency_l"), pl.lit("all").alias("agency_r"), pl.exclude(keys).sum()
    )
    return pl.concat([table.sort(keys), total]).with_columns(
        (pl.col("correct_pairs") / pl.col("predicted_pairs")).alias("precision"),
        (pl.col("correct_pairs") / pl.col("true_pairs")).alias("recall"),
    )


def cluster_quality(records: pl.DataFrame) -> tuple[float, float]:
    """Share of predicted persons that are exactly one true person (cluster precision), and
    share of true persons found exactly (cluster recall)."""
    exact = records.group_by("predicted").agg(
        pl.col("true").n_unique().alias("people"), pl.col("true").first(), pl.len().alias("n")
    )
    true_sizes = records.group_by("true").len("true_n")
    exact = exact.join(true_sizes, on="true")
    found = exact.filter((pl.col("people") == 1) & (pl.col("n") == pl.col("true_n"))).height
    pure = exact.filter(pl.col("people") == 1).height
    return pure / exact.height, found / true_sizes.height


def true_victims_per_year(database: Path, truth: Path) -> dict[int, int]:
    """Distinct true persons per year among the victim records the marts count."""
    sql = """
        SELECT record_id, identification_year AS year FROM intermediate.int_victim_registrations
        UNION ALL SELECT record_id, year(identification_date) FROM staging.stg_politie__victims
        UNION ALL SELECT record_id, year(identification_date) FROM staging.stg_diicot__victims
        UNION ALL SELECT record_id, year(programme_entry_date)
            FROM staging.stg_ong__assistance_episodes
    """
    with duckdb.connect(str(database), read_only=True) as con:
        seen: pl.DataFrame = con.sql(f"SELECT * FROM ({sql}) WHERE year IS NOT NULL").pl()
    labelled = labelled_records(database, truth).select("record_id", "true")
    per_year = seen.join(labelled, on="record_id").group_by("year").agg(pl.col("true").n_unique())
    return {int(y): int(n) for y, n in per_year.iter_rows()}
