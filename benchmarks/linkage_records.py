"""A table of person records as the readers would leave it (keys only), for the linkage
benchmark: `python benchmarks/linkage_records.py make N WAREHOUSE` writes N records into a scratch
warehouse, `... link WAREHOUSE` links them and prints its seconds and peak memory as JSON.

The records follow what the extracts hold (agency-extracts/SPEC.md and the sample's shares):
ANITP's register has no names; police, DIICOT, court and ANITP records carry a CNP for
Romanian citizens, NGO lists seldom; Romanian surname and given-name frequencies (the most
common surname about 1% of persons, the most common given name about 4%); victims' birth
years around 1995; counties by resident population.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import resource
import sys
import time
from pathlib import Path

import duckdb
import numpy as np
import polars as pl

from pipelines import settings
from pipelines.ingest import warehouse as wh
from pipelines.linkage.link import link_persons
from synthetic.world import load_counties

# agency, share of records, share with a CNP, names recorded (the sample's shares)
AGENCIES = (
    ("politie", 0.31, 0.9, True),
    ("diicot", 0.22, 0.9, True),
    ("instante", 0.10, 0.9, True),
    ("anitp", 0.30, 0.9, False),
    ("ong", 0.07, 0.3, True),
)
RECORDS_PER_PERSON = 1.6
FORMS = np.array(["sexual", "labour", "begging", "criminal_activities", "other"])
FORM_SHARES = [0.6, 0.25, 0.08, 0.04, 0.03]


def _keys(prefix: str, n: int) -> np.ndarray:
    return np.array([hashlib.sha256(f"{prefix}{i}".encode()).hexdigest() for i in range(n)])


def _zipf_like(rng: np.random.Generator, size: int, offset: float, n: int) -> np.ndarray:
    """Indices 0..size-1 with probability proportional to 1 / (rank + offset)."""
    weight = 1.0 / (np.arange(1, size + 1) + offset)
    return rng.choice(size, n, p=weight / weight.sum())


def _persons(rng: np.random.Generator, people: int) -> dict[str, np.ndarray]:
    counties = load_counties()
    born = np.datetime64("1995-07-01") + (rng.normal(0, 10 * 365, people)).astype("timedelta64[D]")
    return {
        "surname": _zipf_like(rng, 20_000, 10, people),
        "given": _zipf_like(rng, 2_000, 3, people),
        "born": born,
        "county": rng.choice(counties.iso, people, p=counties.weight),
        "foreign": rng.random(people) < 0.05,
        "identified": np.datetime64("2012-01-01")
        + rng.integers(0, 13 * 365, people).astype("timedelta64[D]"),
        "form": rng.choice(FORMS, people, p=FORM_SHARES),
    }


def _agency_columns(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    names = np.array([a[0] for a in AGENCIES])
    of = rng.choice(len(AGENCIES), n, p=[a[1] for a in AGENCIES])
    has_cnp = rng.random(n) < np.array([a[2] for a in AGENCIES])[of]
    named = np.array([a[3] for a in AGENCIES])[of]
    return names[of], has_cnp, named


def _episodes(
    rng: np.random.Generator, who: dict[str, np.ndarray], person: np.ndarray
) -> pl.DataFrame:
    """When and how each record's person was exploited, a few weeks apart between agencies."""
    n = len(person)
    return pl.DataFrame(
        {
            "event_date": who["identified"][person]
            + rng.integers(-30, 31, n).astype("timedelta64[D]"),
            "exploitation_form": who["form"][person],
        }
    ).with_columns(pl.col("event_date").cast(pl.Date))


