"""`tipstats tables`: the standard tables for a period, as CSV and/or the four workbooks.

Beside them, in the internal variant only, the data-quality scorecard (`data_quality.csv`,
`data_quality.xlsx`) and the assistance-programme view (`assistance_programme.csv`,
`assistance_court_regions.csv`, `assistance_programme.xlsx`). They are never part of the
public release (`--publish`): the scorecard's small row counts and cross-agency agreements and
the assistance view's person counts per organisation are not covered by the joint disclosure
control, so they stay with the agencies and ANITP.

CSV files are UTF-8, comma-separated, one header row; an empty cell means unknown (or, in
the public variant, not published), 0 means none. Rates are rounded to 6 decimals. Files
are written to a temporary folder and moved into place only when every table is ready, so
a reader never sees half a release; the public variant (`--publish`) goes to `OUT/public/`.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

import duckdb
import polars as pl

from pipelines.reporting import joint, publish, queries, sdmx
from pipelines.reporting.queries import Period
from pipelines.reporting.sdc import __doc__ as sdc_rules
from pipelines.reporting.workbooks import (
    PUBLIC_NOTES,
    Sheet,
    creation_date,
    disclosure_rules,
    metadata,
    write_workbook,
)

Format = Literal["csv", "xlsx", "both"]
CSV_TABLES = (
    "victims_by_year",
    "victims_by_county",
    "victims_by_exploitation_country",
    "victims_by_form",
    "sdg_16_2_2",
    "criminal_justice_by_year",
    "victims_by_county_year",
    "victims_by_exploitation_country_year",
    "victims_by_form_year",
    "victims_by_citizenship_year",
    "criminal_justice_by_offence_year",
    "offence_reclassification",
    "persons_by_legal_status_sex",
    "persons_by_legal_status_citizenship",
    "sentences_by_length",
    "court_outcomes",
    "compensation",
    "case_durations",
    "victims_by_status",
)

# Internal only: written without --publish, never with it (see the module's docstring).
INTERNAL_CSV_TABLES = ("data_quality", "assistance_programme", "assistance_court_regions")
INTERNAL_WORKBOOKS = ("data_quality.xlsx", "assistance_programme.xlsx")

TIP_COUNTS = ("victims", "children", "foreign_citizens")


class EmptyPeriodError(Exception):
    """No table has a row for the years asked: nothing is written (no header-only files)."""


@dataclass(frozen=True)
class TablesReport:
    folder: Path
    files: list[str]
    public: bool

    def __str__(self) -> str:
        kind = "public release (disclosure control applied)" if self.public else "internal tables"
        return f"{kind}: {len(self.files)} files in {self.folder}\n" + "\n".join(
            f"  {name}" for name in self.files
        )


def _read(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, pl.DataFrame]:
    tip = queries.read_mart(con, "rpt_victims_by_tip_category_year", period)
    return {
        "victims_by_year": queries.victims_by_year(con, period),
        "victims_by_county": queries.victims_by_county(con, period),
        "victims_by_exploitation_country": queries.victims_by_exploitation_country(con, period),
        "victims_by_form": queries.victims_by_form(con, period),
        "sdg_16_2_2": queries.sdg_16_2_2(con, period),
        "criminal_justice_by_year": queries.criminal_justice_by_year(con, period),
        "victims_by_county_year": queries.victims_by_county_year(con, period),
        "victims_by_exploitation_country_year": queries.read_mart(
            con, "rpt_victims_by_exploitation_country_year", period
        ),
        "victims_by_form_year": queries.victims_by_form_year(con, period),
        "victims_by_citizenship_year": queries.read_mart(
            con, "rpt_victims_by_citizenship_year", period
        ),
        "victims_assisted": queries.read_mart(con, "rpt_victims_assisted_year", period),
        "tip_categories": tip.select("year", "tip_category", *TIP_COUNTS),
        # Its own sheet, so that girls and boys withheld in public do not take the rest along.
        "tip_children": tip.select("year", "tip_category", "children", "girls", "boys"),
        "unodc_categories": queries.read_mart(con, "rpt_victims_by_unodc_category_year", period),
        "criminal_justice_by_offence_year": queries.criminal_justice_by_offence_year(con, period),
        "offence_reclassification": queries.offence_reclassification(con, period),
        "persons_by_legal_status_sex": queries.read_mart(
            con, "rpt_persons_by_legal_status_sex", period
        ),
        "persons_by_legal_status_citizenship": queries.read_mart(
            con, "rpt_persons_by_legal_status_citizenship", period
        ),
        "sentences_by_length": queries.read_mart(con, "rpt_sentences_by_length_year", period),
        "court_outcomes": queries.read_mart(con, "rpt_court_outcomes_year", period),
        "compensation": queries.read_mart(con, "rpt_compensation_by_year", period),
        "case_durations": queries.case_durations(con, period),
        "victims_by_status": queries.victims_by_status(con, period),
        "mse_estimates": queries.mse_estimates(con, period),
        "amount_concentration": queries.read_mart(con, "rpt_amount_concentration_by_year", period),
        "eurostat_categories": queries.read_mart(
            con, "rpt_victims_by_eurostat_category_year", period
        ),
        "citizenship_groups": queries.read_mart(
            con, "rpt_victims_by_citizenship_group_year", period
        ),
        "participation": queries.read_mart(con, "rpt_victim_participation_by_year", period),
        **_read_internal(con, period),
    }


# Internal table -> (its mart, the expression of its year).
_INTERNAL_MARTS = {
    "data_quality": ("rpt_data_quality", "cast(left(period, 4) as integer)"),
    "assistance_programme": ("rpt_assistance_programme", "year"),
    "assistance_court_regions": ("rpt_assistance_court_regions", "year"),
}


def _read_internal(con: duckdb.DuckDBPyConnection, period: Period) -> dict[str, pl.DataFrame]:
    """The internal-only tables; none from a publication made before they existed, so that
    `--as-of` gives back exactly the files of that date."""
    marts = {
        name
        for (name,) in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'marts'"
        ).fetchall()
    }
    if not {mart for mart, _ in _INTERNAL_MARTS.values()} <= marts:
        return {}
    return {
        name: queries.read_mart(con, mart, period, year)
        for name, (mart, year) in _INTERNAL_MARTS.items()
    }


def _protect(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The public variant of every table, protected jointly (`joint.py`); blocks when the
    audit fails."""
    release = joint.protect(tables, tables["victims_by_year"]["year"].to_list())
    years = tables["victims_by_year"].height

    def counts(name: str) -> pl.DataFrame:
        return publish.counts_only(tables[name], name, release)

    return {
        "victims_by_year": publish.victims_by_year(tables["victims_by_year"], release),
        "victims_by_county": publish.victims_by_county(tables["victims_by_county"], release, years),
        "victims_by_exploitation_country": counts("victims_by_exploitation_country"),
        "victims_by_form": publish.victims_by_form(
            tables["victims_by_form"], "victims_by_form", release
        ),
        "sdg_16_2_2": publish.sdg_16_2_2(tables["sdg_16_2_2"], release, tables["mse_estimates"]),
        "criminal_justice_by_year": publish.criminal_justice_by_year(
            tables["criminal_justice_by_year"], release, tables["amount_concentration"]
        ),
        "victims_by_county_year": publish.victims_by_county_year(
            tables["victims_by_county_year"], release
        ),
        "victims_by_exploitation_country_year": counts("victims_by_exploitation_country_year"),
        "victims_by_form_year": publish.victims_by_form(
            tables["victims_by_form_year"], "victims_by_form_year", release
        ),
        "victims_by_citizenship_year": counts("victims_by_citizenship_year"),
        "victims_assisted": counts("victims_assisted"),
        "tip_categories": counts("tip_categories"),
        "tip_children": counts("tip_children"),
        "eurostat_categories": counts("eurostat_categories"),
        "unodc_categories": counts("unodc_categories"),
        "participation": publish.participation(tables["participation"], release),
        "citizenship_groups": counts("citizenship_groups"),
        "criminal_justice_by_offence_year": counts("criminal_justice_by_offence_year"),
        "offence_reclassification": counts("offence_reclassification"),
        "persons_by_legal_status_sex": counts("persons_by_legal_status_sex"),
        "persons_by_legal_status_citizenship": counts("persons_by_legal_status_citizenship"),
        "sentences_by_length": counts("sentences_by_length"),
        "court_outcomes": counts("court_outcomes"),
        "compensation": publish.compensation(
            tables["compensation"], release, tables["amount_concentration"]
        ),
        "case_durations": publish.case_durations(tables["case_durations"], release),
        "victims_by_status": counts("victims_by_status"),
    }


