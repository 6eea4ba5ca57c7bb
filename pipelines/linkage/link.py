"""Link person records: deterministic on the CNP stem, Splink for the rest, reviewed pairs.

Everything runs in a private scratch DuckDB file in a temporary folder (Splink's scratch
tables never reach the warehouse); only the results are written back: `unified.person_link`,
`ops.linkage_review` and a row of `ops.linkage_model`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
from splink import DuckDBAPI, Linker
from splink.clustering import cluster_pairwise_predictions_at_threshold
from splink.internals.splink_dataframe import SplinkDataFrame

from pipelines.ingest import warehouse as wh
from pipelines.linkage import inputs, model
from pipelines.linkage.review import MATCH, NO_MATCH, pair_id_sql, read_decisions
from pipelines.settings import LINKAGE_MEMORY_ENV

log = logging.getLogger(__name__)

# Below this many records EM has too few pairs to learn from: the prior model is used.
MIN_RECORDS_TO_TRAIN = 2000
U_SAMPLE_PAIRS = 2_000_000
# Pairs each EM session samples from its block (about 9 s per million). Two generated
# worlds of a million rows linked with 2 M and 0.5 M pairs have the same pairwise precision
# and recall to the fourth decimal, training in 7-10 s instead of 20; 0.2 M lost 1.6 points
# of recall.
EM_MAX_PAIRS = 500_000
SEED = 9
# Beyond its memory DuckDB spills to disk, by default up to 90% of the free space: a run
# that outgrows it would fill the disk the warehouse is on before failing.
SPILL_SHARE_OF_FREE_DISK = 0.5
LOAD_BATCH_ROWS = 100_000
# Above this many records the pairs are scored in slices of the records on each side
# (Splink's chunks: the same pairs), so DuckDB holds one slice's pairs at a time.
RECORDS_PER_CHUNK = 4_000_000


class LinkageScratchError(RuntimeError):
    """The linkage needs more than its scratch database's memory and disk caps."""


@dataclass(frozen=True)
class LinkOutcome:
    records: int
    persons: int
    review_pairs: int
    trained: bool
    seconds: dict[str, float]  # per phase, in order: where a slow linkage spends its time


@contextmanager
def _phase(seconds: dict[str, float], name: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        seconds[name] = round(time.perf_counter() - start, 1)


# Keyed pseudonyms (64 hex digits) and case numbers are only ever compared for equality,
# so the linkage compares their 128-bit MD5 numbers, a fraction of their width: at 3
# million records prediction took 20 s instead of 52, its join of pairs to records no
# longer spilling to disk. Two of ten million distinct values share a number with odds
# of about 1 in 10^25.
EQUALITY_ONLY = (
    "cnp_stem_key",
    "surname_key",
    "given_name_key",
    "surname_phonetic_key",
    "given_name_phonetic_key",
    "case_number",
)


def _input_column(column: str) -> str:
    if column in EQUALITY_ONLY:
        return f"md5_number(p.{column}) AS {column}"
    if column == "name_bigram_keys":
        return "list_transform(p.name_bigram_keys, lambda k: md5_number(k)) AS name_bigram_keys"
    if column == "sex":
        return "nullif(p.sex, 'U') AS sex"
    return f"p.{column}"


def _input_sql() -> str:
    """The compared attributes of every person record; a victim's or assisted person's
    episode adds when and how they were exploited (same record id, same source row)."""
    columns = ", ".join(_input_column(c) for c in model.INPUT_COLUMNS)
    return f"""
        SELECT {columns},
               md5_number(nullif(concat_ws('|', p.surname_key, p.given_name_key), ''))
                   AS name_key,
               coalesce(v.identification_date, a.programme_entry_date) AS event_date,
               nullif(coalesce(v.exploitation_form, a.exploitation_form), 'unknown')
                   AS exploitation_form
        FROM unified.person_record p
        LEFT JOIN unified.victim_identification v USING (record_id)
        LEFT JOIN unified.assistance_episode a USING (record_id)
    """


def _train(records: SplinkDataFrame) -> dict[str, Any]:
    """u by random sampling, m by EM, the share of matches from certain pairs (no labels).

    An EM session that fails (a level never seen among matches drives its m to 0) leaves
    the parameters as they were before it."""
    linker = Linker(records, model.settings(term_frequencies=True), log_level=logging.WARNING)
    training = linker.training
    training.estimate_probability_two_random_records_match(
        model.DETERMINISTIC_RULES, recall=model.DETERMINISTIC_RECALL
    )
    training.estimate_u_using_random_sampling(max_pairs=U_SAMPLE_PAIRS, seed=SEED)
    trained = linker.misc.save_model_to_json()
    for rule in model.TRAINING_BLOCKS:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS
            )
        except ValueError as error:
            log.warning("linkage: an EM session kept the earlier parameters (%s)", error)
            linker = Linker(records, trained, log_level=logging.WARNING)
        trained = linker.misc.save_model_to_json()
    return _with_m_floor(trained)


