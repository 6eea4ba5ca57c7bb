"""MSE per year and stratum from capture-history rows (rpt_mse_estimates), against closed
forms and hand-counted tables."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import pytest

from pipelines.estimation.strata import OPTIONS, estimate_strata, table_of

LISTS = ("police", "diicot", "anitp", "ngo")


def histories(rows: list[tuple[str, str, str, int]]) -> pl.DataFrame:
    """(stratum, stratum_value, 'police diicot anitp ngo' as 4 digits, persons) of 2020."""
    return pl.DataFrame(
        [
            {
                "year": 2020,
                "stratum": stratum,
                "stratum_value": value,
                **{name: int(bit) for name, bit in zip(LISTS, bits, strict=True)},
                "persons": persons,
            }
            for stratum, value, bits, persons in rows
        ],
        schema={
            "year": pl.Int32,
            "stratum": pl.Utf8,
            "stratum_value": pl.Utf8,
            **dict.fromkeys(LISTS, pl.Int32),
            "persons": pl.Int64,
        },
    )


# police 60, ANITP 50, both 20: N = 60 * 50 / 20 = 150; and the same halved for women
LINCOLN_PETERSEN = [
    ("all", "all", "1000", 40),
    ("all", "all", "0010", 30),
    ("all", "all", "1010", 20),
]
WITH_WOMEN = [
    *LINCOLN_PETERSEN,
    *[("sex", "F", bits, n // 2) for _, _, bits, n in LINCOLN_PETERSEN],
]


def test_a_list_that_recorded_nobody_is_left_out_and_cells_are_in_table_order() -> None:
    rows = [
        ("all", "all", "1000", 5),
        ("all", "all", "0100", 3),
        ("all", "all", "1100", 2),
        ("all", "all", "0010", 7),
        ("all", "all", "1010", 4),
        ("all", "all", "0110", 1),
        ("all", "all", "1110", 1),
    ]
    table = table_of(histories(rows))
    assert table.lists == ("police", "diicot", "anitp")
    # cell k holds the history whose bits are k + 1, list i = bit i
    assert table.counts.tolist() == [5, 3, 2, 7, 4, 1, 1]


def test_two_lists_give_lincoln_petersen_with_the_whole_year_bootstrapped() -> None:
    rows = WITH_WOMEN
    out = estimate_strata(histories(rows))
    assert out.height == 2
    for row in out.iter_rows(named=True):
        assert row["lists_used"] == "police,anitp"
        assert row["estimate"] == pytest.approx(150 if row["stratum"] == "all" else 75, rel=1e-6)
        assert row["interval_low"] <= row["estimate"] <= row["interval_high"]
        assert row["model_method"] == "stepwise" and row["warning"] is None
    methods = dict(zip(out["stratum"], out["interval_method"], strict=True))
    assert methods["all"].startswith("BCa bootstrap")
    assert "bootstrap" not in methods["sex"]
    assert out["observed"].to_list() == [90, 45]


def test_too_sparse_strata_get_a_warning_and_no_estimate() -> None:
    rows = [
        # ANITP holds every case: nobody is unseen by it
        ("all", "all", "0010", 6),
        ("all", "all", "1010", 2),
        # one list only
        ("sex", "M", "0001", 3),
    ]
    out = estimate_strata(histories(rows)).sort("stratum")
    warnings = dict(zip(out["stratum"], out["warning"], strict=True))
    assert "anitp holds every case" in warnings["all"]
    assert "only one list" in warnings["sex"]
    assert out["estimate"].is_null().all()
    assert out["observed"].to_list() == [8, 3]


def test_the_same_histories_give_the_same_rows() -> None:
    rows = [
        ("all", "all", "1000", 30),
        ("all", "all", "0100", 12),
        ("all", "all", "0010", 25),
        ("all", "all", "1100", 6),
        ("all", "all", "1010", 9),
        ("all", "all", "0110", 4),
        ("all", "all", "1110", 2),
        ("all", "all", "0001", 5),
        ("all", "all", "0011", 3),
    ]
    first = estimate_strata(histories(rows))
    assert first["estimate"].item() > first["observed"].item() == 96
    assert first.equals(estimate_strata(histories(rows)))


def test_a_table_too_sparse_to_resample_keeps_its_estimate_with_the_models_interval() -> None:
    # four persons, each on another combination: resamples lose whole lists
    rows = [
        ("all", "all", "1110", 1),
        ("all", "all", "0010", 1),
        ("all", "all", "0011", 1),
        ("all", "all", "1000", 1),
    ]
    row = estimate_strata(histories(rows)).row(0, named=True)
    assert row["estimate"] is not None and row["estimate"] >= row["observed"] == 4
    assert "bootstrap" not in row["interval_method"]
    assert row["warning"] == "too sparse to bootstrap: interval from the chosen model only"


def two_years(extra_2021: int = 0) -> pl.DataFrame:
    first = histories(WITH_WOMEN)
    second = first.with_columns(year=pl.lit(2021, pl.Int32))
    second = second.with_columns(persons=pl.col("persons") + extra_2021 * (pl.col("police") == 1))
    return pl.concat([first, second])


def test_rows_of_an_earlier_build_are_kept_only_where_their_stratum_is_unchanged() -> None:
    before = estimate_strata(two_years())
    # Marked, so a kept row can be told from one estimated again.
    marked = before.with_columns(estimate=pl.lit(-1.0))
    after = estimate_strata(two_years(extra_2021=5), previous=marked)
    kept = {(row["year"], row["stratum"]): row["estimate"] for row in after.iter_rows(named=True)}
    assert kept[(2020, "all")] == kept[(2020, "sex")] == -1.0
    assert kept[(2021, "all")] > 0 and kept[(2021, "sex")] > 0
    # Unmarked, the kept rows are those a build from scratch gives, fingerprints included.
    from_scratch = estimate_strata(two_years(extra_2021=5))
    assert estimate_strata(two_years(extra_2021=5), previous=before).equals(from_scratch)
    assert from_scratch["input_fingerprint"].n_unique() == 4


def test_rows_without_a_fingerprint_or_under_other_options_are_estimated_again() -> None:
    before = estimate_strata(two_years()).with_columns(estimate=pl.lit(-1.0))
    unfingerprinted = estimate_strata(two_years(), previous=before.drop("input_fingerprint"))
    assert (unfingerprinted["estimate"] > 0).all()
    other = replace(OPTIONS, p_threshold=0.05)
    assert (estimate_strata(two_years(), other, previous=before)["estimate"] > 0).all()
