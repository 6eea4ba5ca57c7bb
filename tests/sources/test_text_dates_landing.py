"""Normalisation, date/number parsing and landing-file names."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.parsers import parse_date, parse_ro_number
from schemas.text import (
    column_name,
    fold_cedilla,
    match_key,
    match_key_expr,
    normalised_person_name,
)
from sources.common.landing import LandingFile, RejectedFile, classify, discover, unknown_folders
from tests.names import normalised_name


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("IAŞI", "iasi"),
        ("Iași", "iasi"),
        ("Ialomiţa", "ialomita"),
        ("MUN. BUCURESTI", "bucuresti"),
        ("Municipiul București", "bucuresti"),
        ("Satu-Mare", "satumare"),
        ("Județul Argeș", "arges"),
    ],
)
def test_match_key_meets_all_spellings(spelling: str, key: str) -> None:
    assert match_key(spelling) == key
    assert pl.select(match_key_expr(pl.lit(spelling))).item() == key


def test_fold_cedilla_gives_comma_below() -> None:
    assert fold_cedilla("Timişoara, Ţara") == "Timișoara, Țara"


def normalised_names(names: list[str | None]) -> list[str | None]:
    frame = pl.DataFrame({"name": names}, schema={"name": pl.Utf8})
    return frame.select(normalised_person_name(pl.col("name")))["name"].to_list()


def test_person_names_normalise_to_sorted_ascii_tokens() -> None:
    names = ["LUPU Ion", "Ion  Lupu", "Şerban Ana-Maria", "ȘERBAN ana maria", "", "  -. ", None]
    assert normalised_names(names) == [
        "ION LUPU",
        "ION LUPU",
        "ANA MARIA SERBAN",
        "ANA MARIA SERBAN",
        None,
        None,
        None,
    ]


# Every character assigned in Python's Unicode database (Unicode changes after it may differ
# in the newer database polars carries), Romanian letters and marks drawn most often.
_NAME_CHARACTERS = st.one_of(
    st.sampled_from("abcxyzAMZ ăâîșțşţĂÂÎȘȚ-.'\t\u0300\u0326\u034f\u0e31ßǰŉﬁıİ"),
    st.characters(codec="utf-8").filter(lambda c: unicodedata.category(c) != "Cn"),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(_NAME_CHARACTERS, max_size=12)), max_size=20))
def test_person_names_normalise_as_name_by_name(names: list[str | None]) -> None:
    assert normalised_names(names) == [normalised_name(name) for name in names]


def test_column_names_from_headers() -> None:
    assert column_name("\ufeffID_SIMEV") == "id_simev"
    assert column_name("Data înregistrării") == "data_inregistrarii"
    assert column_name("Valoare sechestru (lei)") == "valoare_sechestru_lei"


def test_dates_in_every_delivered_form() -> None:
    values = ["2016-04-02", "02.04.2016", "42462", "31.02.2016", "2016/04/02", None]
    parsed = pl.select(parse_date(pl.Series(values, dtype=pl.Utf8))).to_series().to_list()
    april_2nd = dt.date(2016, 4, 2)
    # Excel serial 42462: days since 1899-12-30.
    assert parsed == [april_2nd, april_2nd, april_2nd, None, None, None]


def test_romanian_numbers_never_read_as_decimals() -> None:
    values = ["1.250.000,50", "1.250", "12,5", "0", "1250000.50", "1,250.000", "abc"]
    parsed = pl.select(parse_ro_number(pl.Series(values))).to_series().to_list()
    assert parsed == [1_250_000.5, 1250.0, 12.5, 0.0, None, None, None]


def test_landing_names(tmp_path: Path) -> None:
    folder = tmp_path / "anitp"
    folder.mkdir()
    for name in (
        "anitp_2016_20170115.csv",
        "anitp_2016-03_20160410.csv",
        "anitp_2016.csv",
        "politie_2016_20170110.csv",
        "anitp_2016_20171340.csv",
        "anitp_2016_20170115.xlsx",
    ):
        (folder / name).write_text("x")
    (tmp_path / "parchet").mkdir()
    found = {f.file_name: f for f in discover(tmp_path, "anitp")}
    yearly, monthly = found["anitp_2016_20170115.csv"], found["anitp_2016-03_20160410.csv"]
    assert isinstance(yearly, LandingFile) and isinstance(monthly, LandingFile)
    assert monthly.period == "2016-03"
    assert yearly.extract_date == dt.date(2017, 1, 15)
    for rejected in (
        "anitp_2016.csv",
        "politie_2016_20170110.csv",
        "anitp_2016_20171340.csv",
        "anitp_2016_20170115.xlsx",
    ):
        assert isinstance(found[rejected], RejectedFile), rejected
    assert [r.file_name for r in unknown_folders(tmp_path)] == ["parchet"]
    no_date = classify("anitp", folder / "anitp_2016.csv")
    assert isinstance(no_date, RejectedFile) and no_date.reason.startswith("file name")
