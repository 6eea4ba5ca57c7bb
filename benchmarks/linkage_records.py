"""A table of person records as the readers would leave it (keys only), for the linkage
benchmark: `python benchmarks/linkage_records.py N` links N records in a scratch warehouse
and prints the seconds as JSON (run.py measures the child's peak memory)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from pipelines.ingest import warehouse as wh
from pipelines.linkage.link import link_persons

AGENCIES = np.array(["politie", "diicot", "instante", "anitp", "ong"])


def _keys(prefix: str, n: int) -> np.ndarray:
    return np.array([hashlib.sha256(f"{prefix}{i}".encode()).hexdigest() for i in range(n)])


def person_records(n: int, seed: int = 1) -> pl.DataFrame:
    """n records of about n / 1.6 persons: Zipf-like names, birth dates, some noise."""
    rng = np.random.default_rng(seed)
    people = int(n / 1.6)
    surnames, given = _keys("s", 20_000), _keys("g", 2_000)
    phonetic_s, phonetic_g = _keys("ps", 12_000), _keys("pg", 1_500)
    grams = np.array([h[:16] for h in _keys("b", 700)])
    s_of = np.minimum(rng.zipf(1.3, people) - 1, len(surnames) - 1)
    g_of = np.minimum(rng.zipf(1.5, people) - 1, len(given) - 1)
    born = np.datetime64("1960-01-01") + rng.integers(0, 60 * 365, people).astype("timedelta64[D]")
    person = rng.integers(0, people, n)
    person[:people] = np.arange(people)  # every person has a record
    typo = rng.random(n) < 0.05
    year_only = rng.random(n) < 0.2
    s_index = np.where(typo, rng.integers(0, len(surnames), n), s_of[person])
    bigram_ids = (s_index[:, None] * 7 + g_of[person][:, None] * 3 + np.arange(10)) % len(grams)
    birth = born[person]
    frame = pl.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(n)],
            "source_agency": AGENCIES[rng.integers(0, len(AGENCIES), n)],
            "source_file": "bench",
            "source_row": np.arange(n) + 2,
            "period": "2020",
            "extract_date": dt.date(2021, 1, 10),
            "role": "victim",
            "cnp_status": "missing",
            "surname_key": surnames[s_index],
            "given_name_key": given[g_of[person]],
            "surname_phonetic_key": phonetic_s[s_index % len(phonetic_s)],
            "given_name_phonetic_key": phonetic_g[g_of[person] % len(phonetic_g)],
            "name_bigram_keys": grams[bigram_ids].tolist(),
            "birth_date": np.where(year_only, np.datetime64("NaT"), birth),
            "birth_year": birth.astype("datetime64[Y]").astype(int) + 1970,
            "sex": np.where(person % 2 == 0, "F", "M"),
            "citizenship_code": "RO",
            "residence_county_code": np.array([f"RO-{c}" for c in ("IS", "CJ", "B", "TM")])[
                person % 4
            ],
        }
    )
    return frame.with_columns(pl.col("birth_date").cast(pl.Date))


def main() -> None:
    n = int(sys.argv[1])
    with tempfile.TemporaryDirectory() as scratch, duckdb.connect(f"{scratch}/w.duckdb") as con:
        wh.ensure_tables(con)
        wh.insert(con, "unified.person_record", person_records(n))  # a file, as in a run
        start = time.perf_counter()
        outcome = link_persons(
            con, threshold=0.9, band=(0.5, 0.99), decisions_path=Path("/nonexistent")
        )
        seconds = round(time.perf_counter() - start, 1)
    print(json.dumps({"records": n, "persons": outcome.persons, "seconds": seconds}))


if __name__ == "__main__":
    main()
