"""The linkage model: what is compared, how pairs are blocked, and prior parameters.

Prior m and u probabilities make the model usable on a handful of records (a test, a
first delivery); on enough records u is re-estimated by random sampling and m by
expectation maximisation, without labels (`link.train`).
"""

from __future__ import annotations

from typing import Any

from splink import block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator

# Dice similarity of the keyed letter-bigram sets of two names.
_DICE = (
    "2.0 * len(list_intersect(name_bigram_keys_l, name_bigram_keys_r)) "
    "/ (len(name_bigram_keys_l) + len(name_bigram_keys_r))"
)
_PHONETIC_SAME = (
    "(surname_phonetic_key_l = surname_phonetic_key_r "
    "AND given_name_phonetic_key_l = given_name_phonetic_key_r)"
)
_PHONETIC_SWAPPED = (
    "(surname_phonetic_key_l = given_name_phonetic_key_r "
    "AND given_name_phonetic_key_l = surname_phonetic_key_r)"
)
_ONE_PART = (
    "(surname_phonetic_key_l IN (surname_phonetic_key_r, given_name_phonetic_key_r) "
    "OR given_name_phonetic_key_l IN (surname_phonetic_key_r, given_name_phonetic_key_r))"
)


def _level(
    sql: str, label: str, m: float, u: float, *, null: bool = False, tf: str | None = None
) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
        return level
    level |= {"m_probability": m, "u_probability": u}
    if tf:
        level |= {"tf_adjustment_column": tf, "tf_adjustment_weight": 1.0}
    return level


def _comparison(name: str, description: str, levels: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "output_column_name": name,
        "comparison_description": description,
        "comparison_levels": levels,
    }


NAME = _comparison(
    "name",
    "Keyed surname and given name: exact, swapped, phonetic, bigram similarity",
    [
        _level("name_bigram_keys_l IS NULL OR name_bigram_keys_r IS NULL", "null", 0, 0, null=True),
        # name_key: surname and given name keys together (how common the whole name is)
        _level("name_key_l = name_key_r", "exact", 0.6, 0.0005, tf="name_key"),
        _level(
            "surname_key_l = given_name_key_r AND given_name_key_l = surname_key_r",
            "swapped",
            0.08,
            0.00005,
        ),
        _level(f"{_PHONETIC_SAME} OR {_PHONETIC_SWAPPED}", "phonetic", 0.15, 0.001),
        _level(f"{_DICE} >= 0.7", "bigrams >= 0.7", 0.1, 0.0005),
        _level(_ONE_PART, "one part phonetic", 0.05, 0.03),
        _level("ELSE", "else", 0.02, 0.968),
    ],
)
BIRTH = _comparison(
    "birth",
    "Birth date, or birth year where only the year is known",
    [
        _level("birth_year_l IS NULL OR birth_year_r IS NULL", "null", 0, 0, null=True),
        _level("birth_date_l = birth_date_r", "same date", 0.868, 0.00006),
        _level(
            "birth_year_l = birth_year_r AND (birth_date_l IS NULL OR birth_date_r IS NULL)",
            "same year, a date unknown",
            0.08,
            0.015,
        ),
        _level("birth_year_l = birth_year_r", "same year, other date", 0.03, 0.015),
        _level("abs(birth_year_l - birth_year_r) = 1", "one year apart", 0.02, 0.03),
        # Two birth years further apart are two persons but for a rare data error.
        _level("ELSE", "else", 0.002, 0.94),
    ],
)


def _exact(
    name: str,
    description: str,
    column: str,
    m: float,
    u: float,
    *,
    label: str = "same",
    tf: bool = False,
) -> dict[str, Any]:
    """A comparison of one attribute: missing on a side, equal, or not."""
    return _comparison(
        name,
        description,
        [
            _level(f"{column}_l IS NULL OR {column}_r IS NULL", "null", 0, 0, null=True),
            _level(f"{column}_l = {column}_r", label, m, u, tf=column if tf else None),
            _level("ELSE", "else", round(1 - m, 10), round(1 - u, 10)),
        ],
    )


SEX = _exact("sex", "Sex (U is unknown)", "sex", 0.97, 0.5)
CITIZENSHIP = _exact("citizenship", "Citizenship", "citizenship_code", 0.95, 0.8, tf=True)
COUNTY = _exact("county", "County of residence", "residence_county_code", 0.8, 0.05)
CASE = _exact(
    "case",
    "Criminal case the person belongs to (prosecutor's number where known)",
    "case_number",
    0.6,
    0.001,
)
CNP = _exact(
    "cnp",
    "Keyed first 12 digits of a CNP valid or failing only its check digit",
    "cnp_stem_key",
    0.97,
    0.0000001,
)

# A victim's identification and an NGO's intake follow each other within weeks.
EPISODE = _comparison(
    "episode",
    "Date identified or taken into assistance",
    [
        _level("event_date_l IS NULL OR event_date_r IS NULL", "null", 0, 0, null=True),
        _level(
            "abs(date_diff('day', event_date_l, event_date_r)) <= 60", "within 60 days", 0.8, 0.02
        ),
        _level(
            "abs(date_diff('day', event_date_l, event_date_r)) <= 366", "within a year", 0.15, 0.1
        ),
        _level("ELSE", "else", 0.05, 0.88),
    ],
)
EXPLOITATION = _exact(
    "exploitation",
    "Form of exploitation (the agencies name the country differently)",
    "exploitation_form",
    0.9,
    0.4,
    label="same form",
)
# EM drives to 0 the m of a level no match shows in the data at hand; a floor keeps such a
# level strong evidence against, never an absolute veto on the next data.
M_FLOOR = 0.0001
COMPARISONS = [NAME, BIRTH, SEX, CITIZENSHIP, COUNTY, CASE, CNP, EPISODE, EXPLOITATION]


