"""P4: the same checks on the same rows with pandera's polars backend (what the pipeline
uses), its pandas backend, and pure polars expressions (the floor).

The rows look like an ANITP register extract (identifier, dates, sex, county, age,
citizenship, form of exploitation), one row in a thousand broken, and every backend
validates lazily (all failures collected), as `pipelines/ingest/validation.py` does. The
checks are pandera's built-in ones, so one list of checks serves both backends.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandera.pandas as pa_pandas
import pandera.polars as pa_polars
import polars as pl
from harness import median, timed
from pandera.api.checks import Check
from pandera.errors import SchemaErrors

COUNTIES = ["AB", "AR", "AG", "BC", "BH", "BN", "BT", "BV", "BR", "BZ", "CS", "CL", "CJ", "CT"]
COUNTIES += ["CV", "DB", "DJ", "GL", "GR", "GJ", "HR", "HD", "IL", "IS", "IF", "MM", "MH", "MS"]
COUNTIES += ["NT", "OT", "PH", "SM", "SJ", "SB", "SV", "TR", "TM", "TL", "VS", "VL", "VN", "B"]
FORMS = ["sexuala", "munca", "cersetorie", "furt", "servitute", "altele"]
ISO_DATE = r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
CHECKS: dict[str, list[Check]] = {
    "id_simev": [Check.str_matches(r"^V-\d{4}-\d{6}$")],
    "data_identificare": [Check.str_matches(ISO_DATE)],
    "data_nasterii": [Check.str_matches(ISO_DATE)],
    "sex": [Check.isin(["M", "F"])],
    "judet": [Check.isin(COUNTIES)],
    "varsta": [Check.in_range(0, 110)],
    "cetatenie": [Check.str_length(2, 2)],
    "forma": [Check.isin(FORMS)],
}
FLOOR = [
    pl.col("id_simev").str.contains(r"^V-\d{4}-\d{6}$"),
    pl.col("data_identificare").str.contains(ISO_DATE),
    pl.col("data_nasterii").str.contains(ISO_DATE),
    pl.col("sex").is_in(["M", "F"]),
    pl.col("judet").is_in(COUNTIES),
    pl.col("varsta").is_between(0, 110),
    pl.col("cetatenie").str.len_chars() == 2,
    pl.col("forma").is_in(FORMS),
]


def rows(count: int, seed: int = 3) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    days = rng.integers(0, 13 * 365, count)
    born = rng.integers(0, 60 * 365, count)
    frame = pl.DataFrame(
        {
            "id_simev": [f"V-{2012 + d // 365}-{i % 1_000_000:06d}" for i, d in enumerate(days)],
            "data_identificare": pl.Series(days).cast(pl.Date).dt.offset_by("42y").cast(pl.Utf8),
            "data_nasterii": pl.Series(born).cast(pl.Date).dt.offset_by("-10y").cast(pl.Utf8),
            "sex": rng.choice(["M", "F"], count),
            "judet": rng.choice(COUNTIES, count),
            "varsta": rng.integers(0, 90, count),
            "cetatenie": rng.choice(["RO", "MD", "UA"], count),
            "forma": rng.choice(FORMS, count),
        }
    )
    broken = pl.Series(np.arange(count) % 1000 == 7)
    return frame.with_columns(
        pl.when(broken).then(pl.lit("X")).otherwise(pl.col("sex")).alias("sex"),
        pl.when(broken).then(pl.lit(200)).otherwise(pl.col("varsta")).alias("varsta"),
    )


def _schema(module: Any, types: dict[str, Any]) -> Any:
    return module.DataFrameSchema(
        {name: module.Column(types[name], checks=checks) for name, checks in CHECKS.items()}
    )


def _failures(schema: Any, frame: Any) -> int:
    try:
        schema.validate(frame, lazy=True)
    except SchemaErrors as errors:
        return len(errors.failure_cases)
    return 0


def p4_validation(row_count: int, repeat: int) -> dict[str, object]:
    frame = rows(row_count)
    as_pandas = frame.to_pandas()
    text: Any = str
    polars_schema = _schema(pa_polars, {n: pl.Int64 if n == "varsta" else pl.Utf8 for n in CHECKS})
    pandas_schema = _schema(pa_pandas, {n: "int64" if n == "varsta" else text for n in CHECKS})
    found = {
        "pandera_polars": _failures(polars_schema, frame),
        "pandera_pandas": _failures(pandas_schema, as_pandas),
        "polars_floor": frame.filter(~pl.all_horizontal(FLOOR)).height,
    }
    timings = {
        "pandera_polars": [timed(lambda: _failures(polars_schema, frame)) for _ in range(repeat)],
        "pandera_pandas": [
            timed(lambda: _failures(pandas_schema, as_pandas)) for _ in range(repeat)
        ],
        "polars_floor": [
            timed(lambda: frame.filter(~pl.all_horizontal(FLOOR)).height) for _ in range(repeat)
        ],
    }
    seconds = {name: median(values) for name, values in timings.items()}
    return {
        "rows": row_count,
        "checks": sum(len(c) for c in CHECKS.values()),
        "seconds": seconds,
        "failures_found": found,
        "pandas_over_polars": round(seconds["pandera_pandas"] / seconds["pandera_polars"], 1),
        "polars_over_floor": round(seconds["pandera_polars"] / seconds["polars_floor"], 1),
        "pandas_over_floor": round(seconds["pandera_pandas"] / seconds["polars_floor"], 1),
    }