def release(
    con: duckdb.DuckDBPyConnection, period: Period, public: bool
) -> dict[str, pl.DataFrame]:
    """The standard tables of a period as `write_tables` writes them: with `public`, the
    protected release of the public workbooks (for the annual report, `report/`)."""
    tables = _read(con, period)
    return _protect(tables) if public else tables


# The SDG table's rows over all forms (its per-SDG-form series rows excluded).
_all_forms = (pl.col("exploitation_form") == "total") & (pl.col("sdg_form") == "total")


def _number(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Utf8).cast(pl.Int64, strict=False)


def _eurostat_sex_age(sdg: pl.DataFrame) -> pl.DataFrame:
    """Eurostat crim_thb_vsage: victims by sex and age, per million inhabitants."""
    return sdg.filter(_all_forms).select(
        "year",
        "sex",
        "age_group",
        "victims",
        "population",
        (_number("victims") * 1_000_000 / pl.col("population")).round(3).alias("per_million"),
    )


def _form_sex_age(sdg: pl.DataFrame) -> pl.DataFrame:
    """GRETA form x sex x age group: the SDG cube's project-form rows (with their totals)."""
    return sdg.filter(
        (pl.col("exploitation_form") != "total") | (pl.col("sdg_form") == "total")
    ).select("year", "exploitation_form", "sex", "age_group", "victims")


