"""One vocabulary for all agencies, read from the codelist seeds dbt also loads.

Every agency spelling is compared through `match_key` (ASCII, lower case,
letters and digits only), so comma-below, cedilla, capitals and spacing
variants meet. A value not in the vocabulary maps to null; the agency schema
then quarantines it with its reason, never guesses.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

import polars as pl

from schemas.text import match_key, match_key_expr

# The agencies tipstats reads, in the order they are processed and reported.
AGENCIES = ("politie", "diicot", "instante", "anitp", "ong")

# The row number a person sees in the delivered file (CSV line, Excel row, JSONL line).
SOURCE_ROW = "source_row"
MASKED = "(masked)"  # what is stored in place of a value that may identify a person

# Why a CNP can or cannot be a match key; only `valid` ones are.
CNP_VALID = "valid"
CNP_MISSING = "missing"
CNP_BAD_FORMAT = "invalid_format"
CNP_BAD_SEX_DIGIT = "invalid_sex_digit"
CNP_BAD_DATE = "invalid_date"
CNP_BAD_CHECK_DIGIT = "invalid_check_digit"
CNP_STATUSES = (
    CNP_VALID,
    CNP_MISSING,
    CNP_BAD_FORMAT,
    CNP_BAD_SEX_DIGIT,
    CNP_BAD_DATE,
    CNP_BAD_CHECK_DIGIT,
)
# The check digit is the weighted sum of the first 12 digits mod 11 (10 counts as 1).
CNP_WEIGHTS = (2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9)

SEEDS = Path(__file__).resolve().parents[1] / "dbt_project" / "seeds"
CODELISTS = SEEDS / "codelists"
REFERENCE = SEEDS / "reference"

EXPLOITATION_FORMS = (
    "sexual",
    "labour",
    "begging",
    "criminal_activities",
    "organ_removal",
    "child_sexual_abuse_material",
    "forced_marriage",
    "domestic_servitude",
    "other",
    "unknown",
)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _unique_keys(pairs: list[tuple[str, str]], what: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for spelling, code in pairs:
        key = match_key(spelling)
        if mapping.get(key, code) != code:
            raise ValueError(f"{what}: spelling '{spelling}' maps to {mapping[key]} and {code}")
        mapping[key] = code
    return mapping


@cache
def code_map(codelist: str, agency: str) -> dict[str, str]:
    """match_key(source value) -> code for one codelist and agency ('*' rows apply to all)."""
    rows = _read(CODELISTS / "codelist_code_map.csv")
    pairs = [
        (r["source_value"], r["code"])
        for r in rows
        if r["codelist"] == codelist and r["agency"] in (agency, "*")
    ]
    if not pairs:
        raise KeyError(f"no codelist '{codelist}' for agency '{agency}'")
    return _unique_keys(pairs, codelist)


@cache
def codes(codelist: str) -> tuple[str, ...]:
    """The accepted codes of a codelist, in file order."""
    if codelist == "exploitation_form":
        return EXPLOITATION_FORMS
    return tuple(
        r["code"] for r in _read(CODELISTS / "codelist_codes.csv") if r["codelist"] == codelist
    )


@cache
def county_spellings() -> dict[str, str]:
    """Any county spelling (name variants, car-plate code) -> ISO 3166-2 code."""
    pairs: list[tuple[str, str]] = []
    for row in _read(REFERENCE / "ref_county.csv"):
        iso = row["iso_3166_2"]
        spellings = [row["county_code"], row["name"], row["name_ascii"], row["name_cedilla"]]
        pairs += [(s, iso) for s in spellings + row["name_variants"].split("|") if s]
    return _unique_keys(pairs, "county")


@cache
def country_spellings() -> dict[str, str]:
    """ISO alpha-2/alpha-3 codes, Romanian and English names, aliases -> ISO alpha-2."""
    pairs: list[tuple[str, str]] = []
    for row in _read(REFERENCE / "ref_country.csv"):
        names = (
            row["alpha_2"],
            row["alpha_3"],
            row["name_ro"],
            row["name_ro_iso_style"],
            row["name_en"],
        )
        pairs += [(name, row["alpha_2"]) for name in names if name]
    pairs += [(r["alias"], r["alpha_2"]) for r in _read(CODELISTS / "codelist_country_alias.csv")]
    # English and Romanian names collide on a few spellings; the first (ISO code, Romanian) wins.
    mapping: dict[str, str] = {}
    for spelling, code in pairs:
        mapping.setdefault(match_key(spelling), code)
    return mapping


@cache
def offence_codes() -> tuple[str, ...]:
    """Every offence in scope: Criminal Code articles ('CP210') and Law 678/2001 ('L678-12')."""
    return tuple(r["code"] for r in _read(CODELISTS / "codelist_offence.csv"))


@cache
def offence_articles() -> tuple[int, ...]:
    """The Criminal Code articles in scope (Law 678/2001 articles are not Criminal Code ones)."""
    return tuple(
        int(r["article"]) for r in _read(CODELISTS / "codelist_offence.csv") if r["law"] == "CP"
    )


def _lookup(expr: pl.Expr, mapping: dict[str, str]) -> pl.Expr:
    return match_key_expr(expr).replace_strict(mapping, default=None, return_dtype=pl.Utf8)


def to_code(expr: pl.Expr, codelist: str, agency: str) -> pl.Expr:
    """Agency value -> project code, null when absent or not in the codelist."""
    return _lookup(expr, code_map(codelist, agency))


def to_county(expr: pl.Expr) -> pl.Expr:
    """County name (any spelling) or car-plate code -> ISO 3166-2:RO (e.g. 'RO-IS')."""
    return _lookup(expr, county_spellings())


def to_country(expr: pl.Expr) -> pl.Expr:
    """Romanian/English country name or ISO code, any case or diacritics -> ISO alpha-2."""
    return _lookup(expr, country_spellings())


# Each article reference runs from its 'art.' to the next one; a reference whose text names
# Law 678/2001 is that law's article (the former code), never the Criminal Code's.
_REFERENCE = "\x1f"
_FORMER_LAW = r"(?i)678\s*/\s*2001"


def to_offence_codes(expr: pl.Expr) -> pl.Expr:
    """'art. 210 alin. (1) C.pen.; art. 12 din Legea 678/2001' -> ['CP210', 'L678-12']."""
    references = expr.str.replace_all(r"(?i)art\.?\s*(\d+)", _REFERENCE + "art $1").str.split(
        _REFERENCE
    )
    return references.list.eval(
        pl.concat_str(
            pl.when(pl.element().str.contains(_FORMER_LAW))
            .then(pl.lit("L678-"))
            .otherwise(pl.lit("CP")),
            pl.element().str.extract(r"^art (\d+)"),
        )
    ).list.drop_nulls()


def to_offence_articles(expr: pl.Expr) -> pl.Expr:
    """Criminal Code articles: 'art. 210 alin. (1) lit. a) C.pen.; art.211 CP' -> [210, 211]."""
    return criminal_code_articles(to_offence_codes(expr))


def criminal_code_articles(codes: pl.Expr) -> pl.Expr:
    """The Criminal Code articles among offence codes: ['CP210', 'L678-12'] -> [210]."""
    return codes.list.eval(
        pl.element().filter(pl.element().str.starts_with("CP")).str.slice(2).cast(pl.Int64)
    )


def to_exploitation_forms(expr: pl.Expr, agency: str, separator: str = "|") -> pl.Expr:
    """Multi-valued form field -> list of codes in delivered order (first = main form)."""
    mapping = code_map("exploitation_form", agency)
    return expr.str.split(separator).list.eval(
        match_key_expr(pl.element()).replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    )


def to_exploitation_form_by_keyword(expr: pl.Expr, agency: str) -> pl.Expr:
    """Free text -> one form code by the first keyword rule that matches (rules in file order)."""
    text = match_key_expr(expr)
    result = pl.lit(None, dtype=pl.Utf8)
    for keyword, code in reversed(list(code_map("exploitation_form_keyword", agency).items())):
        result = (
            pl.when(text.str.contains(keyword, literal=True)).then(pl.lit(code)).otherwise(result)
        )
    return result
