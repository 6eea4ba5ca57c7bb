"""Police cases, prosecutions and court decisions drawn around the victims."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import polars as pl

from synthetic.world import Counties

PROSECUTOR_DECISIONS = np.array(
    [
        "Rechizitoriu",
        "Acord de recunoaștere a vinovăției",
        "Clasare",
        "Renunțare la urmărire",
        "În lucru",
    ]
)
SENT_TO_COURT = {"Rechizitoriu", "Acord de recunoaștere a vinovăției"}
# The offence a court decides on, as (code, text): mostly art. 210; every 25 court files one
# is reclassified to procuring (213) or organised crime (367) only, and one is a former-code
# case under Law 678/2001. Chosen by file number, so no draw changes the rest of the world.
COURT_OFFENCES = {
    3: ("CP213", "art. 213 alin. (1) C.pen."),
    11: ("CP367", "art. 367 C.pen."),
    17: ("L678-12", "art. 12 din Legea 678/2001"),
}
TRAFFICKING_COURT_OFFENCE = ("CP210", "art. 210 C.pen.")
# Every 20th police case (and its DIICOT case) is for procuring only: no trafficking case.
PROCURING_CASE = ("CP213", "art. 213 C.pen.")


def is_procuring_case(case_seq: np.ndarray) -> np.ndarray:
    return np.asarray(case_seq) % 20 == 7


def _days(rng: np.random.Generator, low: int, high: int, n: int) -> pl.Series:
    return pl.Series(rng.integers(low, high, n)).cast(pl.Int64)


def _police_cases(
    rng: np.random.Generator, counties: Counties, victims: pl.DataFrame
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """70% of main episodes are police injured parties, grouped 1-3 per case."""
    main = victims.filter(pl.col("episode") == "main")
    involved = main.filter(pl.Series(rng.random(main.height) < 0.7)).sort(
        "year", "identification_date"
    )
    size = rng.integers(1, 4, involved.height)
    case_index = np.cumsum(size)[: involved.height]
    case_of_row = np.searchsorted(case_index, np.arange(involved.height), side="right")
    involved = involved.with_columns(pl.Series("case_seq", case_of_row))
    # A case never spans two years: it takes the year of its first victim.
    cases = involved.group_by("case_seq", maintain_order=True).agg(
        pl.col("year").first(),
        pl.col("identification_date").min().alias("first_identified"),
        pl.col("county").first(),
    )
    n = cases.height
    cases = cases.with_columns(
        pl.format("P-{}-{}", pl.col("year"), pl.col("case_seq").cast(pl.Utf8).str.zfill(6)).alias(
            "police_case"
        ),
        (pl.col("first_identified") - pl.duration(days=_days(rng, 0, 30, n)))
        .clip(lower_bound=pl.date(pl.col("year"), 1, 1))
        .alias("registered"),
        pl.Series(
            "mode",
            rng.choice(np.array(["PLANGERE", "DENUNT", "DIN OFICIU", "SESIZARE ONG", "ALTUL"]), n),
        ),
        pl.Series(
            "status",
            rng.choice(
                np.array(["TRIMIS PARCHET", "IN LUCRU", "CLASAT", "DECLINAT"]),
                n,
                p=[0.75, 0.15, 0.07, 0.03],
            ),
        ),
        pl.Series("suspects", rng.integers(1, 4, n)),
        pl.Series("unit_county", counties.name_ascii[np.maximum(cases["county"].to_numpy(), 0)]),
    )
    victims_in_cases = involved.select("person_id", "episode_id", "case_seq")
    return cases, victims_in_cases


def _prosecutions(rng: np.random.Generator, cases: pl.DataFrame) -> pl.DataFrame:
    referred = cases.filter(pl.col("status") == "TRIMIS PARCHET")
    n = referred.height
    decision = rng.choice(PROSECUTOR_DECISIONS, n, p=[0.55, 0.15, 0.15, 0.05, 0.10])
    registered = (pl.col("registered") + pl.duration(days=_days(rng, 5, 40, n))).clip(
        upper_bound=pl.date(pl.col("year"), 12, 31)
    )
    return referred.with_columns(
        pl.format("{}/D/P/{}", pl.col("case_seq") + 100, pl.col("year")).alias("prosecutor_case"),
        registered.alias("prosecutor_registered"),
        pl.Series("decision", decision),
    ).with_columns(
        pl.when(pl.col("decision") != "În lucru")
        .then(
            (pl.col("prosecutor_registered") + pl.duration(days=_days(rng, 30, 300, n))).clip(
                upper_bound=pl.date(pl.col("year") + 1, 1, 19)
            )
        )
        .alias("decided"),
        pl.Series(
            "seized", np.where(rng.random(n) < 0.4, rng.integers(1000, 5_000_000, n) / 100, np.nan)
        ).fill_nan(None),
        pl.Series("ocg", rng.choice(np.array(["DA", "NU"]), n)),
        pl.Series("cross_border", rng.choice(np.array(["DA", "NU"]), n)),
    )


def _decisions(
    rng: np.random.Generator, prosecutions: pl.DataFrame, case_persons: pl.DataFrame, last_year: int
) -> pl.DataFrame:
    tried = case_persons.filter(pl.col("role") == "suspect").join(
        prosecutions.filter(pl.col("decision").is_in(list(SENT_TO_COURT))).select(
            "case_seq", "prosecutor_case", "decided", "decision", "county"
        ),
        on="case_seq",
    )
    n = tried.height
    plea = tried["decision"] == "Acord de recunoaștere a vinovăției"
    outcome = np.where(
        plea.to_numpy(),
        "condamnare",
        rng.choice(
            np.array(["condamnare", "achitare", "incetare proces penal"]), n, p=[0.85, 0.1, 0.05]
        ),
    )
    suspended = rng.random(n) < 0.35
    months = np.where(suspended, rng.integers(12, 37, n), rng.integers(36, 121, n))
    first = tried.with_columns(
        (pl.col("decided") + pl.duration(days=_days(rng, 60, 400, n))).alias("decision_date"),
        pl.lit("fond").alias("level"),
        pl.Series("outcome", outcome),
        pl.Series("suspended", suspended),
        pl.Series("months", months),
        pl.Series(
            "confiscation", np.where(rng.random(n) < 0.5, rng.integers(1, 500, n) * 1000, -1)
        ),
        pl.Series("damages", np.where(rng.random(n) < 0.6, rng.integers(1, 200, n) * 500, -1)),
        pl.Series("appealed", rng.random(n) < 0.6),
        pl.Series("court_seq", np.arange(n) + 1000),
    ).with_columns(_court_offence(pl.col("court_seq")))
    appeal = first.filter(pl.col("appealed")).with_columns(
        (
            pl.col("decision_date")
            + pl.duration(days=_days(rng, 90, 300, int(first["appealed"].sum())))
        ).alias("decision_date"),
        pl.lit("apel").alias("level"),
    )
    both = pl.concat([first, appeal]).with_columns(
        ((pl.col("level") == "apel") | ~pl.col("appealed")).alias("final"),
    )
    return both.filter(pl.col("decision_date").dt.year() <= last_year)


def _court_offence(court_seq: pl.Expr) -> list[pl.Expr]:
    code = pl.lit(TRAFFICKING_COURT_OFFENCE[0])
    text = pl.lit(TRAFFICKING_COURT_OFFENCE[1])
    for remainder, (other_code, other_text) in COURT_OFFENCES.items():
        hit = court_seq % 25 == remainder
        code = pl.when(hit).then(pl.lit(other_code)).otherwise(code)
        text = pl.when(hit).then(pl.lit(other_text)).otherwise(text)
    return [code.alias("offence"), text.alias("offence_text")]


def draw_justice(
    rng: np.random.Generator,
    counties: Counties,
    victims: pl.DataFrame,
    years: range,
    make_offenders: Callable[..., pl.DataFrame],
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    cases, victims_in_cases = _police_cases(rng, counties, victims)
    suspects = (
        cases.select("case_seq", "year", "registered", "suspects")
        .with_columns(pl.int_ranges(0, pl.col("suspects")).alias("k"))
        .explode("k")
    )
    offenders = make_offenders(
        rng,
        counties,
        suspects.height,
        suspects["year"].to_numpy(),
        suspects["registered"].to_numpy(),
    )
    case_persons = pl.concat(
        [
            victims_in_cases.select("case_seq", "person_id", pl.lit("victim").alias("role")),
            suspects.select("case_seq").with_columns(
                offenders["person_id"], pl.lit("suspect").alias("role")
            ),
        ]
    ).sort("case_seq", "role", descending=[False, True])
    prosecutions = _prosecutions(rng, cases)
    decisions = _decisions(rng, prosecutions, case_persons, years[-1])
    return cases, case_persons, offenders, prosecutions, decisions
