"""Pseudonymisation at read time: CNPs and names never leave the reader.

A CNP (S YYMMDD JJ NNN C) is checked, then replaced by an HMAC-SHA256
pseudonym under a secret key. Only a CNP that passes every check becomes a
match key; a malformed one is flagged and dropped. Names are reduced to a
keyed pseudonym of normalised name + birth date (or year), and to the linkage
attributes Splink compares (pipelines/linkage): keyed pseudonyms of the surname and
given name apart (under one domain, so swapped names compare crosswise), of their phonetic
codes (misspellings, transliterations) and of the name's letter bigrams (a Dice
similarity), and of the first 12 digits of a CNP whose only fault is its check digit (a
typing error, not a new person).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import string
from collections.abc import Callable
from functools import cache
from pathlib import Path

import duckdb
import jellyfish
import polars as pl

from schemas.text import normalised_person_name
from schemas.vocabulary import (
    CNP_BAD_CHECK_DIGIT,
    CNP_BAD_DATE,
    CNP_BAD_FORMAT,
    CNP_BAD_SEX_DIGIT,
    CNP_MISSING,
    CNP_VALID,
    CNP_WEIGHTS,
    MASKED,
)

log = logging.getLogger(__name__)

KEY_ENV = "TIPSTATS_PSEUDONYM_KEY"
_CENTURY_BY_SEX_DIGIT = {"1": 1900, "2": 1900, "3": 1800, "4": 1800, "5": 2000, "6": 2000}
_MIN_KEY_BYTES = 16
_warned_about: set[Path] = set()


class PseudonymKeyError(RuntimeError):
    """The pseudonym key is unusable (message never contains the key)."""


def default_key_path() -> Path:
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config_home) / "tipstats" / "pseudonym.key"


def load_key() -> bytes:
    """The key from TIPSTATS_PSEUDONYM_KEY (the key itself, or a file it names).

    Without it, a random key is created once outside the repository (mode 0600)
    and reused; a warning says so because pseudonyms then depend on that file.
    """
    configured = os.environ.get(KEY_ENV, "").strip()
    if configured:
        candidate = Path(configured).expanduser()
        looks_like_path = configured.startswith(("/", "~/", "./", "../"))
        if (looks_like_path or candidate.exists()) and not candidate.is_file():
            raise PseudonymKeyError(f"{KEY_ENV} names {candidate}, which is not a readable file")
        key = candidate.read_bytes().strip() if candidate.is_file() else configured.encode()
        if len(key) < _MIN_KEY_BYTES:
            raise PseudonymKeyError(
                f"{KEY_ENV} must hold at least {_MIN_KEY_BYTES} bytes of key material"
            )
        return key
    path = default_key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        log.warning("%s is not set: generated a new pseudonym key at %s (mode 0600)", KEY_ENV, path)
    elif path not in _warned_about:
        log.warning("%s is not set: using the pseudonym key at %s", KEY_ENV, path)
    _warned_about.add(path)
    return path.read_bytes().strip()


def pseudonym(key: bytes, domain: str, value: str) -> str:
    return hmac.new(key, f"{domain}|{value}".encode(), hashlib.sha256).hexdigest()


_HMAC_BLOCK_BYTES = 64  # SHA-256's block (RFC 2104)
# HMAC(K, m) = H((K ^ opad) || H((K ^ ipad) || m)), over every value at once in DuckDB.
_HMAC_SQL = """
    SELECT sha256($outer || unhex(sha256($inner || encode($domain || '|' || value)))) AS keyed
    FROM distinct_values
"""


def _hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    block = hashlib.sha256(key).digest() if len(key) > _HMAC_BLOCK_BYTES else key
    block = block.ljust(_HMAC_BLOCK_BYTES, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


@cache
def _hashing_engine() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for hashing, opened once per process (each call takes a cursor)."""
    return duckdb.connect()


# Below this many distinct values, one query costs more than hashing them in Python.
_HASH_IN_DUCKDB_FROM = 2_000


