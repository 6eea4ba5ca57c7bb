"""The public-release variant of each standard table (rules in `sdc.py`).

The suppression of every table mapped in `joint.CELLS` is decided once for the whole
release (`joint.protect`); the functions here put the published forms into each table and
mask what is derived from a hidden count (rates, shares, amounts). A new public table is
mapped in `joint.CELLS` first: a table protected on its own would leave the attacker who
combines it with the others unmodelled.
"""

from __future__ import annotations

import polars as pl

from pipelines.reporting import dominance, joint, queries, sdc

HIDDEN = (sdc.PRIMARY, sdc.SECONDARY)


def masked(value: pl.Expr, status: pl.Expr) -> pl.Expr:
    """A value derived from a count: empty where the count is hidden."""
    return pl.when(status.is_in(HIDDEN)).then(pl.lit(None)).otherwise(value)


def published_number(shown: pl.Expr) -> pl.Expr:
    return shown.cast(pl.Int64, strict=False)


def _rate(count: str, population: pl.Expr) -> pl.Expr:
    """A rate from the published (rounded) count; empty where the count is hidden."""
    return masked(
        published_number(pl.col(count)) * 100_000 / population, pl.col(joint.status_of(count))
    )


def _statuses(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c.endswith(joint.STATUS_SUFFIX)]


def victims_by_year(frame: pl.DataFrame, release: joint.ProtectedRelease) -> pl.DataFrame:
    public = joint.apply(frame, "victims_by_year", release)
    return public.with_columns(
        _rate("victims", pl.col("population")).round(6).alias("rate_per_100k")
    ).select(frame.columns)


def victims_by_county(
    frame: pl.DataFrame, release: joint.ProtectedRelease, years: int
) -> pl.DataFrame:
    """The rate has the internal tables' definition (`queries.rate` over the sum of the yearly
    populations, the average annual rate), of the published count. The sum is the average
    times the years, rounded to whole persons (exact while the period is under 10 years)."""
    public = joint.apply(frame, "victims_by_county", release)
    population_sum = (pl.col("population_avg") * years).round(0)
    return public.with_columns(
        masked(
            queries.rate(published_number(pl.col("victims")), population_sum),
            pl.col(joint.status_of("victims")),
        ).alias("rate_per_100k")
    ).select(frame.columns)


def victims_by_county_year(frame: pl.DataFrame, release: joint.ProtectedRelease) -> pl.DataFrame:
    public = joint.apply(frame, "victims_by_county_year", release)
    return public.with_columns(
        _rate("victims", pl.col("population")).round(6).alias("rate_per_100k")
    ).select(frame.columns)


def victims_by_form(
    frame: pl.DataFrame, table: str, release: joint.ProtectedRelease
) -> pl.DataFrame:
    """Shares are of the published total of known forms (of the period, or of each year in a
    per-year table: itself a protected quantity, since it can be read back from the shares);
    hidden counts get no share."""
    public = joint.apply(frame, table, release)
    known_shown = published_number(pl.col(joint.KNOWN_FORMS))
    share = pl.when(known_shown > 0).then(published_number(pl.col("victims")) / known_shown)
    return public.with_columns(
        pl.when(pl.col("exploitation_form") == "unknown")
        .then(None)
        .otherwise(masked(share, pl.col(joint.status_of("victims"))))
        .round(6)
        .alias("share_of_known")
    ).select(frame.columns)


ESTIMATE_ROUNDING = 10  # an estimate is published to the nearest ten persons
ESTIMATE_RULE = (
    "Experimental estimates (sdg_16_2_2 estimated_total, _low, _high: multiple systems "
    "estimation) are not counts of persons and are not in the joint model: they are "
    "published rounded to the nearest 10, and withheld ([c]) where fewer than 10 persons "
    "recorded by the lists are behind them."
)


def _estimates(public: pl.DataFrame, estimates: pl.DataFrame) -> pl.DataFrame:
    """The estimate columns as text: rounded to ESTIMATE_ROUNDING, or `[c]` where the persons
    behind the estimate are below the threshold; empty where there is no estimate."""
    behind = estimates.select("year", pl.col("observed").alias("_observed"))
    out = public.join(behind, on="year", how="left", maintain_order="left")
    few = pl.col("_observed") < sdc.Policy().threshold
    for column in queries.ESTIMATE_COLUMNS.values():
        rounded = (pl.col(column) / ESTIMATE_ROUNDING).round(0, "half_away_from_zero")
        rounded = rounded * ESTIMATE_ROUNDING
        out = out.with_columns(
            pl.when(pl.col(column).is_null())
            .then(None)
            .when(few)
            .then(pl.lit(sdc.SECONDARY_MARK))
            .otherwise(rounded.cast(pl.Int64).cast(pl.Utf8))
            .alias(column)
        )
    return out.drop("_observed")


def sdg_16_2_2(
    frame: pl.DataFrame, release: joint.ProtectedRelease, estimates: pl.DataFrame
) -> pl.DataFrame:
    public = joint.apply(frame, "sdg_16_2_2", release)
    with_rates = public.with_columns(
        _rate("victims", pl.col("population")).round(6).alias("rate_per_100k")
    )
    return _estimates(with_rates, estimates).select(frame.columns)


def counts_only(frame: pl.DataFrame, table: str, release: joint.ProtectedRelease) -> pl.DataFrame:
    """A table with nothing derived from its counts."""
    public = joint.apply(frame, table, release)
    return public.drop(_statuses(public))


def participation(frame: pl.DataFrame, release: joint.ProtectedRelease) -> pl.DataFrame:
    """Long form (year, participation, victims), as the public sheet has always been."""
    groups = ["participating", "not_participating", "participation_unknown"]
    public = joint.apply(frame, "participation", release).select("year", *groups)
    return public.unpivot(
        on=groups,
        index="year",
        variable_name="participation",
        value_name="victims",
    )


def case_durations(frame: pl.DataFrame, release: joint.ProtectedRelease) -> pl.DataFrame:
    """The median describes the cases and the share times the cases gives back the open ones:
    each is marked hidden (`[c]`) with the count it would disclose (empty median = not
    reached)."""
    public = joint.apply(frame, "case_durations", release)
    out = public.drop(_statuses(public))
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


def compensation(
    frame: pl.DataFrame, release: joint.ProtectedRelease, concentration: pl.DataFrame
) -> pl.DataFrame:
    public = joint.apply(frame, "compensation", release)
    few = published_number(pl.col("court_files_with_damages")).is_null()
    out = _amounts(
        public.drop(_statuses(public)), concentration, {"damages_ordered_lei": "damages_lei"}, few
    )
    return out.select(frame.columns)


def criminal_justice_by_year(
    frame: pl.DataFrame, release: joint.ProtectedRelease, concentration: pl.DataFrame
) -> pl.DataFrame:
    """Amounts ordered against fewer than 10 persons would describe individual cases, and a
    sum that one or two court files dominate describes them too: both are marked hidden (an
    empty amount means unknown: no court extract covers the year)."""
    public = joint.apply(frame, "criminal_justice_by_year", release)
    few = published_number(pl.col("persons_convicted_final")).is_null()
    columns = {"confiscation_lei": "confiscation_lei", "damages_lei": "damages_lei"}
    out = _amounts(public.drop(_statuses(public)), concentration, columns, few)
    return out.select(frame.columns)
