"""The annual report's numbers are traceable: every number in the HTML names its mart,
expression and row key, and running that query on the warehouse (DuckDB, read here without
the report's code) gives the number back; the public report shows only what the public
tables publish. Also the CLI's bad invocations."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from pipelines.cli import main
from pipelines.reporting import tables
from pipelines.reporting.queries import Period
from pipelines.reporting.report import published_release, render, write_report
from tests.reporting import annual

pytestmark = pytest.mark.slow
FIRST, LAST = annual.PERIOD
NUMBER = re.compile(r"^[+-]?[\d,]+(\.\d+)?%?$")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return annual.warehouse(tmp_path_factory.mktemp("report-warehouse"))


@pytest.fixture(scope="module")
def internal(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    return write_report(warehouse, FIRST, LAST, out, public=False, pdf=False).html


@pytest.fixture(scope="module")
def public(warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report-public")
    tables.write_tables(warehouse, FIRST, LAST, out, "csv", True)
    return write_report(warehouse, FIRST, LAST, out, public=True, pdf=False).html


def where(key: dict[str, object]) -> tuple[str, list[object]]:
    """The row key as SQL: a [first, last] pair is a range."""
    clauses, params = [], []
    for column, value in key.items():
        if isinstance(value, list):
            clauses.append(f'"{column}" BETWEEN ? AND ?')
            params.extend(value)
        else:
            clauses.append(f'"{column}" = ?')
            params.append(value)
    return " AND ".join(clauses), params


def from_mart(con: duckdb.DuckDBPyConnection, number: annual.Number) -> float | None:
    condition, params = where(number.key)
    sql = f"SELECT {number.attributes['data-expr']} FROM marts.{number.attributes['data-mart']}"
    rows = con.execute(f"{sql} WHERE {condition}", params).fetchall()
    assert len(rows) == 1, f"{number.attributes['title']}: {len(rows)} rows"
    value = rows[0][0]
    return None if value is None else float(value)


def shown(text: str) -> float:
    """The number as printed: thousands separators, per cent."""
    value = float(text.replace(",", "").rstrip("%"))
    return value / 100 if text.endswith("%") else value


def decimals(text: str) -> int:
    digits = text.rstrip("%").partition(".")[2]
    return len(digits) + (2 if text.endswith("%") else 0)


def test_every_number_is_found_in_its_mart(internal: Path, warehouse: Path) -> None:
    report = annual.read(internal)
    checked = 0
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for number in report.numbers:
            if number.attributes["data-kind"] != "sql" or "data-value" not in number.attributes:
                continue
            expected = from_mart(con, number)
            assert expected is not None, number.attributes["title"]
            assert float(number.attributes["data-value"]) == pytest.approx(expected, abs=1e-9)
            assert shown(number.text) == pytest.approx(
                round(expected, decimals(number.text)), abs=1e-9
            ), number.attributes["title"]
            checked += 1
    assert checked >= 150, f"only {checked} numbers traced to a mart"


def test_no_number_without_a_source(internal: Path) -> None:
    report = annual.read(internal)
    untraced = [
        cell.text
        for cell in report.cells
        if NUMBER.match(cell.text)
        and not ({"data-mart", "data-derived"} & cell.attributes.keys())
        and "text" not in cell.attributes.get("class", "")
    ]
    assert untraced == []


def test_picked_numbers_equal_hand_written_queries(internal: Path, warehouse: Path) -> None:
    """Spot checks whose queries are written here, not read from the report."""
    numbers = annual.read(internal).numbers

    def find(mart: str, expr: str, **key: object) -> str:
        # the same number may be shown twice (headline and its section): once, alike
        (only,) = {
            n.text
            for n in numbers
            if n.attributes["data-mart"] == mart
            and n.attributes["data-expr"] == expr
            and n.key == key
        }
        return only

    with duckdb.connect(str(warehouse), read_only=True) as con:
        victims, children = con.execute(
            "SELECT victims, children FROM marts.rpt_victims_by_year WHERE year = ?", [LAST]
        ).fetchall()[0]
        convicted = con.execute(
            "SELECT persons_convicted_final FROM marts.rpt_criminal_justice_by_year WHERE year = ?",
            [LAST],
        ).fetchall()[0][0]
    assert find("rpt_victims_by_year", "victims", year=LAST) == f"{victims:,}"
    assert find("rpt_victims_by_year", "children / victims", year=LAST) == (
        f"{100 * children / victims:.1f}%"
    )
    assert find("rpt_criminal_justice_by_year", "persons_convicted_final", year=LAST) == (
        f"{convicted:,}"
    )


def test_map_rates_equal_the_county_table(internal: Path, warehouse: Path) -> None:
    html = internal.read_text(encoding="utf-8")
    drawn = {
        code: float(rate)
        for code, rate in re.findall(r'data-county="(RO-[A-Z]+)" data-rate="([^"]+)"', html)
    }
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute(
            "SELECT county_code, sum(victims) * 100000 / sum(population) "
            "FROM marts.rpt_victims_by_county_year WHERE year BETWEEN ? AND ? "
            "GROUP BY county_code",
            [FIRST, LAST],
        ).fetchall()
    assert len(rows) == 42
    assert drawn == pytest.approx({code: rate for code, rate in rows}, abs=1e-6)


def public_value(folder: Path, number: annual.Number) -> str:
    """The cell of the public CSV the number says it was read from."""
    path = folder / Path(number.attributes["data-table"]).name
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    key = {c: str(v) for c, v in number.key.items() if not isinstance(v, list) and c in rows[0]}
    found = [r for r in rows if all(r[c] == v for c, v in key.items())]
    assert len(found) == 1, f"{path.name} {key}: {len(found)} rows"
    return found[0][number.attributes["data-column"]]


def test_public_report_shows_only_published_figures(public: Path) -> None:
    report = annual.read(public)
    from_tables = [n for n in report.numbers if "data-column" in n.attributes]
    assert len(from_tables) >= 50
    for number in from_tables:
        published = public_value(public.parent, number)
        if published in ("<10", "[c]"):
            assert number.text == published, number.attributes["title"]
        elif published == "":
            assert number.text == "–"
        else:
            assert shown(number.text) == pytest.approx(
                round(float(published), decimals(number.text)), abs=1e-9
            ), number.attributes["title"]
    unpublished = [
        cell.text
        for cell in report.cells
        if NUMBER.match(cell.text)
        and "text" not in cell.attributes.get("class", "")
        and not ({"data-table", "data-derived"} & cell.attributes.keys())
    ]
    assert unpublished == []  # e.g. no rows per extract file: they would give counts back
    html = public.read_text(encoding="utf-8")
    assert "<10 = a count from 1 to 9, not published" in html.replace("&lt;", "<")
    assert "Not in the public report" in html
    assert not [
        n for n in report.numbers if n.attributes["data-mart"] == "rpt_agency_reconciliation"
    ]


def test_mse_section_shows_each_years_estimate(internal: Path, warehouse: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        years = con.execute(
            "SELECT year FROM marts.rpt_mse_estimates WHERE stratum = 'all' "
            "AND estimate IS NOT NULL AND year BETWEEN ? AND ?",
            [FIRST, LAST],
        ).fetchall()
    shown_years = {
        n.key["year"]
        for n in annual.read(internal).numbers
        if n.attributes["data-mart"] == "rpt_mse_estimates"
        and n.attributes["data-expr"] == "estimate"
        and n.key.get("stratum") == "all"
    }
    assert years, "the test warehouse has no estimate to show"
    assert shown_years == {year for (year,) in years}


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["--from", "2021", "--to", "2020"], 2, "--from must not be after --to"),
        (["--from", "1990", "--to", "1991"], 1, "no data for 1990-1991"),
    ],
)
def test_cli_bad_invocations(
    args: list[str], code: int, says: str, warehouse: Path, tmp_path: Path
) -> None:
    result = CliRunner().invoke(
        main, ["report", "--database", str(warehouse), "--out", str(tmp_path), *args]
    )
    assert result.exit_code == code
    assert says in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []


def test_public_report_from_the_published_files_is_the_same(public: Path, warehouse: Path) -> None:
    """The asset builds the public edition from the CSVs `standard_tables` wrote."""
    again = render(warehouse, Period(FIRST, LAST), True, published_release(public.parent))
    assert again == public.read_text(encoding="utf-8")