def _pseudonymise_series(values: pl.Series, key: bytes, domain: str) -> pl.Series:
    """`pseudonym` of every value, computed once per distinct value (identifiers repeat
    across rows of one file); many values at once by DuckDB's SHA-256, not one Python call
    each."""
    distinct_values = values.drop_nulls().unique().to_frame("value")
    if distinct_values.height < _HASH_IN_DUCKDB_FROM:
        mapping = {v: pseudonym(key, domain, v) for v in distinct_values.to_series().to_list()}
        return values.replace_strict(mapping, default=None, return_dtype=pl.Utf8)
    inner, outer = _hmac_pads(key)
    with _hashing_engine().cursor() as con:
        keyed: pl.Series = (
            con.sql(_HMAC_SQL, params={"outer": outer, "inner": inner, "domain": domain})
            .pl()
            .to_series()
        )
    return values.replace_strict(
        distinct_values.to_series(), keyed, default=None, return_dtype=pl.Utf8
    )


def cnp_status_expr(cnp: pl.Expr) -> pl.Expr:
    """Why a CNP can or cannot be used as a match key (one of CNP_STATUSES)."""
    text = cnp.str.strip_chars()
    digit = [text.str.slice(i, 1).cast(pl.Int64, strict=False) for i in range(13)]
    weighted = pl.sum_horizontal(d * w for d, w in zip(digit[:12], CNP_WEIGHTS, strict=True))
    remainder = weighted % 11
    expected = pl.when(remainder == 10).then(1).otherwise(remainder)
    sex_digit = text.str.slice(0, 1)
    century = sex_digit.replace_strict(_CENTURY_BY_SEX_DIGIT, default=None, return_dtype=pl.Int64)
    year = century + text.str.slice(1, 2).cast(pl.Int64, strict=False)
    # Residents and foreigners (7, 8, 9) carry no century: any century with a real date will do.
    year_for_check = pl.coalesce(year, 2000)
    month = text.str.slice(3, 2).cast(pl.Int64, strict=False)
    day = text.str.slice(5, 2).cast(pl.Int64, strict=False)
    first_of_month = pl.date(year_for_check, month.clip(1, 12).fill_null(1), 1)
    date_ok = (
        month.is_between(1, 12)
        & day.is_between(1, 31)
        & (day <= first_of_month.dt.month_end().dt.day())
    )
    return (
        pl.when(text.is_null() | (text == ""))
        .then(pl.lit(CNP_MISSING))
        .when(~text.str.contains(r"^\d{13}$"))
        .then(pl.lit(CNP_BAD_FORMAT))
        .when(sex_digit == "0")
        .then(pl.lit(CNP_BAD_SEX_DIGIT))
        .when(~date_ok.fill_null(False))
        .then(pl.lit(CNP_BAD_DATE))
        .when(digit[12] != expected)
        .then(pl.lit(CNP_BAD_CHECK_DIGIT))
        .otherwise(pl.lit(CNP_VALID))
    )


def pseudonymise_cnp(df: pl.DataFrame, column: str, key: bytes) -> pl.DataFrame:
    """Replace `column` (raw CNP) by `cnp_key` (valid CNPs only), `cnp_status` and
    `cnp_stem_key` (first 12 digits of a valid CNP or of one failing only its check digit)."""
    with_status = df.with_columns(cnp_status_expr(pl.col(column)).alias("cnp_status"))
    valid = pl.when(pl.col("cnp_status") == CNP_VALID).then(pl.col(column).str.strip_chars())
    keyed = with_status.with_columns(
        valid.alias("_valid_cnp"), _stem_expr(pl.col(column), pl.col("cnp_status")).alias("_stem")
    )
    keyed = keyed.with_columns(
        _pseudonymise_series(keyed["_valid_cnp"], key, "tipstats-cnp-v1").alias("cnp_key"),
        _pseudonymise_series(keyed["_stem"], key, "tipstats-cnp-stem-v1").alias("cnp_stem_key"),
    )
    return keyed.drop(column, "_valid_cnp", "_stem")


def _stem_expr(cnp: pl.Expr, status: pl.Expr) -> pl.Expr:
    """The first 12 digits of a CNP that is valid or fails only its check digit."""
    usable = status.is_in([CNP_VALID, CNP_BAD_CHECK_DIGIT])
    return pl.when(usable).then(cnp.str.strip_chars().str.slice(0, 12))


