"""Write the ground truth beside (never inside) the landing zone."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from synthetic.formats import Ledger
from synthetic.justice import PROCURING_CASE, is_procuring_case
from synthetic.world import World

README = """# Ground truth of a synthetic tipstats world

Written by `tipstats generate`; every person is synthetic. Files:

- `persons.csv`: person_id, role (victim / offender), sex, birth_date, citizenship (ISO alpha-2),
  residence_county (ISO 3166-2, empty when unknown).
- `victim_identifications.csv`: one row per ANITP identification episode: person_id, simev_id,
  identification_date, year, age (completed years at identification), main_form, forms,
  exploitation_country, scope, episode (main / same_year_duplicate / next_year),
  late_registration (only in the revised extract of its year).
- `cases.csv`: police cases (police_case, year, registered, status, prosecutor_case, offence:
  CP210, or CP213 for a case for procuring only; its DIICOT case has the same offence).
- `case_persons.csv`: (police_case, person_id, role).
- `prosecutor_decisions.csv`: prosecutor_case, year, registered, decision, decided.
- `court_decisions.csv`: person_id, prosecutor_case, level (fond / apel), outcome, decision_date,
  final, suspended, months, confiscation_lei, damages_lei (empty when absent), offence (the
  code decided on: CP210, CP213, CP367, L678-12).
- `agency_records.csv`: agency, file, sheet, row (as a person reads it), person_id, role.
- `injected_errors.csv`: file, sheet, row, column, kind: the cells spoiled on purpose.
- `identities.csv`: person_id, cnp, surname, given_name: kept apart, to check that none leaks.
"""


def write_truth(truth: Path, world: World, ledger: Ledger) -> None:
    truth.mkdir(parents=True, exist_ok=True)
    (truth / "README.md").write_text(README, encoding="utf-8")
    iso = world.counties.iso
    victims = world.victims.filter(pl.col("episode") == "main")
    persons = (
        pl.concat(
            [
                victims.select(
                    "person_id",
                    pl.lit("victim").alias("role"),
                    "sex",
                    "birth_date",
                    "citizenship",
                    "county",
                ),
                world.offenders.select(
                    "person_id",
                    pl.lit("offender").alias("role"),
                    "sex",
                    "birth_date",
                    "citizenship",
                    "county",
                ),
            ]
        )
        .with_columns(
            pl.col("county")
            .map_elements(lambda i: iso[i] if i >= 0 else None, return_dtype=pl.Utf8)
            .alias("residence_county")
        )
        .drop("county")
    )
    persons.write_csv(truth / "persons.csv")
    world.victims.select(
        "person_id",
        "simev_id",
        "identification_date",
        "year",
        "age",
        "main_form",
        pl.col("forms").list.join("|"),
        "exploitation_country",
        pl.when(pl.col("exploitation_country") == "RO")
        .then(pl.lit("domestic"))
        .otherwise(pl.lit("transnational"))
        .alias("scope"),
        "episode",
        "late_registration",
    ).write_csv(truth / "victim_identifications.csv")
    procuring = is_procuring_case(world.police_cases["case_seq"].to_numpy())
    world.police_cases.select("police_case", "year", "registered", "status").with_columns(
        pl.Series("offence", np.where(procuring, PROCURING_CASE[0], "CP210"))
    ).join(
        world.prosecutions.select("police_case", "prosecutor_case"), on="police_case", how="left"
    ).select("police_case", "year", "registered", "status", "prosecutor_case", "offence").write_csv(
        truth / "cases.csv"
    )
    world.case_persons.join(
        world.police_cases.select("case_seq", "police_case"), on="case_seq"
    ).select("police_case", "person_id", "role").write_csv(truth / "case_persons.csv")
    world.prosecutions.select(
        "prosecutor_case",
        "year",
        pl.col("prosecutor_registered").alias("registered"),
        "decision",
        "decided",
    ).write_csv(truth / "prosecutor_decisions.csv")
    world.decisions.select(
        "person_id",
        "prosecutor_case",
        "level",
        "outcome",
        "decision_date",
        "final",
        "suspended",
        "months",
        pl.when(pl.col("confiscation") >= 0).then(pl.col("confiscation")).alias("confiscation_lei"),
        pl.when(pl.col("damages") >= 0).then(pl.col("damages")).alias("damages_lei"),
        "offence",
    ).write_csv(truth / "court_decisions.csv")
    pl.DataFrame(
        ledger.records,
        schema={
            "agency": pl.Utf8,
            "file": pl.Utf8,
            "sheet": pl.Utf8,
            "row": pl.Int64,
            "person_id": pl.Utf8,
            "role": pl.Utf8,
        },
    ).write_csv(truth / "agency_records.csv")
    pl.DataFrame(
        ledger.errors,
        schema={
            "file": pl.Utf8,
            "sheet": pl.Utf8,
            "row": pl.Int64,
            "column": pl.Utf8,
            "kind": pl.Utf8,
        },
    ).write_csv(truth / "injected_errors.csv")
    pl.concat(
        [
            victims.select("person_id", "cnp", "surname", "given_name"),
            world.offenders.select("person_id", "cnp", "surname", "given_name"),
        ]
    ).write_csv(truth / "identities.csv")
