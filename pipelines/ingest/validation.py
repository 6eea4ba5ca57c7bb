"""Validation of delivered rows and unified rows, with a quarantine for every failure.

Every row read ends up accepted or quarantined. The quarantine has one row per
(file, sheet, row, column, rule) with a readable reason; the offending value is
shown unless the column is an identifier (pseudonyms are never shown) or the value may
hold personal data (`schemas.checks.shown_value`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandera.polars as pa
import polars as pl

from schemas.checks import RULE_BY_ERROR, extract_date_of, shown_value
from schemas.unified import UNIFIED_MODELS
from schemas.vocabulary import SOURCE_ROW
from sources.common.delivery import DeliveredTable, Delivery
from sources.common.landing import LandingFile

QUARANTINE_SCHEMA: dict[str, pl.DataType] = {
    "source_agency": pl.Utf8(),
    "source_file": pl.Utf8(),
    "source_sheet": pl.Utf8(),
    "source_row": pl.Int64(),
    "column_name": pl.Utf8(),
    "rule": pl.Utf8(),
    "reason": pl.Utf8(),
    "value": pl.Utf8(),
    "stage": pl.Utf8(),
}
HIDDEN_VALUE_SUFFIXES = ("_key",)
# Readable words for pandera's built-in checks (custom checks carry their own error text).
BUILTIN_REASONS = {
    "not_nullable": "a value is required here",
    "column_in_dataframe": "the column is missing",
    "field_uniqueness": "the value must be unique",
    "unique": "the value must be unique",
    "dtype": "the value has the wrong type",
}
DUPLICATE_RULE = "duplicate_row"
# A failure: which check, in words, and the value shown (after the columns naming the row).
ISSUE_SCHEMA = {c: QUARANTINE_SCHEMA[c] for c in ("column_name", "rule", "reason", "value")}
# A row checked with other files' rows is named by its file (its place in the batch), and
# carries that file's extract date.
FILE_INDEX = "_file"
EXTRACT_DATE = "_extract_date"
UNIFIED_KEYS = {
    FILE_INDEX: pl.Int64(),
    **{c: QUARANTINE_SCHEMA[c] for c in ("source_sheet", SOURCE_ROW)},
}
Mapped = tuple[LandingFile, dict[str, pl.DataFrame]]


@dataclass(frozen=True)
class ValidatedTable:
    entity: str
    sheet: str | None
    accepted: pl.DataFrame


@dataclass(frozen=True)
class Validated:
    file: LandingFile
    tables: dict[str, ValidatedTable]
    quarantine: pl.DataFrame

    def rows_accepted(self) -> int:
        return sum(t.accepted.height for t in self.tables.values())

    def rows_quarantined(self) -> int:
        return self.quarantine.select("source_sheet", "source_row").unique().height


def _quarantine_frame(
    file: LandingFile, sheet: str | None, issues: pl.DataFrame, stage: str
) -> pl.DataFrame:
    value = pl.col("value") if "value" in issues.columns else pl.lit(None, pl.Utf8)
    hidden = pl.col("column_name").str.ends_with(HIDDEN_VALUE_SUFFIXES[0])
    failing_columns = pl.col("column_name").n_unique().over("source_row")
    return issues.select(
        pl.lit(file.agency).alias("source_agency"),
        pl.lit(file.file_name).alias("source_file"),
        pl.lit(sheet, pl.Utf8).alias("source_sheet"),
        pl.col("source_row").cast(pl.Int64),
        pl.col("column_name").cast(pl.Utf8),
        pl.col("rule").cast(pl.Utf8),
        pl.col("reason").cast(pl.Utf8),
        pl.when(hidden)
        .then(pl.lit("(identifier, not shown)"))
        .otherwise(shown_value(value.cast(pl.Utf8), pl.col("rule"), failing_columns))
        .alias("value"),
        pl.lit(stage).alias("stage"),
    )


def empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def _duplicates(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows identical to an earlier row of the same table (all delivered columns)."""
    content = [c for c in rows.columns if c != SOURCE_ROW]
    marked = rows.with_columns(pl.col(SOURCE_ROW).min().over(content).alias("_first"))
    return marked.filter(pl.col(SOURCE_ROW) != pl.col("_first")).select(
        SOURCE_ROW,
        pl.lit(None, pl.Utf8).alias("column_name"),
        pl.lit(DUPLICATE_RULE).alias("rule"),
        pl.format("identical to row {} of the same file; counted once", pl.col("_first")).alias(
            "reason"
        ),
    )


def _rule(check: pl.Expr) -> pl.Expr:
    builtin = check.str.replace(r"^(\w+)(\(.*)?$", "$1")
    return check.replace_strict(RULE_BY_ERROR, default=builtin, return_dtype=pl.Utf8)


