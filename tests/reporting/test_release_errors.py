"""The public release's presentation errors of issue 8: county rates, the disclosure rules in
the metadata, numbers stored as numbers, hidden amounts marked.

Expectations are worked out here from the inputs, not read from the code under test.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from pathlib import Path

import duckdb
import openpyxl
import polars as pl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.reporting import joint, publish, queries, sdc
from pipelines.reporting.queries import Period
from pipelines.reporting.workbooks import (
    PUBLIC_NOTES,
    disclosure_rules,
    metadata,
    write_workbook,
)

YEARS = (2016, 2017, 2018)
COUNTIES = [f"RO-C{i:02d}" for i in range(12)]


@pytest.fixture
def county_marts() -> Iterator[tuple[duckdb.DuckDBPyConnection, dict[str, int], dict[str, int]]]:
    """Victims and populations per county and year, some counties large enough to publish."""
    rng = random.Random(8)
    rows = []
    victims: dict[str, int] = dict.fromkeys(COUNTIES, 0)
    populations: dict[str, int] = dict.fromkeys(COUNTIES, 0)
    for county in COUNTIES:
        for year in YEARS:
            count = rng.choice([0, 2, 7, 15, 40, 120])
            population = rng.randrange(200_000, 2_000_000)
            rows.append((year, county, county, count, population))
            victims[county] += count
            populations[county] += population
    con = duckdb.connect()
    con.sql("CREATE SCHEMA marts")
    con.sql(
        "CREATE TABLE marts.rpt_victims_by_county_year (year INTEGER, county_code VARCHAR, "
        "county_name VARCHAR, victims BIGINT, population BIGINT)"
    )
    con.executemany("INSERT INTO marts.rpt_victims_by_county_year VALUES (?, ?, ?, ?, ?)", rows)
    yield con, victims, populations
    con.close()


def test_public_and_internal_county_rates_agree_within_rounding(
    county_marts: tuple[duckdb.DuckDBPyConnection, dict[str, int], dict[str, int]],
) -> None:
    con, victims, populations = county_marts
    internal = queries.victims_by_county(con, Period(YEARS[0], YEARS[-1]))
    release = joint.protect({"victims_by_county": internal}, YEARS)
    public = publish.victims_by_county(internal, release, len(YEARS))
    published = 0
    for row in public.iter_rows(named=True):
        county = row["county_code"]
        exact = victims[county] * 100_000 / populations[county]  # average annual rate
        internal_rate = internal.filter(pl.col("county_code") == county)["rate_per_100k"].item()
        assert internal_rate == pytest.approx(exact, abs=5e-7)
        if not str(row["victims"]).isdigit():
            assert row["rate_per_100k"] is None  # a hidden count has no rate
            continue
        published += 1
        shown = int(row["victims"])
        assert abs(shown - victims[county]) <= 2  # base-5 rounding moves a count by 2 at most
        # The public rate is the same definition over the published (rounded) count.
        assert row["rate_per_100k"] == pytest.approx(shown * 100_000 / populations[county], 1e-6)
        assert abs(row["rate_per_100k"] - exact) <= 2 * 100_000 / populations[county] + 1e-6
    assert published >= 3  # the comparison was made on real cells


def test_metadata_carries_the_whole_disclosure_rules() -> None:
    rules = disclosure_rules(sdc.__doc__ or "")
    meta = metadata("2020", pl.DataFrame(schema=EXTRACT_SCHEMA), BREAKS, [*PUBLIC_NOTES, *rules])
    text = meta.filter(pl.col("item") == "disclosure control")["value"].to_list()
    assert len(text) >= 5
    assert not any(line.rstrip().endswith(":") for line in text)  # nothing cut after a colon
    joined = " ".join(text)
    for phrase in (
        "<10 = a count from 1 to 9",
        "[c] = a count of at least 10",
        "nearest multiple of 5",
        "computed from the rounded published counts",
        "Secondary suppression",
        "Audit",
    ):
        assert phrase in joined, phrase
    assert "**" not in joined and "`" not in joined  # plain text, not markdown


EXTRACT_SCHEMA = {
    "source_agency": pl.Utf8,
    "period": pl.Utf8,
    "extract_date": pl.Date,
    "source_file": pl.Utf8,
    "rows_accepted": pl.Int64,
    "rows_quarantined": pl.Int64,
}
BREAKS = pl.DataFrame(schema={"year": pl.Int64, "description": pl.Utf8})


def justice_frame() -> pl.DataFrame:
    counts = [
        "police_cases_registered",
        "persons_suspected",
        "persons_sent_to_court",
        "persons_convicted_first_instance",
        "persons_convicted_final",
        "custodial_sentences",
        "suspended_sentences",
    ]
    rows = {
        2020: [40, 60, 30, 20, 3, 2, 1],  # 3 final convictions: their amounts describe cases
        2021: [40, 60, 30, None, None, None, None],  # no court extract: unknown
        2022: [40, 60, 30, 25, 40, 20, 20],
    }
    amounts = {2020: (5000.0, 800.0), 2021: (None, None), 2022: (120000.0, None)}
    return pl.DataFrame(
        [
            {"year": y, **dict(zip(counts, v, strict=True)), "confiscation_lei": amounts[y][0]}
            | {"damages_lei": amounts[y][1]}
            for y, v in rows.items()
        ]
    )


def public_justice() -> pl.DataFrame:
    frame = justice_frame()
    release = joint.protect({"criminal_justice_by_year": frame}, frame["year"].to_list())
    no_concentration = pl.DataFrame(
        schema={"year": pl.Int32, "amount": pl.Utf8, "largest_lei": pl.Float64}
        | {"second_largest_lei": pl.Float64}
    )
    return publish.criminal_justice_by_year(frame, release, no_concentration).sort("year")


def test_hidden_amounts_are_marked_and_unknown_ones_stay_empty() -> None:
    public = public_justice()
    assert public["confiscation_lei"].to_list() == ["[c]", None, "120000.0"]
    assert public["damages_lei"].to_list() == ["[c]", None, None]  # 2022: none reported


def test_public_workbook_counts_are_numbers_and_markers_stay_text(tmp_path: Path) -> None:
    public = public_justice()
    path = tmp_path / "book.xlsx"
    write_workbook(path, {"criminal_justice": public}, dt.datetime(2023, 1, 1))
    sheet = openpyxl.load_workbook(path)["criminal_justice"]
    header = header_row(sheet)
    cells = {
        (row[0].value, HEADINGS_BACK[sheet.cell(header, c.column).value]): c.value
        for row in sheet.iter_rows(min_row=header + 1)
        for c in row
        if sheet.cell(header, c.column).value in HEADINGS_BACK
    }
    assert type(cells[(2022, "persons_suspected")]) is int
    assert cells[(2022, "persons_suspected")] == 60
    assert cells[(2020, "persons_convicted_final")] == "<10"
    assert cells[(2020, "confiscation_lei")] == "[c]"
    assert cells[(2022, "confiscation_lei")] == 120000
    assert cells[(2021, "persons_convicted_final")] is None  # unknown stays empty


HEADINGS_BACK = {
    "Year": "year",
    "Persons suspected": "persons_suspected",
    "Persons convicted (final)": "persons_convicted_final",
    "Confiscation ordered (lei)": "confiscation_lei",
}


def header_row(sheet: Worksheet) -> int:
    """1-based row of the header: the first row whose first cell is 'Year'."""
    for (cell,) in sheet.iter_rows(min_col=1, max_col=1):
        if cell.value == "Year":
            return int(cell.row)
    raise AssertionError("no header row")


def test_tables_help_says_where_the_public_files_go() -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    result = CliRunner().invoke(main, ["tables", "--help"])
    assert result.exit_code == 0
    assert "OUT/public/" in " ".join(result.output.split())


def test_reversed_period_is_one_line_and_exit_2(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    command = ["tables", "--from", "2021", "--to", "2020", "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(main, command)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == ["Error: --from must not be after --to"]
