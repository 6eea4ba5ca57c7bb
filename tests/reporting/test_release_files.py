"""The files `tipstats tables` writes, opened as a reader would: readable workbooks whose
numbers are numbers, the CLI on an empty period, and the SDMX-CSV files.

The workbook cells are compared with the CSV written in the same call (the CSVs keep the
machine-readable values), and labels with the seed files themselves.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import duckdb
import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from pipelines.reporting import catalog, tables
from tests.dbt.fixture import build

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).parents[2] / "dbt_project" / "seeds"
MARKERS = {"<10", "[c]"}
HEADER_ROW = 3  # 1-based: title, units and notes, header


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.dbt.conftest import dbt_build

    scratch = tmp_path_factory.mktemp("release-files")
    path = scratch / "warehouse.duckdb"
    build(path)
    assert dbt_build(path, scratch).returncode == 0
    return path


@pytest.fixture(scope="module", params=[False, True], ids=["internal", "public"])
def release(
    request: pytest.FixtureRequest, warehouse: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    out = tmp_path_factory.mktemp("out")
    report = tables.write_tables(warehouse, 2020, 2021, out, "both", request.param)
    return report.folder


def csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def sheet_rows(sheet: Worksheet) -> list[dict[str, object]]:
    header = [cell.value for cell in sheet[HEADER_ROW]]
    return [
        dict(zip(header, (cell.value for cell in row), strict=True))
        for row in sheet.iter_rows(min_row=HEADER_ROW + 1)
    ]


SHEETS = [  # (workbook, sheet, the CSV with the same rows)
    ("greta.xlsx", "victims_by_year", "victims_by_year.csv"),
    ("greta.xlsx", "victims_by_form", "victims_by_form.csv"),
    ("greta.xlsx", "victims_by_county", "victims_by_county.csv"),
    ("greta.xlsx", "victims_by_country", "victims_by_exploitation_country.csv"),
    ("greta.xlsx", "criminal_justice", "criminal_justice_by_year.csv"),
    ("unodc_glotip.xlsx", "sdg_16_2_2", "sdg_16_2_2.csv"),
]


@pytest.mark.parametrize(("book", "name", "table"), SHEETS)
def test_numbers_are_numbers_and_only_hidden_cells_hold_markers(
    release: Path, book: str, name: str, table: str
) -> None:
    sheet = openpyxl.load_workbook(release / book)[name]
    expected = csv_rows(release / table)
    shown = sheet_rows(sheet)
    assert len(shown) == len(expected)
    for want, got in zip(expected, shown, strict=True):
        for column, text in want.items():
            if column in catalog.NAME_COLUMNS.values():
                continue  # replaced by the English label column
            value = got[catalog.heading(column)]
            if text in MARKERS:
                assert value == text, (name, column)
            elif text == "":
                assert value is None, (name, column)  # unknown (or a hidden rate) stays empty
            elif text.lstrip("-").isdigit():
                assert type(value) is int and value == int(text), (name, column, value)
            else:
                try:
                    number = float(text)
                except ValueError:
                    assert value == text, (name, column)  # a code
                else:
                    assert isinstance(value, int | float) and value == pytest.approx(number)
    markers = [cell.value for row in sheet.iter_rows(min_row=HEADER_ROW + 1) for cell in row]
    written = sum(1 for v in markers if v in MARKERS)
    in_csv = sum(1 for row in expected for v in row.values() if v in MARKERS)
    assert written == in_csv


def test_sheets_have_a_title_units_and_a_frozen_english_header(release: Path) -> None:
    for path in release.glob("*.xlsx"):
        for sheet in openpyxl.load_workbook(path).worksheets:
            title, units = sheet["A1"].value, sheet["A2"].value
            assert isinstance(title, str) and len(title) > 10, (path.name, sheet.title)
            assert isinstance(units, str) and units, (path.name, sheet.title)
            assert sheet["A1"].font.b
            assert sheet.freeze_panes == f"A{HEADER_ROW + 1}", (path.name, sheet.title)
            header = [cell.value for cell in sheet[HEADER_ROW]]
            assert all(isinstance(h, str) and "_" not in h for h in header), header
    greta = openpyxl.load_workbook(release / "greta.xlsx")
    assert greta["victims_by_county"]["A1"].value == (
        "Victims identified, by county of residence, 2020-2021"
    )


def test_number_formats_by_kind(release: Path) -> None:
    greta = openpyxl.load_workbook(release / "greta.xlsx")
    formats = {
        heading: {
            cell.number_format
            for row in greta[sheet].iter_rows(min_row=HEADER_ROW + 1)
            for cell in row
            if greta[sheet].cell(HEADER_ROW, cell.column).value == heading
            and isinstance(cell.value, int | float)
        }
        for sheet, heading in (
            ("victims_by_year", "Year"),
            ("victims_by_year", "Female"),
            ("victims_by_county", "Rate per 100,000"),
            ("victims_by_form", "Share of known forms"),
            ("victims_by_year", "Population on 1 January"),
        )
    }
    expected = {
        "Year": "0",  # 2020, not 2,020
        "Female": "#,##0",
        "Population on 1 January": "#,##0",
        "Rate per 100,000": "0.00",
        "Share of known forms": "0.0%",
    }
    for heading, number_format in expected.items():
        assert formats[heading] <= {number_format}, heading
    if release.name != "public":  # the fixture's public counts are almost all hidden
        assert all(formats[heading] == {f} for heading, f in expected.items()), formats


def seed_labels(path: Path, code: str, label: str, **where: str) -> dict[str, str]:
    rows = csv_rows(path)
    return {r[code]: r[label] for r in rows if all(r[k] == v for k, v in where.items())}


def test_codes_have_english_labels_beside_them(release: Path) -> None:
    greta = openpyxl.load_workbook(release / "greta.xlsx")
    forms = seed_labels(SEEDS / "codelists" / "codelist_exploitation_form.csv", "code", "label_en")
    rows = sheet_rows(greta["victims_by_form"])
    assert rows and all(
        r["Form of exploitation"] == forms[str(r["Form of exploitation (code)"])] for r in rows
    )
    counties = seed_labels(SEEDS / "reference" / "ref_county.csv", "iso_3166_2", "name")
    rows = sheet_rows(greta["victims_by_county"])
    assert len(rows) == 42
    assert all(r["County"] == counties[str(r["County (code)"])] for r in rows)
    sexes = seed_labels(
        SEEDS / "codelists" / "codelist_codes.csv", "code", "label_en", codelist="sex"
    )
    sdg = sheet_rows(openpyxl.load_workbook(release / "unodc_glotip.xlsx")["sdg_16_2_2"])
    assert {(r["Sex (code)"], r["Sex"]) for r in sdg} == {
        *sexes.items(),
        ("total", "Total"),
    }


def test_metadata_is_readable_in_full(release: Path) -> None:
    sheet = openpyxl.load_workbook(release / "greta.xlsx")["metadata"]
    assert sheet.column_dimensions["B"].width >= 80
    values = [row[1] for row in sheet.iter_rows(min_row=HEADER_ROW + 1)]
    long = [cell for cell in values if isinstance(cell.value, str) and len(cell.value) > 100]
    assert long and all(cell.alignment.wrap_text for cell in long)
    # A wrapped cell's row is tall enough for its lines (at most about 120 characters a line).
    for cell in long:
        height = sheet.row_dimensions[cell.row].height or 15  # default: one line
        assert height >= 15 * (len(cell.value) // 120), cell.value[:40]


def test_an_empty_period_warns_and_exits_1_without_files(warehouse: Path, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from pipelines.cli import main

    out = tmp_path / "out"
    for publish in ([], ["--publish"]):
        command = ["tables", "--database", str(warehouse), "--from", "2030", "--to", "2031"]
        result = CliRunner().invoke(main, [*command, "--out", str(out), *publish])
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("warning: no data for 2030-2031")
        assert len(result.stderr.strip().splitlines()) == 1
        assert [p for p in out.rglob("*") if p.is_file()] == []
    # A period with data still writes its tables.
    command = ["tables", "--database", str(warehouse), "--from", "2021", "--to", "2030"]
    done = CliRunner().invoke(main, [*command, "--out", str(out), "--format", "csv"])
    assert done.exit_code == 0, done.output
    assert (out / "victims_by_year.csv").read_text(encoding="utf-8").count("\n") == 2


EUROSTAT_END = ["TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "CONF_STATUS"]


def test_sdmx_files_have_the_datasets_dimensions_and_codes(release: Path) -> None:
    folder = release / "sdmx"
    vsage = csv_rows(folder / "crim_thb_vsage.csv")
    header = list(vsage[0])
    assert header == ["DATAFLOW", "freq", "unit", "sex", "age", "geo", *EUROSTAT_END]
    assert {r["DATAFLOW"] for r in vsage} == {"ESTAT:CRIM_THB_VSAGE(1.0)"}
    assert {r["freq"] for r in vsage} == {"A"} and {r["geo"] for r in vsage} == {"RO"}
    assert {r["unit"] for r in vsage} == {"NR", "P_MIO"}
    assert {r["sex"] for r in vsage} == {"F", "M", "T", "UNK"}
    assert {r["age"] for r in vsage} == {"Y_LT18", "Y_GE18", "TOTAL", "UNK"}
    # The all-victims observation is the year's victims of victims_by_year.csv.
    by_year = {r["year"]: r["victims"] for r in csv_rows(release / "victims_by_year.csv")}
    totals = {
        r["TIME_PERIOD"]: r
        for r in vsage
        if (r["unit"], r["sex"], r["age"]) == ("NR", "T", "TOTAL")
    }
    assert set(totals) == set(by_year)
    for year, shown in by_year.items():
        row = totals[year]
        if shown in MARKERS:
            assert row["OBS_VALUE"] == "" and row["OBS_STATUS"] == "Q"
            assert row["CONF_STATUS"] == {"<10": "C", "[c]": "D"}[shown]
        else:
            assert (row["OBS_VALUE"], row["OBS_STATUS"], row["CONF_STATUS"]) == (shown, "A", "")
    legal = csv_rows(folder / "crim_thb_legal_status.csv")
    assert {r["leg_stat"] for r in legal} == {"PER_SUSP", "PER_PRSC", "PER_CNV"}
    # A court figure no extract covers is unknown: no value, status O (not a zero).
    assert any(r["OBS_VALUE"] == "" and r["OBS_STATUS"] == "O" for r in legal)
    sdg = csv_rows(folder / "sdg_16_2_2.csv")
    assert list(sdg[0])[:7] == [
        "DATAFLOW",
        "FREQ",
        "REPORTING_TYPE",
        "SERIES",
        "REF_AREA",
        "SEX",
        "AGE",
    ]
    assert {r["REF_AREA"] for r in sdg} == {"642"}
    assert {r["SEX"] for r in sdg} == {"F", "M", "_T"}
    assert {r["AGE"] for r in sdg} == {"Y0T17", "Y_GE18", "_T"}
    assert {"VC_HTF_DETV", "VC_HTF_DETVR"} <= {r["SERIES"] for r in sdg}
    for row in (r for r in [*vsage, *legal, *sdg] if r["OBS_VALUE"] == ""):
        assert row["OBS_STATUS"] in {"Q", "O"} and (row["OBS_STATUS"] == "Q") == bool(
            row["CONF_STATUS"]
        )


SDG_FORMS = {  # UN's four forms from the project's codes, written out here
    "VC_HTF_DETVSX": {"sexual", "child_sexual_abuse_material"},
    "VC_HTF_DETVFL": {"labour", "domestic_servitude"},
    "VC_HTF_DETVOG": {"organ_removal"},
    "VC_HTF_DETVOP": {"begging", "criminal_activities", "forced_marriage", "other"},
}


def test_sdg_series_by_form_group_the_project_forms(release: Path) -> None:
    table = csv_rows(release / "sdg_16_2_2.csv")
    codes = {r["SERIES"] for r in csv_rows(release / "sdmx" / "sdg_16_2_2.csv")}
    if release.name == "public" and "sdg_form" not in table[0]:
        # Rounded, partly hidden cells are never summed: the forms need the table's own rows.
        assert codes == {"VC_HTF_DETV", "VC_HTF_DETVR"}
        return
    assert codes == {f"{code}{rate}" for code in ["VC_HTF_DETV", *SDG_FORMS] for rate in ("", "R")}
    if release.name == "public":
        return
    series = {
        (r["SERIES"], r["TIME_PERIOD"]): int(r["OBS_VALUE"])
        for r in csv_rows(release / "sdmx" / "sdg_16_2_2.csv")
        if (r["SEX"], r["AGE"], r["UNIT_MEASURE"]) == ("_T", "_T", "NUMBER")
    }
    for code, members in SDG_FORMS.items():
        for year in {r["year"] for r in table}:
            expected = sum(
                int(r["victims"])
                for r in table
                if r["year"] == year
                and (r["sex"], r["age_group"]) == ("total", "total")
                and r["exploitation_form"] in members
            )
            assert series[(code, year)] == expected, (code, year)


INTERNAL_ONLY = [
    *(f"{name}.csv" for name in tables.INTERNAL_CSV_TABLES),
    *tables.INTERNAL_WORKBOOKS,
]


def test_quality_and_assistance_files_are_internal_only(release: Path) -> None:
    written = {path.name for path in release.iterdir()}
    public = release.name == "public"
    assert {name for name in INTERNAL_ONLY if name in written} == (
        set() if public else set(INTERNAL_ONLY)
    )
    if public:
        return
    rows = csv_rows(release / "data_quality.csv")
    cnp = next(
        r
        for r in rows
        if (r["source_agency"], r["period"], r["measure"]) == ("anitp", "2020", "cnp_valid")
    )
    assert (cnp["value"], cnp["status"]) == ("0.75", "amber")  # K1 K1 K3 of 4 rows
    sheet = openpyxl.load_workbook(release / "data_quality.xlsx")["scorecard"]
    header = [cell.value for cell in sheet[HEADER_ROW]]
    share, number = header.index("Share"), header.index("Number")
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        if [row[i].value for i in range(4)] == ["anitp", "2020", "completeness", "cnp_valid"]:
            assert (row[share].value, row[share].number_format) == (0.75, "0.0%")
            assert row[number].value is None
        if row[3].value == "days_to_first_extract" and row[0].value == "anitp":
            assert row[number].value == 15  # 2021-01-15 after 31 December
    assistance = csv_rows(release / "assistance_programme.csv")
    assert [(r["provider_name"], r["year"], r["persons_assisted"]) for r in assistance] == [
        ("ADPARE", "2020", "1")
    ]


def test_a_publication_from_before_the_internal_marts_gives_its_own_files(
    warehouse: Path, tmp_path: Path
) -> None:
    """`tables --as-of` on an older publication writes what was written then: no scorecard."""
    older = tmp_path / "older.duckdb"
    shutil.copyfile(warehouse, older)
    with duckdb.connect(str(older)) as con:
        for mart in (
            "rpt_data_quality",
            "rpt_assistance_programme",
            "rpt_assistance_court_regions",
        ):
            con.execute(f"DROP TABLE marts.{mart}")
    report = tables.write_tables(older, 2020, 2021, tmp_path / "out", "both", False)
    assert report.files
    assert not set(INTERNAL_ONLY) & set(report.files)