def _legal_status(justice: pl.DataFrame) -> pl.DataFrame:
    return justice.select(
        "year",
        pl.col("persons_suspected").alias("suspected"),
        pl.col("persons_sent_to_court").alias("prosecuted"),
        pl.col("persons_convicted_final").alias("convicted"),
    )


def _glotip(tables: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """UNODC GLOTIP long format: Indicator, Dimension, Category, Sex, Age, Year, Value."""
    sex = {"F": "Female", "M": "Male", "U": "Unknown", "total": "Total"}
    age = {
        "child": "0 to 17 years",
        "adult": "18 years or over",
        "unknown": "Unknown",
        "total": "Total",
    }
    sdg = tables["sdg_16_2_2"]
    victims = sdg.filter(_all_forms).select(
        pl.lit("Detected trafficking victims").alias("Indicator"),
        pl.when((pl.col("sex") == "total") & (pl.col("age_group") == "total"))
        .then(pl.lit("Total"))
        .otherwise(pl.lit("by sex and age"))
        .alias("Dimension"),
        pl.lit("Total").alias("Category"),
        pl.col("sex").replace_strict(sex).alias("Sex"),
        pl.col("age_group").replace_strict(age).alias("Age"),
        pl.col("year").alias("Year"),
        pl.col("victims").cast(pl.Utf8).alias("Value"),
    )
    unodc = tables["unodc_categories"]
    if "unodc_category" not in unodc.columns:  # withheld by disclosure control
        unodc = pl.DataFrame(
            schema={"unodc_category": pl.Utf8, "year": pl.Int32, "victims": pl.Utf8}
        )
    forms = unodc.select(
        pl.lit("Detected trafficking victims").alias("Indicator"),
        pl.lit("by form of exploitation").alias("Dimension"),
        pl.col("unodc_category").alias("Category"),
        pl.lit("Total").alias("Sex"),
        pl.lit("Total").alias("Age"),
        pl.col("year").alias("Year"),
        pl.col("victims").cast(pl.Utf8).alias("Value"),
    )
    justice = tables["criminal_justice_by_year"]
    persons = [
        justice.select(
            pl.lit(indicator).alias("Indicator"),
            pl.lit("Total").alias("Dimension"),
            pl.lit("Total").alias("Category"),
            pl.lit("Total").alias("Sex"),
            pl.lit("Total").alias("Age"),
            pl.col("year").alias("Year"),
            pl.col(column).cast(pl.Utf8).alias("Value"),
        )
        for indicator, column in (
            ("Persons prosecuted", "persons_sent_to_court"),
            ("Persons convicted", "persons_convicted_final"),
        )
    ]
    return pl.concat([victims, forms, *persons])


def _workbooks(tables: dict[str, pl.DataFrame], meta: pl.DataFrame) -> dict[str, dict[str, Sheet]]:
    """Sheet name -> (table name for the catalogue's title and units, rows)."""
    core = {name: tables[name] for name in CSV_TABLES}
    about = Sheet("metadata", meta)
    return {
        "greta.xlsx": {
            "victims_by_year": Sheet("victims_by_year", core["victims_by_year"]),
            "victims_by_form": Sheet("victims_by_form", core["victims_by_form"]),
            "victims_by_county": Sheet("victims_by_county", core["victims_by_county"]),
            "victims_by_country": Sheet(
                "victims_by_exploitation_country", core["victims_by_exploitation_country"]
            ),
            "criminal_justice": Sheet("criminal_justice_by_year", core["criminal_justice_by_year"]),
            "criminal_justice_by_offence": Sheet(
                "criminal_justice_by_offence_year", core["criminal_justice_by_offence_year"]
            ),
            "persons_by_status_sex": Sheet(
                "persons_by_legal_status_sex", core["persons_by_legal_status_sex"]
            ),
            "persons_by_status_citizen": Sheet(
                "persons_by_legal_status_citizenship", core["persons_by_legal_status_citizenship"]
            ),
            "sentences_by_length": Sheet("sentences_by_length", core["sentences_by_length"]),
            "court_outcomes": Sheet("court_outcomes", core["court_outcomes"]),
            "compensation": Sheet("compensation", core["compensation"]),
            "case_durations": Sheet("case_durations", core["case_durations"]),
            "victim_participation": Sheet("participation", tables["participation"]),
            "victims_by_citizenship": Sheet(
                "victims_by_citizenship_year", core["victims_by_citizenship_year"]
            ),
            "victims_by_form_sex_age": Sheet(
                "victims_by_form_sex_age", _form_sex_age(core["sdg_16_2_2"])
            ),
            "victims_assisted": Sheet("victims_assisted", tables["victims_assisted"]),
            "victims_by_county_year": Sheet(
                "victims_by_county_year", core["victims_by_county_year"]
            ),
            "victims_by_country_year": Sheet(
                "victims_by_exploitation_country_year",
                core["victims_by_exploitation_country_year"],
            ),
            "victims_by_form_year": Sheet("victims_by_form_year", core["victims_by_form_year"]),
            "metadata": about,
        },
        "tip_report.xlsx": {
            "victims_by_tip_category": Sheet("tip_categories", tables["tip_categories"]),
            "child_victims_by_sex": Sheet("tip_children", tables["tip_children"]),
            "victims_by_year": Sheet(
                "victims_by_year",
                core["victims_by_year"].select(
                    "year", "victims", "children", "foreign_citizens", "domestic", "transnational"
                ),
            ),
            "victims_assisted": Sheet("victims_assisted", tables["victims_assisted"]),
            "law_enforcement": Sheet("criminal_justice_by_year", core["criminal_justice_by_year"]),
            "law_enforcement_by_offence": Sheet(
                "criminal_justice_by_offence_year", core["criminal_justice_by_offence_year"]
            ),
            "persons_by_status_sex": Sheet(
                "persons_by_legal_status_sex", core["persons_by_legal_status_sex"]
            ),
            "offence_reclassification": Sheet(
                "offence_reclassification", core["offence_reclassification"]
            ),
            "sentences_by_length": Sheet("sentences_by_length", core["sentences_by_length"]),
            "case_durations": Sheet("case_durations", core["case_durations"]),
            "metadata": about,
        },
        "eurostat_thb.xlsx": {
            "victims_by_sex_age": Sheet("eurostat_sex_age", _eurostat_sex_age(core["sdg_16_2_2"])),
            "victims_by_form": Sheet("eurostat_categories", tables["eurostat_categories"]),
            "victims_by_citizenship": Sheet("citizenship_groups", tables["citizenship_groups"]),
            "persons_by_legal_status": Sheet(
                "legal_status", _legal_status(core["criminal_justice_by_year"])
            ),
            "persons_by_status_sex": Sheet(
                "persons_by_legal_status_sex", core["persons_by_legal_status_sex"]
            ),
            "persons_by_status_citizen": Sheet(
                "persons_by_legal_status_citizenship", core["persons_by_legal_status_citizenship"]
            ),
            "victims_by_status": Sheet("victims_by_status", core["victims_by_status"]),
            "metadata": about,
        },
        "unodc_glotip.xlsx": {
            "glotip": Sheet("glotip", _glotip(tables)),
            "sdg_16_2_2": Sheet("sdg_16_2_2", core["sdg_16_2_2"]),
            "metadata": about,
        },
    }


def _scorecard(quality: pl.DataFrame) -> pl.DataFrame:
    """The scorecard as a sheet: shares and other numbers in columns of their own, so each is
    shown in its format (a share as a percentage, days and counts as whole numbers)."""
    is_share = pl.col("unit") == "share"

    def split(column: str, name: str) -> list[pl.Expr]:
        return [
            pl.when(is_share).then(pl.col(column)).alias(f"share{name}"),
            pl.when(~is_share).then(pl.col(column)).alias(f"number{name}"),
        ]

    return quality.select(
        "source_agency",
        "period",
        "dimension",
        "measure",
        "rule",
        "status",
        *split("value", ""),
        "numerator",
        "denominator",
        "previous_period",
        "previous_status",
        *split("previous_value", "_previous"),
        *split("change", "_change"),
    )


def _measures(quality: pl.DataFrame) -> pl.DataFrame:
    """Each measure's definition and thresholds (as text: they are shares, days or counts)."""
    return (
        quality.select(
            "dimension",
            "measure",
            "unit",
            "better",
            pl.col("green_threshold").cast(pl.Utf8),
            pl.col("amber_threshold").cast(pl.Utf8),
            "definition",
        )
        .unique()
        .sort("dimension", "measure")
    )


def _internal_workbooks(
    tables: dict[str, pl.DataFrame], meta: pl.DataFrame
) -> dict[str, dict[str, Sheet]]:
    quality = tables["data_quality"]
    return {
        "data_quality.xlsx": {
            "scorecard": Sheet("data_quality", _scorecard(quality)),
            "measures": Sheet("data_quality_measures", _measures(quality)),
            "metadata": Sheet("metadata", meta),
        },
        "assistance_programme.xlsx": {
            "assistance_programme": Sheet("assistance_programme", tables["assistance_programme"]),
            "court_regions": Sheet("assistance_court_regions", tables["assistance_court_regions"]),
            "metadata": Sheet("metadata", meta),
        },
    }


def stage(out: Path, writers: dict[str, Callable[[Path], None]], target: Path) -> list[str]:
    """Write every file into a temporary folder, then move them into `target` together."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tables-", dir=out))
    try:
        for name, write in writers.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            write(staging / name)
        for name in writers:
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).replace(target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(writers)


def _write_csv(frame: pl.DataFrame, path: Path) -> None:
    frame.write_csv(path)


def _write_text(text: str, path: Path) -> None:
    path.write_text(text, encoding="utf-8")


def _sdmx_writers(
    tables: dict[str, pl.DataFrame], public: bool
) -> dict[str, Callable[[Path], None]]:
    """SDMX-CSV files of the Eurostat and SDG tables in `sdmx/`, with a note on their codes."""
    sources = {**tables, "legal_status": _legal_status(tables["criminal_justice_by_year"])}
    writers: dict[str, Callable[[Path], None]] = {
        f"{sdmx.FOLDER}/{name}": partial(_write_csv, frame)
        for name, frame in sdmx.files(sources, public).items()
    }
    writers[f"{sdmx.FOLDER}/README.md"] = partial(_write_text, sdmx.CODES_NOTE)
    return writers


def write_tables(
    warehouse: Path, year_from: int, year_to: int, out: Path, fmt: Format, publish_: bool
) -> TablesReport:
    """Write the standard tables of [year_from, year_to]; raises DisclosureError when blocked
    and EmptyPeriodError when no table has data for those years."""
    period = Period(year_from, year_to)
    with closing(queries.connect_read_only(warehouse)) as con:
        tables = _read(con, period)
        extracts = queries.extracts_used(con)
        breaks = queries.series_breaks(con, period)
        labels = queries.code_labels(con)
    if all(tables[name].is_empty() for name in CSV_TABLES):
        raise EmptyPeriodError(f"no data for {period.label}: no tables written")
    if publish_:
        tables = _protect(tables)
    disclosure = (
        [*PUBLIC_NOTES, publish.ESTIMATE_RULE, *disclosure_rules(sdc_rules or "")]
        if publish_
        else ["none (internal tables)"]
    )
    meta = metadata(period.label, extracts, breaks, disclosure)
    writers: dict[str, Callable[[Path], None]] = {}
    internal = not publish_ and "data_quality" in tables
    csv_tables = (*CSV_TABLES, *INTERNAL_CSV_TABLES) if internal else CSV_TABLES
    if fmt in ("csv", "both"):
        for name in csv_tables:
            writers[f"{name}.csv"] = partial(_write_csv, tables[name])
        writers.update(_sdmx_writers(tables, publish_))
    if fmt in ("xlsx", "both"):
        stamp = creation_date(extracts)
        workbooks = _workbooks(tables, meta)
        if internal:
            workbooks.update(_internal_workbooks(tables, meta))
        for name, sheets in workbooks.items():
            writers[name] = partial(
                write_workbook, sheets=sheets, created=stamp, labels=labels, period=period.label
            )
    target = out / "public" if publish_ else out
    return TablesReport(target, stage(out, writers, target), publish_)