# Spellings that transliteration and hurried typing make of one Romanian name
# ('SHERBAN' / 'SERBAN', 'TZURCANU' / 'TURCANU', 'MIHAY' / 'MIHAI', 'GHEORGHE' / 'GEORGE').
_FOLDS = (
    ("SH", "S"),
    ("TZ", "T"),
    ("TS", "T"),
    ("GH", "G"),
    ("PH", "F"),
    ("TH", "T"),
    ("Y", "I"),
    ("W", "V"),
    ("K", "C"),
    ("Q", "C"),
    ("X", "CS"),
)
_NAME_KEY_CHARS = 16  # bigram pseudonyms: a short key is enough to compare sets


def folded_name_expr(name: pl.Expr) -> pl.Expr:
    """Upper-case ASCII letters, single spaces: 'Ștefan-Ionuț ' -> 'STEFAN IONUT'."""
    return (
        name.str.normalize("NFKD")
        .str.replace_all(r"\p{Mn}", "")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z]+", " ")
        .str.strip_chars()
        .replace("", None)
    )


def romanian_fold(token: str) -> str:
    """One spelling for the transliterations of a Romanian name, double letters single."""
    for old, new in _FOLDS:
        token = token.replace(old, new)
    return re.sub(r"(.)\1+", r"\1", token)


def phonetic_name(name: str) -> str:
    """Metaphone of each token after a Romanian-aware folding of transliterations."""
    folded = (romanian_fold(token) for token in name.split())
    return " ".join(jellyfish.metaphone(token) or token for token in folded)


def _map_distinct(
    values: pl.Series, dtype: pl.DataType, fn: Callable[[str], str | None]
) -> pl.Series:
    """Apply a Python function once per distinct value (names repeat across rows)."""
    mapping = {value: fn(value) for value in values.drop_nulls().unique().to_list()}
    return values.replace_strict(mapping, default=None, return_dtype=dtype)


def romanian_fold_expr(token: pl.Expr) -> pl.Expr:
    """`romanian_fold` of upper-case ASCII tokens, for a whole column at once."""
    for old, new in _FOLDS:
        token = token.str.replace_all(old, new, literal=True)
    for letter in string.ascii_uppercase:
        token = token.str.replace_all(f"{letter}{letter}+", letter)
    return token


def _keyed_bigrams(names: pl.Series, key: bytes) -> pl.Series:
    """The keyed letter bigrams of each folded token, padded, as a sorted set per name
    (token order does not matter): 'ION' -> the keys of _I, IO, ON, N_."""
    tokens = (
        names.drop_nulls()
        .unique()
        .to_frame("name")
        .with_columns(token=pl.col("name").str.split(" "))
        .explode("token")
        .filter(pl.col("token") != "")
    )
    padded = pl.concat_str(pl.lit("_"), romanian_fold_expr(pl.col("token")), pl.lit("_"))
    grams = (
        tokens.with_columns(padded=padded)
        .with_columns(at=pl.int_ranges(0, pl.col("padded").str.len_chars() - 1))
        .explode("at")
        .select("name", gram=pl.col("padded").str.slice(pl.col("at"), 2))
        .unique()
    )
    keyed = _pseudonymise_series(grams["gram"], key, "tipstats-name-bigram-v1")
    per_name = (
        grams.with_columns(keyed.str.slice(0, _NAME_KEY_CHARS).alias("key"))
        .group_by("name")
        .agg(pl.col("key").sort())
    )
    return names.to_frame("name").join(per_name, on="name", how="left", maintain_order="left")[
        "key"
    ]


