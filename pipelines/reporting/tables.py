"""`tipstats tables`: the standard tables for a period, as CSV and/or the four workbooks.

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

from pipelines.reporting import publish, queries, sdc
from pipelines.reporting.queries import Period
from pipelines.reporting.sdc import __doc__ as sdc_rules
from pipelines.reporting.workbooks import creation_date, metadata, write_workbook

Format = Literal["csv", "xlsx", "both"]
CSV_TABLES = (
    "victims_by_year",
    "victims_by_county",
    "victims_by_exploitation_country",
    "victims_by_form",
    "sdg_16_2_2",
    "criminal_justice_by_year",
    "criminal_justice_by_offence_year",
    "offence_reclassification",
    "persons_by_legal_status_sex",
    "persons_by_legal_status_citizenship",
    "sentences_by_length",
    "court_outcomes",
    "compensation",
    "case_durations",
)


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
    return {
        "victims_by_year": queries.victims_by_year(con, period),
        "victims_by_county": queries.victims_by_county(con, period),
        "victims_by_exploitation_country": queries.victims_by_exploitation_country(con, period),
        "victims_by_form": queries.victims_by_form(con, period),
        "sdg_16_2_2": queries.sdg_16_2_2(con, period),
        "criminal_justice_by_year": queries.criminal_justice_by_year(con, period),
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
        "amount_concentration": queries.read_mart(con, "rpt_amount_concentration_by_year", period),
        "tip_categories": queries.read_mart(con, "rpt_victims_by_tip_category_year", period),
        "eurostat_categories": queries.read_mart(
            con, "rpt_victims_by_eurostat_category_year", period
        ),
        "citizenship_groups": queries.read_mart(
            con, "rpt_victims_by_citizenship_group_year", period
        ),
        "participation": queries.read_mart(con, "rpt_victim_participation_by_year", period),
    }


WITHHELD = pl.DataFrame(
    {
        "note": [
            "withheld by disclosure control: publishing it would disclose "
            "small counts through totals that other tables publish"
        ]
    }
)


def _family_table(protect: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    """A workbook-only table that cannot be protected is withheld, not the whole release."""
    try:
        return protect().drop("status")
    except sdc.DisclosureError:
        return WITHHELD


def _participation_protected(frame: pl.DataFrame) -> pl.DataFrame:
    """Long form (year, participation, victims): the three groups add up to the year's victims."""
    long = frame.select(
        "year", "participating", "not_participating", "participation_unknown"
    ).unpivot(
        on=["participating", "not_participating", "participation_unknown"],
        index="year",
        variable_name="participation",
        value_name="victims",
    )
    return publish.protect_long(
        long, ["year", "participation"], "victims", "participation", ["participation"]
    )


