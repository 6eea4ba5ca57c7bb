"""NGO / IO beneficiaries: accepted rows mapped to the unified records."""

from __future__ import annotations

import csv
from functools import cache

import polars as pl

from schemas import vocabulary as v
from schemas.ong import AGENCY, SHEET
from schemas.parsers import parse_date
from schemas.text import match_key, match_key_expr
from sources.common.landing import LandingFile
from sources.common.mapping import columns_of, lineage, person_records

# Country names run to five words ('Statele Unite ale Americii' has four).
MAX_PHRASE_WORDS = 5


@cache
def _code_only_keys() -> list[str]:
    """match keys that are ISO codes and nothing else: in Romanian free text they are words
    ('sau' = SAU, 'are' = ARE, 'in' = IN, 'de' = DE), not countries. Names and aliases
    ('SUA', 'Cehia') still count."""
    with (v.REFERENCE / "ref_country.csv").open(encoding="utf-8", newline="") as handle:
        countries = list(csv.DictReader(handle))
    with (v.CODELISTS / "codelist_country_alias.csv").open(encoding="utf-8", newline="") as handle:
        aliases = [row["alias"] for row in csv.DictReader(handle)]
    codes = {match_key(r[c]) for r in countries for c in ("alpha_2", "alpha_3")}
    names = {
        match_key(r[c]) for r in countries for c in ("name_ro", "name_ro_iso_style", "name_en")
    }
    return sorted(codes - names - {match_key(a) for a in aliases})


def country_in_text(text: pl.Expr) -> pl.Expr:
    """The first country named in free text: 'exploatare sexuala (Germania)' -> DE,
    'munca in agricultura, Italia' -> IT, 'cersetorie in Africa de Sud' -> ZA; null if none.

    At each word the longest phrase (up to MAX_PHRASE_WORDS words) that names a country wins,
    so 'Guineea Ecuatoriala' is GQ, not Guineea (GN); the earliest word wins overall.
    """
    words = text.str.replace_all(r"[^\p{L}\p{N}]+", " ").str.strip_chars().str.split(" ")
    word = pl.element()

    def country_of_phrase(length: int) -> pl.Expr:
        phrase = pl.concat_str([word.shift(-k) for k in range(length)], separator=" ")
        is_code = match_key_expr(phrase).is_in(_code_only_keys())
        return pl.when(~is_code).then(v.to_country(phrase))

    by_word = words.list.eval(
        pl.coalesce([country_of_phrase(n) for n in range(MAX_PHRASE_WORDS, 0, -1)])
    )
    return by_word.list.drop_nulls().list.first()


def to_unified(file: LandingFile, accepted: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    rows = accepted["beneficiaries"]
    birth_year = pl.col("anul_nasterii").cast(pl.Int64)
    person = person_records(
        file,
        SHEET,
        rows,
        role=pl.lit("assisted_person"),
        sex=v.to_code(pl.col("sex"), "sex", AGENCY),
        birth_year=birth_year,
        citizenship=v.to_country(pl.col("cetatenie")),
        county=v.to_county(pl.col("judet")),
        case_number=pl.col("nr_dosar_penal"),
    )
    episode = rows.select(
        *lineage(file, SHEET),
        pl.col("organizatie").alias("provider_name"),
        pl.col("cod_beneficiar_key").alias("beneficiary_code_key"),
        parse_date(pl.col("data_intrarii_in_program")).alias("programme_entry_date"),
        v.to_exploitation_form_by_keyword(pl.col("forma_exploatare"), AGENCY)
        .fill_null("unknown")
        .alias("exploitation_form"),
        country_in_text(pl.col("forma_exploatare")).alias("exploitation_country_code"),
        v.to_code(pl.col("participa_la_procesul_penal"), "yes_no", AGENCY).alias(
            "participates_in_proceedings"
        ),
        pl.col("nr_dosar_penal").alias("case_number"),
    )
    return {
        "person_record": person,
        "assistance_episode": episode.select(columns_of("assistance_episode")),
    }