def _reason(check: pl.Expr) -> pl.Expr:
    builtin = check.str.replace(r"^(\w+)(\(.*)?$", "$1")
    readable = builtin.replace_strict(BUILTIN_REASONS, default=None, return_dtype=pl.Utf8)
    in_words = pl.coalesce(readable, pl.format("failed the check {}", check))
    return pl.when(check.is_in(list(RULE_BY_ERROR))).then(check).otherwise(in_words)


def _failures(
    rows: pl.DataFrame, model: type[pa.DataFrameModel], keys: pl.DataFrame | None = None
) -> pl.DataFrame:
    """pandera failure cases as (*keys, column_name, rule, reason, value); `keys` name each
    row of `rows`, in their order (by default its source_row)."""
    keys = rows.select(SOURCE_ROW) if keys is None else keys
    try:
        model.validate(rows, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases: pl.DataFrame = errors.failure_cases  # pandera types it Any
    else:
        return pl.DataFrame(schema={**keys.schema, **ISSUE_SCHEMA})
    indexed = keys.with_row_index("_index").with_columns(pl.col("_index").cast(pl.Int64))
    cases = cases.with_columns(pl.col("index").cast(pl.Int64))
    row_level = cases.filter(pl.col("index").is_not_null())
    # A table-level failure (e.g. a missing column) touches every row.
    table_level = cases.filter(pl.col("index").is_null()).drop("index")
    table_level_rows = table_level.join(
        indexed.select(pl.col("_index").alias("index")), how="cross"
    )
    all_cases = pl.concat([row_level, table_level_rows.select(row_level.columns)])
    table_wide = pl.col("schema_context") == "DataFrameSchema"
    missing_column = pl.col("check") == "column_in_dataframe"
    column = (
        pl.when(missing_column)
        .then(pl.col("failure_case"))
        .when(table_wide)
        .then(pl.lit(None, pl.Utf8))
        .otherwise(pl.col("column"))
    )
    return all_cases.join(indexed, left_on="index", right_on="_index").select(
        *keys.columns,
        column.alias("column_name"),
        _rule(pl.col("check")).alias("rule"),
        pl.when(column.is_null())
        .then(_reason(pl.col("check")))
        .otherwise(pl.format("{}: {}", column, _reason(pl.col("check"))))
        .alias("reason"),
        pl.when(table_wide & ~missing_column)
        .then(pl.lit(None, pl.Utf8))
        .otherwise(pl.col("failure_case").cast(pl.Utf8))
        .alias("value"),
    )


def validate_deliveries(
    deliveries: Sequence[Delivery], models: Mapping[str, type[pa.DataFrameModel]]
) -> list[Validated]:
    """Validate deliveries of one agency against its models (entity -> model), each file as
    if alone: one pandera pass per table and column layout, since pandera's cost per call
    (40-100 ms a table) outweighs a small file's rows."""
    layouts: dict[tuple[str, tuple[tuple[str, pl.DataType], ...]], list[int]] = {}
    for index, delivery in enumerate(deliveries):
        for table in delivery.tables:
            layouts.setdefault((table.entity, tuple(table.rows.schema.items())), []).append(index)
    checked: list[dict[str, tuple[ValidatedTable, pl.DataFrame]]] = [{} for _ in deliveries]
    for (entity, _), members in layouts.items():
        together = [(deliveries[i].file, _table(deliveries[i], entity)) for i in members]
        for index, result in zip(
            members, _validate_together(together, models[entity]), strict=True
        ):
            checked[index][entity] = result
    return [
        _validated(delivery, found) for delivery, found in zip(deliveries, checked, strict=True)
    ]


def validate_delivery(
    delivery: Delivery, models: Mapping[str, type[pa.DataFrameModel]]
) -> Validated:
    """Validate one delivery's tables against its agency models (entity -> model)."""
    return validate_deliveries([delivery], models)[0]


def _table(delivery: Delivery, entity: str) -> DeliveredTable:
    return next(table for table in delivery.tables if table.entity == entity)


def _validated(
    delivery: Delivery, checked: Mapping[str, tuple[ValidatedTable, pl.DataFrame]]
) -> Validated:
    """A delivery's accepted tables and whole quarantine: what the reader flagged, then each
    table's, in the delivery's order."""
    read_issues = [
        _quarantine_frame(delivery.file, sheet[0], group.drop("sheet"), "read")
        for sheet, group in delivery.row_issues.group_by("sheet", maintain_order=True)
    ]
    entities = [table.entity for table in delivery.tables]
    tables = {entity: checked[entity][0] for entity in entities}
    quarantine = [checked[entity][1] for entity in entities]
    return Validated(
        delivery.file, tables, pl.concat([empty_quarantine(), *read_issues, *quarantine])
    )


def _validate_together(
    tables: Sequence[tuple[LandingFile, DeliveredTable]], model: type[pa.DataFrameModel]
) -> list[tuple[ValidatedTable, pl.DataFrame]]:
    """Tables of one layout checked in one pass, each row against its own file's extract
    date; per table its accepted rows and its quarantine entries."""
    duplicates = [_duplicates(table.rows) for _, table in tables]
    candidates = [
        table.rows.join(found.select(SOURCE_ROW), on=SOURCE_ROW, how="anti")
        for (_, table), found in zip(tables, duplicates, strict=True)
    ]
    batch = pl.concat(
        [
            rows.with_columns(
                pl.lit(index, pl.Int64).alias(FILE_INDEX),
                pl.lit(file.extract_date, pl.Date).alias(EXTRACT_DATE),
            )
            for index, ((file, _), rows) in enumerate(zip(tables, candidates, strict=True))
        ]
    )
    with extract_date_of(pl.col(EXTRACT_DATE)):
        failures = _failures(batch, model, batch.select(FILE_INDEX, SOURCE_ROW))
    results = []
    for index, (file, table) in enumerate(tables):
        own = failures.filter(pl.col(FILE_INDEX) == index).drop(FILE_INDEX)
        issues = pl.concat(
            [duplicates[index].with_columns(pl.lit(None, pl.Utf8).alias("value")), own]
        )
        accepted = candidates[index].join(
            own.select(SOURCE_ROW).unique(), on=SOURCE_ROW, how="anti"
        )
        results.append(
            (
                ValidatedTable(table.entity, table.sheet, accepted),
                _quarantine_frame(file, table.sheet, issues, "delivered"),
            )
        )
    return results


def quarantine_unified(
    mapped: Sequence[Mapped],
) -> list[tuple[dict[str, pl.DataFrame], pl.DataFrame]]:
    """Check files' mapped frames against the unified models; a failing source row leaves
    every table of its file. Per file, in order: its kept frames and its quarantine.

    The files are checked together, one pandera pass per table and column layout (pandera's
    cost per call, about 30 ms a table, outweighs a small file's rows); the caller never
    puts together two files of one stem, whose record ids would be the same. A failure here
    means the mapping produced something the unified contract does not allow; the row is
    quarantined (stage `unified`) rather than loaded.
    """
    shaped = [
        {table: frame.select(_unified_columns(table)) for table, frame in frames.items()}
        for _, frames in mapped
    ]
    by_file = _unified_failures(shaped).partition_by(FILE_INDEX, as_dict=True, include_key=False)
    return [
        _split(file, frames, by_file.get((index,)))
        for index, ((file, _), frames) in enumerate(zip(mapped, shaped, strict=True))
    ]


def _unified_columns(table: str) -> list[str]:
    return list(UNIFIED_MODELS[table].to_schema().columns)


def _unified_failures(files: Sequence[dict[str, pl.DataFrame]]) -> pl.DataFrame:
    """Every failure of the files' frames, named by the file's place in `files`, the sheet
    and the row."""
    issues = [pl.DataFrame(schema={**UNIFIED_KEYS, **ISSUE_SCHEMA})]
    for table, model in UNIFIED_MODELS.items():
        # Frames of one column layout together; another layout is judged as it is, alone.
        layouts: dict[tuple[tuple[str, pl.DataType], ...], list[tuple[int, pl.DataFrame]]] = {}
        for index, frames in enumerate(files):
            if table in frames:
                layouts.setdefault(tuple(frames[table].schema.items()), []).append(
                    (index, frames[table])
                )
        for parts in layouts.values():
            keys = pl.concat([_unified_keys(index, frame) for index, frame in parts])
            failures = _failures(pl.concat([frame for _, frame in parts]), model, keys)
            issues.append(failures.with_columns(pl.format("{} ({})", "reason", pl.lit(table))))
    return pl.concat(issues, how="vertical_relaxed")


def _unified_keys(index: int, frame: pl.DataFrame) -> pl.DataFrame:
    keys = frame.select(pl.lit(index).alias(FILE_INDEX), "source_sheet", SOURCE_ROW)
    return keys.cast(pl.Schema(UNIFIED_KEYS))


def _split(
    file: LandingFile, frames: dict[str, pl.DataFrame], failures: pl.DataFrame | None
) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """The file's frames without its failing rows, and their quarantine."""
    if failures is None or failures.is_empty():
        return frames, empty_quarantine()
    bad = failures.select("source_sheet", SOURCE_ROW).unique()
    kept = {
        name: frame.join(bad, on=["source_sheet", SOURCE_ROW], how="anti", nulls_equal=True)
        for name, frame in frames.items()
    }
    quarantine = pl.concat(
        [
            _quarantine_frame(file, sheet[0], group.drop("source_sheet"), "unified")
            for sheet, group in failures.group_by("source_sheet", maintain_order=True)
        ]
    )
    return kept, quarantine