def _protect(tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    """The public variant of every table; a core (CSV) table that cannot be protected blocks."""
    national = int(tables["victims_by_year"]["victims"].sum())
    tip = tables["tip_categories"]

    def tip_protected() -> pl.DataFrame:
        columns = [
            publish.protect_long(
                tip.select("year", "tip_category", column),
                ["year", "tip_category"],
                column,
                "tip",
                ["tip_category"],
            )
            for column in ("victims", "children", "foreign_citizens")
        ]
        return columns[0].with_columns(columns[1]["children"], columns[2]["foreign_citizens"])

    return {
        "victims_by_year": publish.victims_by_year(tables["victims_by_year"]),
        "victims_by_county": publish.victims_by_county(
            tables["victims_by_county"], national, tables["victims_by_year"].height
        ),
        "victims_by_exploitation_country": publish.protect_long(
            tables["victims_by_exploitation_country"], ["country_code"], "victims", "countries"
        ).drop("status"),
        "victims_by_form": publish.victims_by_form(tables["victims_by_form"]),
        "sdg_16_2_2": publish.sdg_16_2_2(tables["sdg_16_2_2"]),
        "criminal_justice_by_year": publish.criminal_justice_by_year(
            tables["criminal_justice_by_year"], tables["amount_concentration"]
        ),
        "criminal_justice_by_offence_year": publish.criminal_justice_by_offence_year(
            tables["criminal_justice_by_offence_year"]
        ),
        "offence_reclassification": publish.protect_long(
            tables["offence_reclassification"],
            ["year", "charged_offence", "convicted_offence"],
            "persons",
            "offence_reclassification",
        ).drop("status"),
        # Cell by cell for now: these add up to criminal_justice_by_year's published columns, a
        # relation across tables the joint protection models.
        "persons_by_legal_status_sex": publish.protect_long(
            tables["persons_by_legal_status_sex"],
            ["year", "legal_status", "sex"],
            "persons",
            "persons_by_legal_status_sex",
        ).drop("status"),
        "persons_by_legal_status_citizenship": publish.protect_long(
            tables["persons_by_legal_status_citizenship"],
            ["year", "legal_status", "citizenship_code"],
            "persons",
            "persons_by_legal_status_citizenship",
        ).drop("status"),
        "sentences_by_length": publish.per_column(
            tables["sentences_by_length"],
            ["year", "sentence_band"],
            ["persons", "custodial", "suspended", "below_statutory_minimum", "minimum_unknown"],
            "sentences_by_length",
        ),
        "court_outcomes": publish.per_column(
            tables["court_outcomes"], ["year", "decision"], ["persons"], "court_outcomes"
        ),
        "compensation": publish.compensation(
            tables["compensation"], tables["amount_concentration"]
        ),
        "case_durations": publish.case_durations(tables["case_durations"]),
        "tip_categories": _family_table(tip_protected),
        "eurostat_categories": _family_table(
            lambda: publish.protect_long(
                tables["eurostat_categories"],
                ["year", "sex", "eurostat_category"],
                "victims",
                "eurostat",
                ["eurostat_category"],
            )
        ),
        "participation": _family_table(lambda: _participation_protected(tables["participation"])),
        "citizenship_groups": _family_table(
            lambda: publish.protect_long(
                tables["citizenship_groups"],
                ["year", "citizenship_group"],
                "victims",
                "citizenship",
                ["citizenship_group"],
            )
        ),
    }


def _number(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Utf8).cast(pl.Int64, strict=False)


def _eurostat_sex_age(sdg: pl.DataFrame) -> pl.DataFrame:
    """Eurostat crim_thb_vsage: victims by sex and age, per million inhabitants."""
    return sdg.filter(pl.col("exploitation_form") == "total").select(
        "year",
        "sex",
        "age_group",
        "victims",
        "population",
        (_number("victims") * 1_000_000 / pl.col("population")).round(3).alias("per_million"),
    )


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
    victims = sdg.filter(pl.col("exploitation_form") == "total").select(
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
    forms = sdg.filter(
        (pl.col("exploitation_form") != "total")
        & (pl.col("sex") == "total")
        & (pl.col("age_group") == "total")
    ).select(
        pl.lit("Detected trafficking victims").alias("Indicator"),
        pl.lit("by form of exploitation").alias("Dimension"),
        pl.col("exploitation_form").alias("Category"),
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


def _workbooks(
    tables: dict[str, pl.DataFrame], meta: pl.DataFrame
) -> dict[str, dict[str, pl.DataFrame]]:
    core = {name: tables[name] for name in CSV_TABLES}
    return {
        "greta.xlsx": {
            "victims_by_year": core["victims_by_year"],
            "victims_by_form": core["victims_by_form"],
            "victims_by_county": core["victims_by_county"],
            "victims_by_country": core["victims_by_exploitation_country"],
            "criminal_justice": core["criminal_justice_by_year"],
            "criminal_justice_by_offence": core["criminal_justice_by_offence_year"],
            "persons_by_status_sex": core["persons_by_legal_status_sex"],
            "persons_by_status_citizen": core["persons_by_legal_status_citizenship"],
            "sentences_by_length": core["sentences_by_length"],
            "court_outcomes": core["court_outcomes"],
            "compensation": core["compensation"],
            "case_durations": core["case_durations"],
            "victim_participation": tables["participation"],
            "metadata": meta,
        },
        "tip_report.xlsx": {
            "victims_by_tip_category": tables["tip_categories"],
            "victims_by_year": core["victims_by_year"].select(
                "year", "victims", "children", "foreign_citizens", "domestic", "transnational"
            ),
            "law_enforcement": core["criminal_justice_by_year"],
            "law_enforcement_by_offence": core["criminal_justice_by_offence_year"],
            "persons_by_status_sex": core["persons_by_legal_status_sex"],
            "offence_reclassification": core["offence_reclassification"],
            "sentences_by_length": core["sentences_by_length"],
            "case_durations": core["case_durations"],
            "metadata": meta,
        },
        "eurostat_thb.xlsx": {
            "victims_by_sex_age": _eurostat_sex_age(core["sdg_16_2_2"]),
            "victims_by_form": tables["eurostat_categories"],
            "victims_by_citizenship": tables["citizenship_groups"],
            "persons_by_legal_status": _legal_status(core["criminal_justice_by_year"]),
            "persons_by_status_sex": core["persons_by_legal_status_sex"],
            "persons_by_status_citizen": core["persons_by_legal_status_citizenship"],
            "metadata": meta,
        },
        "unodc_glotip.xlsx": {
            "glotip": _glotip(core),
            "sdg_16_2_2": core["sdg_16_2_2"],
            "metadata": meta,
        },
    }


def _stage(out: Path, writers: dict[str, Callable[[Path], None]], target: Path) -> list[str]:
    """Write every file into a temporary folder, then move them into `target` together."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".tables-", dir=out))
    try:
        for name, write in writers.items():
            write(staging / name)
        target.mkdir(parents=True, exist_ok=True)
        for name in writers:
            (staging / name).replace(target / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return sorted(writers)


def _write_csv(frame: pl.DataFrame, path: Path) -> None:
    frame.write_csv(path)


def write_tables(
    warehouse: Path, year_from: int, year_to: int, out: Path, fmt: Format, publish_: bool
) -> TablesReport:
    """Write the standard tables of [year_from, year_to]; raises DisclosureError when blocked."""
    period = Period(year_from, year_to)
    with closing(queries.connect_read_only(warehouse)) as con:
        tables = _read(con, period)
        extracts = queries.extracts_used(con)
        breaks = queries.series_breaks(con, period)
    if publish_:
        tables = _protect(tables)
    disclosure = (sdc_rules or "").split("\n\n")[1] if publish_ else "none (internal tables)"
    meta = metadata(period.label, extracts, breaks, disclosure)
    writers: dict[str, Callable[[Path], None]] = {}
    if fmt in ("csv", "both"):
        for name in CSV_TABLES:
            writers[f"{name}.csv"] = partial(_write_csv, tables[name])
    if fmt in ("xlsx", "both"):
        stamp = creation_date(extracts)
        for name, sheets in _workbooks(tables, meta).items():
            writers[name] = partial(write_workbook, sheets=sheets, created=stamp)
    target = out / "public" if publish_ else out
    return TablesReport(target, _stage(out, writers, target), publish_)