def _equal(*columns: str) -> str:
    return " AND ".join(f"l.{c} = r.{c}" for c in columns)


def _one_side_without_stem(condition: str) -> list[str]:
    """Two records that both carry a CNP stem are settled by it (one stem, one person; two
    stems, two persons): other blocks pair only records of which one has none. Each
    side's test stands alone in its rule, so DuckDB filters before it joins."""
    return [f"{side}.cnp_stem_key IS NULL AND {condition}" for side in ("l", "r")]


def _one_side_nameless(condition: str) -> list[str]:
    """Pairs where one record has no name (ANITP's register), one has no CNP stem (the same
    record or the other one) and the other has no birth date: where both sides carry a
    birth date, the birth-date block pairs them on far fewer candidates."""
    sides = (("l", "l", "r"), ("l", "r", "r"), ("r", "r", "l"), ("r", "l", "l"))
    return [
        f"{nameless}.name_key IS NULL AND {stemless}.cnp_stem_key IS NULL "
        f"AND {other}.birth_date IS NULL AND {condition}"
        for nameless, stemless, other in sides
    ]


# Pairs scored at all. Each rule joins on several attributes (or a case), so blocks stay
# small as a landing zone grows: birth year and one name part alone made 17 million pairs
# of a million generated records; these rules 1.1 million, and the same links as rules
# making 4.3 million. Records of one CNP stem are one person whatever their score (`link`
# links them directly): scoring them made 27% of the pairs at 3 million records and 93% of
# those kept, and put pairs before reviewers whose decision could change nothing.
# Splink leaves out of each rule the pairs of every rule before it, so the order changes
# the time, not the pairs: the rules narrowed by a time window first, then the others by
# the pairs they make. Blocking the 3 million records of a generated world took 13.5 s so,
# 21.5 s in the order the rules were written (the same 217,838 pairs kept).
PREDICTION_BLOCKS: list[str | BlockingRuleCreator] = [
    # A surname misspelt beyond its sound: the given name, and the year both records met
    # them, or where the person lives (below).
    *_one_side_without_stem(
        f"{_equal('birth_year', 'given_name_phonetic_key')} "
        "AND abs(date_diff('day', l.event_date, r.event_date)) <= 60"
    ),
    # ANITP records carry no name: a victim's birth year, sex and county within two months
    # of being identified meet an NGO's list; the form in the month identified, where
    # counties differ.
    *_one_side_nameless(
        f"{_equal('birth_year', 'sex', 'residence_county_code')} "
        "AND abs(date_diff('day', l.event_date, r.event_date)) <= 60"
    ),
    *_one_side_nameless(
        f"{_equal('birth_year', 'sex', 'exploitation_form')} "
        "AND date_trunc('month', l.event_date) = date_trunc('month', r.event_date) "
        "AND (l.residence_county_code IS NULL OR r.residence_county_code IS NULL)"
    ),
    *_one_side_without_stem(_equal("birth_date", "sex", "citizenship_code")),
    *_one_side_without_stem(
        _equal("birth_year", "surname_phonetic_key", "given_name_phonetic_key")
    ),
    *_one_side_without_stem(
        _equal("birth_year", "given_name_phonetic_key", "sex", "residence_county_code")
    ),
    *_one_side_without_stem(
        "l.birth_year = r.birth_year AND l.surname_phonetic_key = r.given_name_phonetic_key "
        "AND l.given_name_phonetic_key = r.surname_phonetic_key"
    ),
    *_one_side_without_stem(_equal("case_number", "sex")),
]
# Expectation maximisation on pairs blocked on one attribute estimates the others.
TRAINING_BLOCKS = [
    block_on("birth_date"),
    block_on("surname_phonetic_key", "given_name_phonetic_key"),
]
# Pairs that are certainly one person, to estimate how many pairs match at all.
DETERMINISTIC_RULES: list[str | BlockingRuleCreator] = [
    block_on("cnp_stem_key"),
    block_on("surname_key", "given_name_key", "birth_date"),
]
DETERMINISTIC_RECALL = 0.8
PRIOR_MATCH_PROBABILITY = 0.001

INPUT_COLUMNS = (
    "record_id",
    "source_agency",
    "cnp_stem_key",
    "surname_key",
    "given_name_key",
    "surname_phonetic_key",
    "given_name_phonetic_key",
    "name_bigram_keys",
    "birth_date",
    "birth_year",
    "sex",
    "citizenship_code",
    "residence_county_code",
    "case_number",
)


def _without_term_frequencies(comparison: dict[str, Any]) -> dict[str, Any]:
    levels = [
        {k: v for k, v in level.items() if not k.startswith("tf_")}
        for level in comparison["comparison_levels"]
    ]
    return comparison | {"comparison_levels": levels}


def settings(term_frequencies: bool) -> dict[str, Any]:
    """Splink settings; term frequencies only on enough records to count them on (in a
    handful of records every name is frequent)."""
    comparisons = (
        COMPARISONS if term_frequencies else [_without_term_frequencies(c) for c in COMPARISONS]
    )
    return {
        "link_type": "dedupe_only",
        "linker_uid": "tipstats",  # not a random id: the saved model is the same on the same data
        "unique_id_column_name": "record_id",
        "probability_two_random_records_match": PRIOR_MATCH_PROBABILITY,
        "comparisons": comparisons,
        "blocking_rules_to_generate_predictions": PREDICTION_BLOCKS,
        "retain_intermediate_calculation_columns": True,
        "retain_matching_columns": False,
        "additional_columns_to_retain": ["source_agency"],
    }