def _with_m_floor(settings: dict[str, Any]) -> dict[str, Any]:
    for comparison in settings["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("m_probability") is not None:
                level["m_probability"] = max(level["m_probability"], model.M_FLOOR)
    return settings


def _model(records: SplinkDataFrame, count: int) -> tuple[dict[str, Any], bool]:
    """The trained model, or the prior one where there are too few records to learn from."""
    trained = count >= MIN_RECORDS_TO_TRAIN
    return (_train(records) if trained else model.settings(term_frequencies=False)), trained


def _predict(
    scratch: duckdb.DuckDBPyConnection,
    records: SplinkDataFrame,
    settings: dict[str, Any],
    count: int,
    low: float,
) -> dict[str, Any]:
    """Score the blocked pairs (probability >= low) into the table `pairs`."""
    linker = Linker(records, settings, log_level=logging.WARNING)
    chunks = max(1, math.ceil(count / RECORDS_PER_CHUNK))  # no records: still one
    predictions = linker.inference.predict(
        threshold_match_probability=low, num_chunks_left=chunks, num_chunks_right=chunks
    )
    scratch.execute(f"CREATE TABLE pairs AS SELECT * FROM {predictions.physical_name}")
    return linker.misc.save_model_to_json()


def _evidence_sql(columns: list[str]) -> str:
    """Per comparison: its match weight (log2 of the Bayes factor, with the term-frequency
    adjustment where there is one; 0 where a value is missing), as one JSON text."""
    parts = []
    for name in (c["output_column_name"] for c in model.COMPARISONS):
        weight = f"mw_{name}" + (f" + mw_tf_adj_{name}" if f"mw_tf_adj_{name}" in columns else "")
        parts.append(f"'{name}': round({weight}, 3)")
    return f"to_json({{{', '.join(parts)}}})"


def _edges(scratch: duckdb.DuckDBPyConnection, decisions: pl.DataFrame) -> None:
    """Edges of the person graph: CNP stems, scored pairs, reviewers' decisions; and each
    record's node in `node_of`: the first record of its CNP stem, or itself without one."""
    scratch.execute(
        """
        CREATE TABLE node_of AS
        SELECT record_id,
               CASE WHEN cnp_stem_key IS NULL THEN record_id
                    ELSE min(record_id) OVER (PARTITION BY cnp_stem_key) END AS node_id
        FROM person_input
        """
    )
    scratch.register("decisions_in", decisions.to_arrow())
    pair = pair_id_sql("record_id_l", "record_id_r")
    scratch.execute(
        f"""
        CREATE TABLE edges AS
        WITH scored AS (  -- never two records with a stem each (`model.PREDICTION_BLOCKS`)
            SELECT record_id_l, record_id_r, {pair} AS pair_id, match_probability FROM pairs
        ),
        stems AS (  -- every record of a CNP stem to the first one: one person
            SELECT node_id AS record_id_l, record_id AS record_id_r FROM node_of
        )
        SELECT s.record_id_l, s.record_id_r,
               CASE d.decision WHEN '{MATCH}' THEN 1.0 WHEN '{NO_MATCH}' THEN 0.0
                    ELSE s.match_probability END AS match_probability,
               CASE WHEN d.decision IS NOT NULL THEN 'review' ELSE 'probabilistic' END
                   AS link_method
        FROM scored s LEFT JOIN decisions_in d USING (pair_id)
        UNION ALL
        SELECT record_id_l, record_id_r, 1.0, 'cnp' FROM stems
        WHERE record_id_l <> record_id_r
        """
    )


def _stem_graph(scratch: duckdb.DuckDBPyConnection, threshold: float) -> None:
    """The person graph with each CNP stem's records as one node (`node_of`): the nodes
    `stem_nodes` and the scored and reviewed edges between them at or above the threshold
    `stem_edges`. A stem is one person already, so its records' links need not go through
    the connected components, whose rounds then pass over a node per person with a stem
    instead of an edge per record."""
    scratch.execute("CREATE TABLE stem_nodes AS SELECT DISTINCT node_id AS record_id FROM node_of")
    scratch.execute(
        f"""
        CREATE TABLE stem_edges AS
        SELECT l.node_id AS record_id_l, r.node_id AS record_id_r, e.match_probability
        FROM edges e
        JOIN node_of l ON l.record_id = e.record_id_l
        JOIN node_of r ON r.record_id = e.record_id_r
        WHERE e.link_method <> 'cnp' AND e.match_probability >= {threshold}
          AND l.node_id <> r.node_id
        """
    )


def _clusters(scratch: duckdb.DuckDBPyConnection, threshold: float) -> None:
    """Connected components of the edges at or above the threshold -> person ids, in the
    scratch table `links` (streamed to the warehouse: 10 M rows never sit in Python)."""
    _stem_graph(scratch, threshold)
    db_api = DuckDBAPI(connection=scratch)
    clusters = cluster_pairwise_predictions_at_threshold(
        "stem_nodes",
        "stem_edges",
        db_api,
        node_id_column_name="record_id",
        edge_id_column_name_left="record_id_l",
        edge_id_column_name_right="record_id_r",
        threshold_match_probability=threshold,
    )
    scratch.execute(
        f"""
        CREATE TABLE links AS
        WITH accepted AS (
            SELECT record_id_l AS record_id, link_method, match_probability FROM edges
            WHERE match_probability >= {threshold}
            UNION ALL
            SELECT record_id_r, link_method, match_probability FROM edges
            WHERE match_probability >= {threshold}
        ),
        how AS (
            SELECT record_id,
                   arg_max(link_method, CASE link_method WHEN 'cnp' THEN 3
                       WHEN 'review' THEN 2 ELSE 1 END) AS link_method,
                   max(match_probability) AS match_probability
            FROM accepted GROUP BY record_id
        ),
        clustered AS (
            SELECT n.record_id, c.cluster_id
            FROM node_of n JOIN {clusters.physical_name} c ON c.record_id = n.node_id
        )
        SELECT c.record_id, i.source_agency,
               coalesce(min(k.person_key) OVER (PARTITION BY c.cluster_id),
                        'person:' || min(c.record_id) OVER (PARTITION BY c.cluster_id))
                   AS person_id,
               coalesce(h.link_method, 'single') AS link_method,
               h.match_probability
        FROM clustered c
        JOIN person_input i USING (record_id)
        LEFT JOIN person_keys k USING (record_id)
        LEFT JOIN how h USING (record_id)
        """
    )


def _review(scratch: duckdb.DuckDBPyConnection, band: tuple[float, float]) -> pl.DataFrame:
    pair = pair_id_sql("record_id_l", "record_id_r")
    columns = [row[0] for row in scratch.execute("DESCRIBE pairs").fetchall()]
    review: pl.DataFrame = scratch.sql(
        f"""
        SELECT {pair} AS pair_id, p.record_id_l, p.record_id_r,
               p.source_agency_l, p.source_agency_r, p.match_probability, p.match_weight,
               {_evidence_sql(columns)} AS evidence, d.decision
        FROM pairs p LEFT JOIN decisions_in d ON d.pair_id = {pair}
        WHERE p.match_probability >= {band[0]} AND p.match_probability < {band[1]}
        ORDER BY pair_id
        """
    ).pl()
    return review


def link_persons(
    con: duckdb.DuckDBPyConnection,
    *,
    threshold: float,
    band: tuple[float, float],
    decisions_path: Path,
    memory: str,
) -> LinkOutcome:
    """Link every person record of the warehouse and write the three linkage tables; the
    scratch database works in `memory` (a DuckDB size, '2GB') and spills beyond it."""
    wh.ensure_tables(con)
    # Taken before the decisions are read: a file changed meanwhile makes the next run link.
    state = inputs.fingerprint(threshold, band, decisions_path)
    decisions = read_decisions(decisions_path)
    seconds: dict[str, float] = {}
    with (
        tempfile.TemporaryDirectory(prefix="tipstats-linkage-") as spill,
        _scratch(spill, memory) as scratch,
    ):
        with _phase(seconds, "load"):
            count = _load(con, scratch)
        records = DuckDBAPI(connection=scratch).register("person_input")
        with _phase(seconds, "train"):
            settings, trained = _model(records, count)
        with _phase(seconds, "score"):
            settings_json = _predict(scratch, records, settings, count, min(band[0], threshold))
        with _phase(seconds, "cluster"):
            _edges(scratch, decisions)
            _clusters(scratch, threshold)
        with _phase(seconds, "review"):
            review = _review(scratch, band)
        ((persons,),) = scratch.execute("SELECT count(DISTINCT person_id) FROM links").fetchall()
        model_row = _model_row(count, persons, settings_json, threshold, trained)
        with _phase(seconds, "write"):
            _write(con, scratch, review, model_row, state)
    return LinkOutcome(count, persons, review.height, trained, seconds)


@contextmanager
def _scratch(spill: str, memory: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A private DuckDB file in `spill` that works in `memory` and spills beyond it, up to
    its share of the free disk; beyond that, one clear error. A file rather than an
    in-memory database: its tables are stored compressed and leave memory as they are
    written (in memory, 3 million records filled 2 GB and 3 GiB of spill; as a file, 0.6 GB)."""
    disk = spill_cap(spill)
    with duckdb.connect(str(Path(spill) / "scratch.duckdb")) as scratch:
        scratch.execute(f"SET memory_limit = '{memory}'")
        scratch.execute(f"SET temp_directory = '{spill}'")
        scratch.execute(f"SET max_temp_directory_size = '{disk}B'")
        scratch.execute("SET preserve_insertion_order = false")
        try:
            yield scratch
        except duckdb.OutOfMemoryException as error:
            first = str(error).splitlines()[0]
            if "offload" not in first:  # a step DuckDB cannot spill: more disk is no help
                raise LinkageScratchError(
                    f"the linkage needs more than {memory} of memory for a step that cannot "
                    f"spill to disk: {first} Set {LINKAGE_MEMORY_ENV} higher, on a machine with "
                    "that much memory to spare."
                ) from error
            raise LinkageScratchError(
                f"the linkage needs more scratch than {memory} of memory and "
                f"{disk / 2**30:.1f} GiB of disk in {Path(spill).parent} "
                f"({SPILL_SHARE_OF_FREE_DISK:.0%} of its free space): {first} Free disk "
                "there, or set TMPDIR to a larger disk."
            ) from error


def spill_cap(spill: str) -> int:
    """Bytes the scratch database may spill to the disk of `spill`."""
    return int(shutil.disk_usage(spill).free * SPILL_SHARE_OF_FREE_DISK)


def _load(con: duckdb.DuckDBPyConnection, scratch: duckdb.DuckDBPyConnection) -> int:
    """Copy the compared attributes (and CNP pseudonyms) into the scratch database, in
    batches: a whole copy in Arrow would double what the scratch database holds."""
    for table, sql in (
        ("person_input", _input_sql()),
        ("person_keys", "SELECT record_id, person_key FROM unified.person_record"),
    ):
        scratch.register("_in", con.sql(sql).to_arrow_reader(LOAD_BATCH_ROWS))
        scratch.execute(f"CREATE TABLE {table} AS SELECT * FROM _in")
        scratch.unregister("_in")
    ((count,),) = scratch.execute("SELECT count(*) FROM person_input").fetchall()
    return int(count)


def _model_row(
    records: int, persons: int, settings_json: dict[str, Any], threshold: float, trained: bool
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "linked_at": [dt.datetime.now(dt.UTC).replace(tzinfo=None)],
            "records": [records],
            "persons": [persons],
            "threshold": [threshold],
            "trained": [trained],
            "model_json": [json.dumps(settings_json, sort_keys=True, default=str)],
        }
    )


def _write(
    con: duckdb.DuckDBPyConnection,
    scratch: duckdb.DuckDBPyConnection,
    review: pl.DataFrame,
    model_row: pl.DataFrame,
    state: str,
) -> None:
    """The links (streamed from the scratch database), the review pairs and the model's row,
    in one transaction."""
    links = scratch.sql("SELECT * FROM links").to_arrow_reader(LOAD_BATCH_ROWS)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM unified.person_link")
        wh.insert(con, "unified.person_link", links)
        con.execute("DELETE FROM ops.linkage_review")
        wh.insert(con, "ops.linkage_review", review)
        wh.insert(con, "ops.linkage_model", model_row)
        inputs.record(con, state)
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
