"""SDMX-CSV flags: a hidden cell has no value and says why; an unknown one is missing."""

from __future__ import annotations

import polars as pl

from pipelines.reporting import sdmx


def test_hidden_and_unknown_cells_are_flagged_not_valued() -> None:
    frame = pl.DataFrame(
        {
            "year": [2020, 2020, 2020, 2020, 2020],
            "citizenship_group": ["reporting_country", "other_eu", "non_eu", "unknown", "non_eu"],
            "victims": ["15", "<10", "[c]", None, "0"],
        }
    )
    rows = sdmx.sdmx_csv(sdmx.crim_thb_vctz(frame)).to_dicts()
    got = [(r["citizen"], r["OBS_VALUE"], r["OBS_STATUS"], r["CONF_STATUS"]) for r in rows]
    assert got == [
        ("NAT", "15", "A", None),
        ("EU_FOR", None, "Q", "C"),  # <10: primary confidentiality
        ("NEU_FOR", None, "Q", "D"),  # [c]: secondary
        ("UNK", None, "O", None),  # unknown: missing, not hidden
        ("NEU_FOR", "0", "A", None),  # a true zero is a value
    ]


def test_rates_of_hidden_counts_are_flagged_like_the_count() -> None:
    sdg = pl.DataFrame(
        {
            "year": [2021, 2021],
            "sex": ["F", "total"],
            "age_group": ["total", "total"],
            "exploitation_form": ["total", "total"],
            "victims": ["<10", "40"],
            "population": [10_000_000, 19_000_000],
        }
    )
    rows = sdmx.sdmx_csv(sdmx.sdg_16_2_2(sdg, public=True)).to_dicts()
    by_key = {(r["SERIES"], r["SEX"]): r for r in rows}
    assert by_key[("VC_HTF_DETVR", "F")]["OBS_VALUE"] is None
    assert by_key[("VC_HTF_DETVR", "F")]["CONF_STATUS"] == "C"
    rate = float(by_key[("VC_HTF_DETVR", "_T")]["OBS_VALUE"])
    assert abs(rate - 40 * 100_000 / 19_000_000) < 1e-6  # from the published count
    assert {r["SERIES"] for r in rows} == {"VC_HTF_DETV", "VC_HTF_DETVR"}  # no sums of cells


def test_the_tables_own_sdg_form_rows_give_the_form_series() -> None:
    """The layout of sdg_16_2_2 with `sdg_form`: series rows have exploitation_form total."""
    sdg = pl.DataFrame(
        {
            "year": [2022] * 3,
            "sex": ["total"] * 3,
            "age_group": ["total"] * 3,
            "exploitation_form": ["sexual", "total", "total"],
            "sdg_form": ["sexual_exploitation", "sexual_exploitation", "total"],
            "victims": ["35", "[c]", "50"],
            "population": [19_000_000] * 3,
        }
    )
    rows = sdmx.sdmx_csv(sdmx.sdg_16_2_2(sdg, public=True)).to_dicts()
    numbers = {r["SERIES"]: (r["OBS_VALUE"], r["CONF_STATUS"]) for r in rows}
    assert numbers["VC_HTF_DETVSX"] == (None, "D")  # the series row, not the project form's
    assert numbers["VC_HTF_DETV"] == ("50", None)
