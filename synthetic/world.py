"""The ground truth: persons, victim identifications, cases and decisions, drawn once.

Everything is drawn with numpy from one seeded generator, column by column, so
the world scales linearly with the number of victims. Agency files are written
from this truth by `synthetic.formats`; the truth itself is written by
`synthetic.truth`.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from schemas import vocabulary

REFERENCE = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds" / "reference"
FORMS = np.array(
    [
        "sexual",
        "labour",
        "begging",
        "criminal_activities",
        "child_sexual_abuse_material",
        "forced_marriage",
        "domestic_servitude",
        "organ_removal",
        "other",
        "unknown",
    ]
)
FORM_WEIGHTS = np.array([0.55, 0.24, 0.08, 0.04, 0.02, 0.01, 0.01, 0.005, 0.02, 0.025])
DESTINATIONS = np.array(["DE", "IT", "ES", "GB", "FR", "NL", "AT", "BE"])
FOREIGN_CITIZENSHIPS = np.array(["MD", "UA", "VN", "PH", "NP", "LK"])
CNP_WEIGHTS = np.array(vocabulary.CNP_WEIGHTS)
EPOCH = dt.date(1970, 1, 1)


@dataclass(frozen=True)
class Counties:
    iso: np.ndarray
    plate: np.ndarray
    name: np.ndarray
    name_ascii: np.ndarray
    name_cedilla: np.ndarray
    siruta: np.ndarray
    weight: np.ndarray


def load_counties() -> Counties:
    with (REFERENCE / "ref_county.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    population = pl.read_csv(REFERENCE / "ref_population_county_year.csv").filter(
        pl.col("year") == 2020
    )
    by_iso = dict(zip(population["iso_3166_2"], population["population"], strict=True))
    weight = np.array([by_iso[r["iso_3166_2"]] for r in rows], dtype=float)
    return Counties(
        iso=np.array([r["iso_3166_2"] for r in rows]),
        plate=np.array([r["county_code"] for r in rows]),
        name=np.array([r["name"] for r in rows]),
        name_ascii=np.array([r["name_ascii"] for r in rows]),
        name_cedilla=np.array([r["name_cedilla"] for r in rows]),
        siruta=np.array([int(r["siruta_county_code"]) for r in rows]),
        weight=weight / weight.sum(),
    )


def days(dates: np.ndarray) -> np.ndarray:
    """numpy datetime64[D] -> polars-friendly dates via a Series."""
    return dates.astype("datetime64[D]")


def random_dates(rng: np.random.Generator, year: np.ndarray) -> np.ndarray:
    start = (year - 1970).astype("datetime64[Y]").astype("datetime64[D]")
    length = np.where((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0)), 366, 365)
    return start + rng.integers(0, length).astype("timedelta64[D]")


def make_cnps(
    rng: np.random.Generator, sex: np.ndarray, birth: np.ndarray, county_siruta: np.ndarray
) -> np.ndarray:
    """Valid CNPs: sex/century digit, YYMMDD, county, serial, check digit (SPEC)."""
    birth_year = birth.astype("datetime64[Y]").astype(int) + 1970
    month = birth.astype("datetime64[M]").astype(int) % 12 + 1
    day = (birth - birth.astype("datetime64[M]").astype("datetime64[D]")).astype(int) + 1
    male = sex == "M"
    first = np.where(birth_year >= 2000, np.where(male, 5, 6), np.where(male, 1, 2))
    digits = np.column_stack(
        [
            first,
            (birth_year % 100) // 10,
            birth_year % 10,
            month // 10,
            month % 10,
            day // 10,
            day % 10,
            county_siruta // 10,
            county_siruta % 10,
            *(rng.integers(0, 10, size=(3, len(sex)))),
        ]
    )
    digits[:, 9] = np.where(
        digits[:, 9:12].sum(axis=1) == 0, 1, digits[:, 9]
    )  # serial 000 is unused
    remainder = (digits * CNP_WEIGHTS).sum(axis=1) % 11
    check = np.where(remainder == 10, 1, remainder)
    all_digits = np.column_stack([digits, check]).astype(str)
    return np.array(["".join(row) for row in all_digits])


@dataclass(frozen=True)
class World:
    victims: pl.DataFrame  # one row per identification episode (ANITP register, truth)
    offenders: pl.DataFrame  # one row per offender person
    police_cases: pl.DataFrame  # one row per police case
    case_persons: pl.DataFrame  # (police case, person, role)
    prosecutions: pl.DataFrame  # one row per DIICOT case (from a referred police case)
    decisions: pl.DataFrame  # one row per (defendant, court decision)
    assisted: pl.DataFrame  # one row per NGO beneficiary
    counties: Counties