def linkage_name_keys(
    df: pl.DataFrame, surname: pl.Expr, given_name: pl.Expr, key: bytes
) -> pl.DataFrame:
    """Keyed pseudonyms of surname, given name, their phonetic codes and the name's bigrams
    (a frame of these columns only, row for row)."""
    parts = df.select(
        folded_name_expr(surname).alias("surname"), folded_name_expr(given_name).alias("given")
    )
    whole = parts.select(
        pl.concat_str("surname", "given", separator=" ", ignore_nulls=True).replace("", None)
    ).to_series()
    labels = (("surname", "surname"), ("given", "given_name"))
    # One domain for both parts, so a surname written as a given name (swapped) keys alike.
    columns = {
        f"{label}_key": _pseudonymise_series(parts[part], key, "tipstats-name-part-v2")
        for part, label in labels
    }
    for part, label in labels:
        phonetic = _map_distinct(parts[part], pl.Utf8(), phonetic_name)
        columns[f"{label}_phonetic_key"] = _pseudonymise_series(
            phonetic, key, "tipstats-name-part-phonetic-v2"
        )
    columns["name_bigram_keys"] = _keyed_bigrams(whole, key)
    return pl.DataFrame([values.alias(name) for name, values in columns.items()])


def pseudonymise_name(
    df: pl.DataFrame,
    name_columns: list[str],
    birth_date: pl.Expr | None,
    birth_year: pl.Expr,
    key: bytes,
) -> pl.DataFrame:
    """Replace name columns by keyed pseudonyms of (name, birth date) and (name, birth year),
    and by the linkage attributes (`linkage_name_keys`).

    Two columns are (surname, given name); one column holds the whole name, read as
    'SURNAME Given names' (a list that writes the given name first is a swapped name,
    which the linkage compares crosswise).
    """
    if len(name_columns) == 2:
        surname, given = pl.col(name_columns[0]), pl.col(name_columns[1])
    else:
        tokens = folded_name_expr(pl.col(name_columns[0])).str.split(" ")
        surname, given = tokens.list.first(), tokens.list.slice(1).list.join(" ")
    linkage = linkage_name_keys(df, surname, given, key)
    # Tokens are split and sorted across parts, so the parts joined give the same name.
    whole = pl.concat_str(name_columns, separator=" ", ignore_nulls=True)
    with_name = df.with_columns(
        normalised_person_name(whole).alias("_name"),
        (birth_date.cast(pl.Utf8) if birth_date is not None else pl.lit(None, pl.Utf8)).alias(
            "_dob"
        ),
        birth_year.cast(pl.Utf8).alias("_yob"),
    )
    with_parts = with_name.with_columns(
        pl.concat_str("_name", "_dob", separator="|").alias("_name_dob"),
        pl.concat_str("_name", "_yob", separator="|").alias("_name_yob"),
    )
    return (
        with_parts.with_columns(
            _pseudonymise_series(with_parts["_name_dob"], key, "tipstats-name-dob-v1").alias(
                "name_birth_date_key"
            ),
            _pseudonymise_series(with_parts["_name_yob"], key, "tipstats-name-yob-v1").alias(
                "name_birth_year_key"
            ),
        )
        .drop(*name_columns, "_name", "_dob", "_yob", "_name_dob", "_name_yob")
        .hstack(linkage)
    )


def pseudonymise_code(df: pl.DataFrame, column: str, key: bytes, domain: str) -> pl.DataFrame:
    """Replace a person-level code of another organisation (e.g. an NGO file code)."""
    return df.with_columns(
        _pseudonymise_series(df[column], key, domain).alias(f"{column}_key")
    ).drop(column)


# Exactly 13 digits, possibly spaced ('600 0314 223112'): a CNP outside its column, e.g. in a
# row shifted by one cell. Only the CNP's own column is pseudonymised; elsewhere it is masked.
_CNP_CANDIDATE = r"\d(?:[ \t]?\d){12}"
_CNP_LIKE = re.compile(r"(?<![\d])\d(?:[ \t]?\d){12}(?![ \t]?\d)")


def mask_cnp_like(text: str) -> str:
    return _CNP_LIKE.sub(MASKED, text)


def mask_stray_cnps(df: pl.DataFrame) -> pl.DataFrame:
    """Mask every CNP-like number in the text columns left after pseudonymisation (not keys).

    Longer digit runs (an amount of 20 digits) are not CNPs and stay as they are.
    """
    suspects = [
        name
        for name, dtype in df.schema.items()
        if dtype == pl.Utf8
        and not name.endswith("_key")
        and df[name].str.contains(_CNP_CANDIDATE).any()
    ]
    return df.with_columns(
        pl.col(name).map_elements(mask_cnp_like, return_dtype=pl.Utf8, skip_nulls=True)
        for name in suspects
    )
