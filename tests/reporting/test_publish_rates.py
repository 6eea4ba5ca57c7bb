"""Public rates follow the internal definitions (no warehouse needed)."""

from __future__ import annotations

import polars as pl
import pytest

from pipelines.reporting import joint, publish


def test_public_county_rate_is_over_the_sum_of_yearly_populations() -> None:
    # Three years; the average populations are 300,000 and 1,800,000, so the sums of the
    # yearly populations are 900,000 and 5,400,000.
    frame = pl.DataFrame(
        {
            "county_code": ["RO-AB", "RO-B"],
            "county_name": ["Alba", "București"],
            "victims": [40, 62],
            "population_avg": [300_000.0, 1_800_000.0],
            "rate_per_100k": [40 * 100_000 / 900_000, 62 * 100_000 / 5_400_000],
        }
    )
    release = joint.protect({"victims_by_county": frame}, [2018, 2019, 2020])
    public = publish.victims_by_county(frame, release, years=3)
    rows = {r["county_code"]: r for r in public.iter_rows(named=True)}
    assert rows["RO-AB"]["victims"] == "40"
    assert rows["RO-AB"]["rate_per_100k"] == pytest.approx(40 * 100_000 / 900_000, abs=1e-6)
    # 62 is published as 60: the rate is that of the published count, on the same basis
    assert rows["RO-B"]["victims"] == "60"
    assert rows["RO-B"]["rate_per_100k"] == pytest.approx(60 * 100_000 / 5_400_000, abs=1e-6)