def person_records(n: int, seed: int = 1) -> pl.DataFrame:
    """n records of about n / 1.6 persons, with typos and birth years only here and there."""
    rng = np.random.default_rng(seed)
    people = int(n / RECORDS_PER_PERSON)
    who = _persons(rng, people)
    person = rng.integers(0, people, n)
    person[:people] = np.arange(people)  # every person has a record
    agency, has_cnp, named = _agency_columns(rng, n)
    has_cnp &= ~who["foreign"][person]
    surnames, given = _keys("s", 20_000), _keys("g", 2_000)
    phonetic_s, phonetic_g = _keys("ps", 12_000), _keys("pg", 1_500)
    grams = np.array([h[:16] for h in _keys("b", 700)])
    stems = _keys("c", people)
    typo = rng.random(n) < 0.05
    s_index = np.where(typo, rng.integers(0, len(surnames), n), who["surname"][person])
    g_index = who["given"][person]
    bigram_ids = (s_index[:, None] * 7 + g_index[:, None] * 3 + np.arange(10)) % len(grams)
    birth = who["born"][person]
    year_only = (rng.random(n) < 0.2) & (agency == "ong")
    frame = pl.DataFrame(
        {
            "record_id": [f"r{i}" for i in range(n)],
            "source_agency": agency,
            "source_file": "bench",
            "source_row": np.arange(n) + 2,
            "period": "2020",
            "extract_date": dt.date(2021, 1, 10),
            "role": "victim",
            "cnp_status": np.where(has_cnp, "valid", "missing"),
            "cnp_stem_key": stems[person],
            "surname_key": surnames[s_index],
            "given_name_key": given[g_index],
            "surname_phonetic_key": phonetic_s[s_index % len(phonetic_s)],
            "given_name_phonetic_key": phonetic_g[g_index % len(phonetic_g)],
            "name_bigram_keys": grams[bigram_ids].tolist(),
            "_has_cnp": has_cnp,
            "_named": named,
            "birth_date": np.where(year_only, np.datetime64("NaT"), birth),
            "birth_year": birth.astype("datetime64[Y]").astype(int) + 1970,
            "sex": np.where(person % 5 == 0, "M", "F"),
            "citizenship_code": np.where(who["foreign"][person], "MD", "RO"),
            "residence_county_code": who["county"][person],
        }
    )
    name_columns = [c for c in frame.columns if c.startswith(("surname", "given", "name_"))]
    return (
        pl.concat([frame, _episodes(rng, who, person)], how="horizontal")
        .with_columns(
            pl.col("birth_date").cast(pl.Date),
            pl.when("_has_cnp").then(pl.col("cnp_stem_key")),
            *(pl.when("_named").then(pl.col(c)).alias(c) for c in name_columns),
        )
        .drop("_has_cnp", "_named")
    )


def _insert(con: duckdb.DuckDBPyConnection, records: pl.DataFrame) -> None:
    """Person records, and the victims' identifications or the NGOs' intakes they carry."""
    episode = records.select(
        "record_id",
        "source_agency",
        "source_file",
        "source_row",
        "period",
        "extract_date",
        "event_date",
        "exploitation_form",
    )
    at_ngo = pl.col("source_agency") == "ong"
    victims = episode.filter(~at_ngo & (pl.col("source_agency") != "instante"))
    wh.insert(con, "unified.person_record", records.drop("event_date", "exploitation_form"))
    wh.insert(
        con, "unified.victim_identification", victims.rename({"event_date": "identification_date"})
    )
    wh.insert(
        con,
        "unified.assistance_episode",
        episode.filter(at_ngo).rename({"event_date": "programme_entry_date"}),
    )


def make(n: int, warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:
        wh.ensure_tables(con)
        _insert(con, person_records(n))


def link(warehouse: Path) -> dict[str, object]:
    """Link the warehouse's records: seconds, and this process's peak memory (the records
    were made by another process, so the generator's memory is not counted)."""
    with duckdb.connect(str(warehouse)) as con:
        start = time.perf_counter()
        outcome = link_persons(
            con,
            threshold=0.95,
            band=(0.5, 0.99),
            decisions_path=Path("/nonexistent"),
            memory=settings.linkage_memory(),
        )
        seconds = round(time.perf_counter() - start, 1)
    peak_gib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return {
        "records": outcome.records,
        "persons": outcome.persons,
        "true_persons": int(outcome.records / RECORDS_PER_PERSON),
        "seconds": seconds,
        "peak_memory_gib": round(peak_gib, 2),
    }


def main() -> None:
    """`make N WAREHOUSE` writes N records; `link WAREHOUSE` links them and prints JSON."""
    if sys.argv[1] == "make":
        make(int(float(sys.argv[2])), Path(sys.argv[3]))
    else:
        print(json.dumps(link(Path(sys.argv[2]))))


if __name__ == "__main__":
    main()
