"""Draw the ground truth of one synthetic world (vectorised with numpy)."""

from __future__ import annotations

import numpy as np
import polars as pl

from synthetic.names import FEMALE, MALE, SURNAMES
from synthetic.world import (
    DESTINATIONS,
    FOREIGN_CITIZENSHIPS,
    FORM_WEIGHTS,
    FORMS,
    Counties,
    World,
    load_counties,
    make_cnps,
    random_dates,
)

D = "timedelta64[D]"


def _names(rng: np.random.Generator, sex: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    given = np.where(sex == "F", rng.choice(FEMALE, len(sex)), rng.choice(MALE, len(sex)))
    # About a third of Romanians carry a second given name ('Maria Elena', 'Ion Cătălin').
    second = np.where(sex == "F", rng.choice(FEMALE, len(sex)), rng.choice(MALE, len(sex)))
    both = (rng.random(len(sex)) < 0.35) & (second != given)
    given = np.where(both, np.char.add(np.char.add(given, " "), second), given)
    return rng.choice(SURNAMES, len(sex)), given


def _birth_dates(rng: np.random.Generator, event: np.ndarray, age: np.ndarray) -> np.ndarray:
    """A birth date at which a person is exactly `age` completed years old on `event`."""
    month = event.astype("datetime64[M]") - (age * 12).astype("timedelta64[M]")
    day_in_month = np.minimum(
        (event - event.astype("datetime64[M]").astype("datetime64[D]")).astype(int), 27
    )
    anniversary = month.astype("datetime64[D]") + day_in_month.astype(D)
    return anniversary - rng.integers(1, 331, len(age)).astype(D)


def _people(
    rng: np.random.Generator,
    counties: Counties,
    sex: np.ndarray,
    birth: np.ndarray,
    foreign_share: float,
) -> dict[str, np.ndarray]:
    n = len(sex)
    foreign = rng.random(n) < foreign_share
    citizenship = np.where(foreign, rng.choice(FOREIGN_CITIZENSHIPS, n), "RO")
    county = rng.choice(len(counties.iso), n, p=counties.weight)
    county = np.where(foreign | (rng.random(n) < 0.02), -1, county)
    cnp = make_cnps(rng, sex, birth, counties.siruta[np.maximum(county, 0)])
    surname, given = _names(rng, sex)
    return {
        "citizenship": citizenship,
        "county": county,
        "cnp": np.where(foreign, "", cnp),
        "surname": surname,
        "given_name": given,
    }


def _victims(
    rng: np.random.Generator, counties: Counties, years: np.ndarray, per_year: int
) -> pl.DataFrame:
    year = np.repeat(years, per_year)
    n = len(year)
    sex = rng.choice(np.array(["F", "M"]), n, p=[0.72, 0.28])
    child = rng.random(n) < 0.42
    age = np.where(child, rng.integers(10, 18, n), rng.integers(18, 56, n))
    identified = random_dates(rng, year)
    birth = _birth_dates(rng, identified, age)
    people = _people(rng, counties, sex, birth, foreign_share=0.03)
    people["cnp"] = np.where(child & (rng.random(n) < 0.03), "", people["cnp"])
    main = rng.choice(FORMS, n, p=FORM_WEIGHTS)
    second = rng.choice(FORMS[:-1], n)
    has_second = (rng.random(n) < 0.1) & (second != main) & (main != "unknown")
    domestic = rng.random(n) < 0.5
    country = np.where(domestic, "RO", rng.choice(DESTINATIONS, n))
    return pl.DataFrame(
        {
            "person_id": [f"P{i:07d}" for i in range(n)],
            "year": year,
            "identification_date": identified,
            "sex": sex,
            "birth_date": birth,
            "age": age,
            **people,
            "main_form": main,
            "forms": [
                [m, s] if h else [m] for m, s, h in zip(main, second, has_second, strict=True)
            ],
            "exploitation_country": country,
            "institution": rng.choice(
                np.array(
                    [
                        "POLITIE",
                        "DIICOT",
                        "POLITIA DE FRONTIERA",
                        "ONG",
                        "MISIUNE DIPLOMATICA",
                        "DGASPC",
                        "INSPECTIA MUNCII",
                        "ALTA",
                    ]
                ),
                n,
                p=[0.45, 0.1, 0.08, 0.12, 0.05, 0.1, 0.05, 0.05],
            ),
            "area": rng.choice(np.array(["URBAN", "RURAL"]), n),
            "recruitment": rng.choice(
                np.array(
                    [
                        "OFERTA MUNCA",
                        "RELATIE AFECTIVA",
                        "INTERNET",
                        "RUDE/CUNOSTINTE",
                        "RAPIRE",
                        "ALTUL",
                    ]
                ),
                n,
            ),
            "assistance": rng.choice(np.array(["DA", "NU"]), n, p=[0.55, 0.45]),
            "participation": rng.choice(np.array(["DA", "NU", "NECUNOSCUT"]), n, p=[0.5, 0.3, 0.2]),
        }
    ).with_columns(pl.lit("main").alias("episode"))


def _extra_episodes(
    rng: np.random.Generator, victims: pl.DataFrame, last_year: int
) -> pl.DataFrame:
    """Same person registered twice in one year (1%), or identified again next year (2%)."""
    draw = rng.random(victims.height)
    twice = victims.filter(pl.Series(draw < 0.01)).with_columns(
        (pl.col("identification_date") + pl.duration(days=3))
        .clip(upper_bound=pl.date(pl.col("year"), 12, 31))
        .alias("identification_date"),
        pl.lit("same_year_duplicate").alias("episode"),
    )
    again = victims.filter(pl.Series((draw >= 0.01) & (draw < 0.03)) & (pl.col("year") < last_year))
    again = again.with_columns(
        (pl.col("year") + 1).alias("year"),
        pl.date(pl.col("year") + 1, 6, 15).alias("identification_date"),
        (pl.col("age") + 1).alias("age"),
        pl.lit("next_year").alias("episode"),
    )
    # The birthday may fall between the two dates; age is recomputed from the dates.
    again = again.with_columns(
        (
            pl.col("identification_date").dt.year()
            - pl.col("birth_date").dt.year()
            - (
                pl.col("identification_date").dt.ordinal_day()
                < pl.col("birth_date").dt.ordinal_day()
            ).cast(pl.Int64)
        ).alias("age")
    )
    return pl.concat([victims, twice, again], how="vertical_relaxed")


def _offenders(
    rng: np.random.Generator, counties: Counties, n: int, year: np.ndarray, event: np.ndarray
) -> pl.DataFrame:
    sex = rng.choice(np.array(["M", "F"]), n, p=[0.75, 0.25])
    age = rng.integers(20, 61, n)
    birth = _birth_dates(rng, event, age)
    people = _people(rng, counties, sex, birth, foreign_share=0.02)
    return pl.DataFrame(
        {
            "person_id": [f"O{i:07d}" for i in range(n)],
            "year": year,
            "sex": sex,
            "birth_date": birth,
            **people,
        }
    )


def draw_world(seed: int, years: range, victims_per_year: int) -> World:
    rng = np.random.default_rng(seed)
    counties = load_counties()
    year_array = np.array(list(years))
    victims = _extra_episodes(rng, _victims(rng, counties, year_array, victims_per_year), years[-1])
    victims = victims.with_row_index("episode_id").with_columns(
        pl.format("V-{}-{}", pl.col("year"), pl.col("episode_id").cast(pl.Utf8).str.zfill(6)).alias(
            "simev_id"
        ),
        (pl.lit(np.random.default_rng(seed + 1).random(victims.height)) < 0.05).alias(
            "late_registration"
        ),
    )
    from synthetic.justice import draw_justice

    police_cases, case_persons, offenders, prosecutions, decisions = draw_justice(
        rng, counties, victims, years, _offenders
    )
    main = victims.filter(pl.col("episode") == "main")
    orgs = np.array(["ADPARE", "IOM Romania", "Asociatia Pro Refugiu", "Fundatia Conexiuni"])
    assisted = main.filter(pl.Series(rng.random(main.height) < 0.3))
    assisted = assisted.with_columns(
        pl.Series("organisation", rng.choice(orgs, assisted.height)),
        (
            pl.col("identification_date")
            + pl.duration(days=pl.Series(rng.integers(0, 60, assisted.height)))
        )
        .clip(upper_bound=pl.date(pl.col("year"), 12, 31))
        .alias("entry_date"),
        pl.Series("cnp_given", rng.random(assisted.height) < 0.4),
        pl.Series("takes_part", rng.choice(np.array(["Da", "Nu"]), assisted.height)),
    )
    return World(
        victims, offenders, police_cases, case_persons, prosecutions, decisions, assisted, counties
    )
