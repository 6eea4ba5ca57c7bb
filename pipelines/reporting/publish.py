"""The public-release variant of each standard table (rules in `sdc.py`).

Relations an attacker can use across tables are modelled as extra rows that take part in
the audit but are not written: a table's total that another published table shows (e.g.
the victims of a year), and 'unknown' remainders that are never published.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from pipelines.reporting import dominance, sdc

HIDDEN = (sdc.PRIMARY, sdc.SECONDARY)
_EXTRA = "_extra"


def _checked(protected: sdc.ProtectedTable, table: str) -> pl.DataFrame:
    audit = protected.audit
    if audit is None:  # protect() always audits; an unaudited table is never released
        raise sdc.DisclosureError(f"{table}: no disclosure audit was run")
    if not audit.passed:
        cells = audit.failures(10).drop("status").to_dicts()
        raise sdc.DisclosureError(f"{table}: hidden cells can be narrowed down: {cells}")
    return protected.table


def _refuse_hidden_known(known: pl.DataFrame, table: str) -> None:
    """A total another table publishes cannot be a complement: hiding it here hides nothing."""
    if known.filter(pl.col("status") == sdc.SECONDARY).height:
        raise sdc.DisclosureError(
            f"{table}: protecting it would need to hide a total that another table publishes"
        )


def protect_long(
    frame: pl.DataFrame, dims: Sequence[str], count: str, table: str, total_over: Sequence[str] = ()
) -> pl.DataFrame:
    """Protect a long table; totals over `total_over` are known to the attacker but not written."""
    extras = [
        frame.group_by([d for d in dims if d != dim])
        .agg(pl.col(count).sum())
        .with_columns(pl.lit(sdc.TOTAL).alias(dim))
        for dim in total_over
    ]
    full = pl.concat(
        [
            frame.select(*dims, count).with_columns(pl.lit(False).alias(_EXTRA)),
            *[e.select(*dims, count).with_columns(pl.lit(True).alias(_EXTRA)) for e in extras],
        ]
    )
    protected = _checked(sdc.protect(full, dims, count), table)
    _refuse_hidden_known(protected.filter(pl.col(_EXTRA)), table)
    shown = protected.filter(~pl.col(_EXTRA)).select(*dims, "shown", "status")
    return (
        frame.join(shown, on=list(dims), how="left", nulls_equal=True)
        .with_columns(pl.col("shown").alias(count))
        .drop("shown")
    )


def masked(value: pl.Expr, status: pl.Expr) -> pl.Expr:
    """A value derived from a count: empty where the count is hidden."""
    return pl.when(status.is_in(HIDDEN)).then(pl.lit(None)).otherwise(value)


def published_number(shown: pl.Expr) -> pl.Expr:
    return shown.cast(pl.Int64, strict=False)


def victims_by_year(frame: pl.DataFrame) -> pl.DataFrame:
    """Each breakdown (sex, age, scope, citizenship) adds up to the year's victims."""
    groups = {
        "sex": ["female", "male", "sex_unknown"],
        "age": ["children", "adults", "age_unknown"],
        "scope": ["domestic", "transnational", "scope_unknown"],
        "citizenship": ["romanian_citizens", "foreign_citizens"],
    }
    long = pl.concat(
        [
            frame.select(
                "year",
                pl.lit(group).alias("breakdown"),
                pl.lit(column).alias("category"),
                pl.col(column).alias("n"),
            )
            for group, columns in groups.items()
            for column in [*columns, "victims"]
        ]
        + [
            frame.select(
                "year",
                pl.lit("citizenship").alias("breakdown"),
                pl.lit("citizenship_unknown").alias("category"),
                (
                    pl.col("victims") - pl.col("romanian_citizens") - pl.col("foreign_citizens")
                ).alias("n"),
            )
        ]
    ).with_columns(
        pl.when(pl.col("category") == "victims")
        .then(pl.lit(sdc.TOTAL))
        .otherwise(pl.col("category"))
        .alias("category")
    )
    unpublished = pl.col("category") == "citizenship_unknown"
    protected = _checked(
        sdc.protect(long, ["year", "breakdown", "category"], "n", unpublished=unpublished),
        "victims_by_year",
    )
    wide = (
        protected.filter(
            ~unpublished & ((pl.col("category") != sdc.TOTAL) | (pl.col("breakdown") == "sex"))
        )
        .with_columns(
            pl.when(pl.col("category") == sdc.TOTAL)
            .then(pl.lit("victims"))
            .otherwise(pl.col("category"))
            .alias("category")
        )
        .pivot(on="category", index="year", values="shown")
    )
    status = protected.filter(
        (pl.col("category") == sdc.TOTAL) & (pl.col("breakdown") == "sex")
    ).select("year", pl.col("status").alias("_victims_status"))
    result = frame.select("year", "population").join(wide, on="year").join(status, on="year")
    return result.with_columns(
        masked(
            published_number(pl.col("victims")) * 100_000 / pl.col("population"),
            pl.col("_victims_status"),
        )
        .round(6)
        .alias("rate_per_100k")
    ).select(frame.columns)


def victims_by_county(frame: pl.DataFrame, national_total: int, years: int) -> pl.DataFrame:
    """Counties plus the never-published 'unknown residence' add up to the national total."""
    remainder = national_total - int(frame["victims"].sum())
    extra = pl.DataFrame(
        {"county_code": ["unknown", sdc.TOTAL], "victims": [remainder, national_total]},
        schema={"county_code": pl.Utf8, "victims": pl.Int64},
    )
    full = pl.concat([frame.select("county_code", "victims"), extra])
    protected = _checked(
        sdc.protect(
            full, ["county_code"], "victims", unpublished=pl.col("county_code") == "unknown"
        ),
        "victims_by_county",
    )
    _refuse_hidden_known(protected.filter(pl.col("county_code") == sdc.TOTAL), "victims_by_county")
    protected = protected.filter(~pl.col("county_code").is_in(["unknown", sdc.TOTAL]))
    return (
        frame.join(protected.select("county_code", "shown", "status"), on="county_code")
        .with_columns(
            masked(
                published_number(pl.col("shown")) * 100_000 / (pl.col("population_avg")),
                pl.col("status"),
            )
            .round(6)
            .alias("rate_per_100k"),
            pl.col("shown").alias("victims"),
        )
        .select(frame.columns)
    )


def victims_by_form(frame: pl.DataFrame) -> pl.DataFrame:
    """Shares are of the rounded total of known forms; hidden counts get no share."""
    protected = protect_long(
        frame, ["exploitation_form"], "victims", "victims_by_form", total_over=["exploitation_form"]
    )
    is_unknown = pl.col("exploitation_form") == "unknown"
    known = frame.filter(pl.col("exploitation_form") != "unknown")["victims"].sum()
    known_shown = pl.select(sdc.round_half_up(pl.lit(known), 5)).item()
    share = published_number(pl.col("victims")) / known_shown if known_shown else pl.lit(None)
    return protected.with_columns(
        pl.when(is_unknown)
        .then(None)
        .otherwise(masked(share, pl.col("status")))
        .round(6)
        .alias("share_of_known")
    ).select(frame.columns)


def sdg_16_2_2(frame: pl.DataFrame) -> pl.DataFrame:
    protected = protect_long(
        frame, ["year", "sex", "age_group", "exploitation_form"], "victims", "sdg_16_2_2"
    )
    return protected.with_columns(
        masked(
            (published_number(pl.col("victims")) * 100_000 / pl.col("population")).round(6),
            pl.col("status"),
        ).alias("rate_per_100k")
    ).select(frame.columns)


def per_column(
    frame: pl.DataFrame, id_column: str | Sequence[str], counts: Sequence[str], table: str
) -> pl.DataFrame:
    """Counts with no additive relation: threshold and rounding cell by cell; unknown stays
    empty."""
    ids = [id_column] if isinstance(id_column, str) else list(id_column)
    out = frame.with_columns(pl.col(c).cast(pl.Utf8) for c in counts)
    for column in counts:
        known = frame.select(*ids, column).drop_nulls()
        protected = protect_long(known, ids, column, table).select(
            *ids, pl.col(column).alias("_shown")
        )
        out = (
            out.join(protected, on=ids, how="left", nulls_equal=True)
            .with_columns(pl.col("_shown").alias(column))
            .drop("_shown")
        )
    return out


def criminal_justice_by_offence_year(frame: pl.DataFrame) -> pl.DataFrame:
    """Rows overlap (a person with two offences is in both), so there is no total to keep."""
    counts = [
        c for c in frame.columns if c not in ("year", "offence_code", "is_trafficking_offence")
    ]
    return per_column(frame, ["year", "offence_code"], counts, "criminal_justice_by_offence_year")


def case_durations(frame: pl.DataFrame) -> pl.DataFrame:
    """The median describes the cases and the share times the cases gives back the open ones:
    each is marked hidden (`[c]`) with the count it would disclose (empty median = not
    reached)."""
    out = per_column(
        frame, ["registration_year", "transition"], ["cases", "still_open"], "case_durations"
    )
    few_cases = published_number(pl.col("cases")).is_null()
    few_open = published_number(pl.col("still_open")).is_null()
    hidden = pl.lit(sdc.SECONDARY_MARK)
    return out.with_columns(
        pl.when(few_cases | few_open)
        .then(hidden)
        .otherwise(pl.col("share_still_open").cast(pl.Utf8))
        .alias("share_still_open"),
        pl.when(few_cases)
        .then(hidden)
        .otherwise(pl.col("median_days").cast(pl.Utf8))
        .alias("median_days"),
    )


def _amounts(
    out: pl.DataFrame, concentration: pl.DataFrame, columns: dict[str, str], few: pl.Expr
) -> pl.DataFrame:
    """Each amount column (-> its name in `concentration`) as text: `[c]` when the persons
    behind it are not published or two court files dominate it (dominance.py)."""
    for column, amount in columns.items():
        top = concentration.filter(pl.col("amount") == amount).select(
            "year",
            pl.col("largest_lei").alias("_largest"),
            pl.col("second_largest_lei").alias("_second"),
        )
        hide = few | dominance.dominated(pl.col(column), pl.col("_largest"), pl.col("_second"))
        out = (
            out.join(top, on="year", how="left")
            .with_columns(dominance.published_amount(pl.col(column), hide).alias(column))
            .drop("_largest", "_second")
        )
    return out


def compensation(frame: pl.DataFrame, concentration: pl.DataFrame) -> pl.DataFrame:
    counts = ["court_files_with_damages", "victims_in_those_files"]
    out = per_column(frame, "year", counts, "compensation")
    few = published_number(pl.col("court_files_with_damages")).is_null()
    return _amounts(out, concentration, {"damages_ordered_lei": "damages_lei"}, few)


def criminal_justice_by_year(frame: pl.DataFrame, concentration: pl.DataFrame) -> pl.DataFrame:
    counts = [c for c in frame.columns if c not in ("year", "confiscation_lei", "damages_lei")]
    out = per_column(frame, "year", counts, "criminal_justice_by_year")
    # Amounts ordered against fewer than 10 persons would describe individual cases.
    few = published_number(pl.col("persons_convicted_final")).is_null()
    columns = {"confiscation_lei": "confiscation_lei", "damages_lei": "damages_lei"}
    return _amounts(out, concentration, columns, few)
