"""SDMX-CSV files of the Eurostat and SDG tables, to load without retyping.

SDMX-CSV (version 1, for SDMX 2.1): one row per observation; the first column DATAFLOW
names the dataflow as AGENCY:ID(VERSION), then one column per dimension in the order of the
data structure, TIME_PERIOD, OBS_VALUE and the attributes. A hidden cell of the public
release has an empty OBS_VALUE, OBS_STATUS `Q` and CONF_STATUS `C` (`<10`) or `D` (`[c]`,
hidden to protect another cell); an unknown value (no extract covers it) has an empty
OBS_VALUE and OBS_STATUS `O`. Every code is in one of the mappings below; CODES_NOTE (written
beside the files as README.md) says which were checked against a published source and which
are inferred, so that they can be corrected in one place.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from pipelines.reporting import sdc

FOLDER = "sdmx"
FREQ = "A"
GEO = "RO"  # Eurostat geo (ISO alpha-2 except EL/UK)
REF_AREA = "642"  # UN M49 code of Romania, used by the SDG database

EUROSTAT_SEX = {"F": "F", "M": "M", "U": "UNK", "total": "T"}
EUROSTAT_AGE = {"child": "Y_LT18", "adult": "Y_GE18", "unknown": "UNK", "total": "TOTAL"}
EUROSTAT_FORM = {"sexual": "SEXUAL", "labour": "LABOUR", "other": "OTH", "unknown": "UNK"}
EUROSTAT_CITIZEN = {
    "reporting_country": "NAT",
    "other_eu": "EU_FOR",
    "non_eu": "NEU_FOR",
    "unknown": "UNK",
}
EUROSTAT_LEGAL_STATUS = {"suspected": "PER_SUSP", "prosecuted": "PER_PRSC", "convicted": "PER_CNV"}

SDG_DATAFLOW = "IAEG-SDGs:DF_SDG_GLH(1.26)"
SDG_SEX = {"F": "F", "M": "M", "total": "_T"}  # unknown sex has no code: it is in _T only
SDG_AGE = {"child": "Y0T17", "adult": "Y_GE18", "total": "_T"}
SDG_BREAKDOWNS = (  # the DSD's dimensions after AGE; not broken down here
    "URBANISATION",
    "INCOME_WEALTH_QUANTILE",
    "EDUCATION_LEV",
    "OCCUPATION",
    "CUST_BREAKDOWN",
    "COMPOSITE_BREAKDOWN",
    "DISABILITY_STATUS",
    "ACTIVITY",
    "PRODUCT",
)
# SDG form -> (series of the number, series of the rate per 100,000).
SDG_SERIES = {
    "total": ("VC_HTF_DETV", "VC_HTF_DETVR"),
    "sexual_exploitation": ("VC_HTF_DETVSX", "VC_HTF_DETVSXR"),
    "forced_labour": ("VC_HTF_DETVFL", "VC_HTF_DETVFLR"),
    "organ_removal": ("VC_HTF_DETVOG", "VC_HTF_DETVOGR"),
    "other_purposes": ("VC_HTF_DETVOP", "VC_HTF_DETVOPR"),
}
# Until sdg_16_2_2 carries its own `sdg_form` column (the codelist seed's crosswalk), the
# project forms are grouped here; `sdg_form_rows` switches to the column when it is there.
SDG_FORM_OF = {
    "sexual": "sexual_exploitation",
    "child_sexual_abuse_material": "sexual_exploitation",
    "labour": "forced_labour",
    "domestic_servitude": "forced_labour",
    "organ_removal": "organ_removal",
    "begging": "other_purposes",
    "criminal_activities": "other_purposes",
    "forced_marriage": "other_purposes",
    "other": "other_purposes",
}

OBS_NORMAL, OBS_SUPPRESSED, OBS_MISSING = "A", "Q", "O"
CONF_OF_MARK = {sdc.PRIMARY_MARK: "C", sdc.SECONDARY_MARK: "D"}

CODES_NOTE = """\
# SDMX-CSV files

SDMX-CSV version 1: DATAFLOW, the dimensions, TIME_PERIOD, OBS_VALUE, OBS_STATUS, CONF_STATUS.
Codes come from `pipelines/reporting/sdmx.py`, the one place to correct them.

- crim_thb_vsage.csv, ESTAT:CRIM_THB_VSAGE(1.0): registered victims by sex and age, unit NR
  (number) and P_MIO (per million inhabitants).
- crim_thb_vexp.csv, ESTAT:CRIM_THB_VEXP(1.0): registered victims by sex and form, NR.
- crim_thb_vctz.csv, ESTAT:CRIM_THB_VCTZ(1.0): registered victims by citizenship group, NR.
- crim_thb_legal_status.csv, ESTAT:CRIM_THB_SEX(1.0): persons suspected, prosecuted and
  convicted, NR.
- sdg_16_2_2.csv, IAEG-SDGs:DF_SDG_GLH(1.26): SDG 16.2.2, series VC_HTF_DETV (number) and
  VC_HTF_DETVR (per 100,000); by form VC_HTF_DETVSX, ...FL, ...OG, ...OP and their ...R rates.

## Verified (seen in published Eurostat / UN data or in public code that queries them)

- Eurostat dataset codes crim_thb_vsage and crim_thb_vexp (Eurostat news, EIGE metadata).
- Eurostat dimension names freq, unit, sex, age, geo and the codes A, NR, F, M, T, TOTAL, UNK,
  Y_LT18, Y_GE18, geo RO (demo_pjan and other Eurostat datasets use the same code lists).
- The SDG dataflow IAEG-SDGs:DF_SDG_GLH and its key: FREQ, REPORTING_TYPE, SERIES, REF_AREA,
  SEX, AGE, then 9 further breakdown dimensions (15 in all); REF_AREA as the M49 number
  (Romania 642); `_T` for the total of SEX and AGE; the series VC_HTF_DETV, VC_HTF_DETVSX,
  VC_HTF_DETVFL, VC_HTF_DETVOG, VC_HTF_DETVOP (numbers) and VC_HTF_DETVR, ...SXR, ...FLR,
  ...OGR, ...OPR (per 100,000).

## Inferred (not checked against the data structure definitions; check before submitting)

- The dataflow ids of the citizenship and legal-status tables (CRIM_THB_VCTZ, CRIM_THB_SEX),
  the versions (1.0 for Eurostat; 1.26 for DF_SDG_GLH, the latest version seen), and the
  order of the Eurostat dimensions.
- The Eurostat dimension and codes for the form of exploitation (expl: SEXUAL, LABOUR, OTH,
  UNK), citizenship (citizen: NAT, EU_FOR, NEU_FOR, UNK), legal status (leg_stat: PER_SUSP,
  PER_PRSC, PER_CNV, as in Eurostat's crim_just tables) and unit P_MIO.
- The SDG codes F and M for SEX, Y0T17 and Y_GE18 for AGE, REPORTING_TYPE N (national data),
  the names of the 9 breakdown dimensions after AGE and `_T` in each, UNIT_MEASURE NUMBER and
  PER_100000_POP.
- OBS_STATUS (A normal, Q suppressed, O missing) and CONF_STATUS (C primary, D secondary
  confidentiality) from the SDMX cross-domain code lists.

Unknown sex or age has no SDG code: those victims are in the `_T` totals only. Rates are
given only where there is a population (not for unknown sex or age). In the public release
a hidden cell has an empty OBS_VALUE with OBS_STATUS Q and CONF_STATUS C (`<10`) or D (`[c]`);
the published counts are the rounded ones, and the rates are computed from them. A table
withheld by disclosure control has no file.
"""


@dataclass(frozen=True)
class Observations:
    """Rows of one SDMX-CSV file before the value columns are filled in."""

    dataflow: str
    dimensions: Sequence[str]
    frame: pl.DataFrame  # the dimension columns, TIME_PERIOD and `value` (number or marker)


def _observations(obs: Observations) -> pl.DataFrame:
    """OBS_VALUE, OBS_STATUS and CONF_STATUS from the value: a number, a marker or null."""
    text = pl.col("value").cast(pl.Utf8)
    marker = text.is_in(list(CONF_OF_MARK))
    return obs.frame.select(
        pl.lit(obs.dataflow).alias("DATAFLOW"),
        *obs.dimensions,
        pl.col("TIME_PERIOD").cast(pl.Utf8),
        pl.when(marker).then(None).otherwise(text).alias("OBS_VALUE"),
        pl.when(marker)
        .then(pl.lit(OBS_SUPPRESSED))
        .when(text.is_null())
        .then(pl.lit(OBS_MISSING))
        .otherwise(pl.lit(OBS_NORMAL))
        .alias("OBS_STATUS"),
        text.replace_strict(CONF_OF_MARK, default=None).alias("CONF_STATUS"),
    )


def _number(column: str) -> pl.Expr:
    return pl.col(column).cast(pl.Utf8).cast(pl.Float64, strict=False)


def _hidden_or(value: pl.Expr, count: str) -> pl.Expr:
    """A rate of a hidden count carries the count's marker, so it is flagged the same way."""
    marked = pl.col(count).cast(pl.Utf8).is_in(list(CONF_OF_MARK))
    return pl.when(marked).then(pl.col(count).cast(pl.Utf8)).otherwise(value.cast(pl.Utf8))


def _eurostat(frame: pl.DataFrame, dataflow: str, dims: Mapping[str, pl.Expr]) -> Observations:
    shaped = frame.select(
        pl.lit(FREQ).alias("freq"),
        *[expr.alias(name) for name, expr in dims.items()],
        pl.lit(GEO).alias("geo"),
        pl.col("year").alias("TIME_PERIOD"),
        "value",
    )
    return Observations(dataflow, ["freq", *dims, "geo"], shaped)


def crim_thb_vsage(sdg: pl.DataFrame) -> Observations:
    """Victims by sex and age: the number, and per million inhabitants where the group has a
    population (none for unknown sex or age)."""
    totals = sdg.filter(pl.col("exploitation_form") == "total")
    if "sdg_form" in totals.columns:
        totals = totals.filter(pl.col("sdg_form") == "total")
    counts = totals.with_columns(pl.lit("NR").alias("unit"), pl.col("victims").alias("value"))
    per_million = totals.filter(pl.col("population").is_not_null()).with_columns(
        pl.lit("P_MIO").alias("unit"),
        _hidden_or(
            (_number("victims") * 1_000_000 / pl.col("population")).round(3), "victims"
        ).alias("value"),
    )
    both = pl.concat([counts, per_million], how="diagonal_relaxed")
    dims = {
        "unit": pl.col("unit"),
        "sex": pl.col("sex").replace_strict(EUROSTAT_SEX),
        "age": pl.col("age_group").replace_strict(EUROSTAT_AGE),
    }
    return _eurostat(
        both.with_columns(pl.col("value").cast(pl.Utf8)), "ESTAT:CRIM_THB_VSAGE(1.0)", dims
    )


def crim_thb_vexp(categories: pl.DataFrame) -> Observations:
    dims = {
        "unit": pl.lit("NR"),
        "sex": pl.col("sex").replace_strict(EUROSTAT_SEX),
        "expl": pl.col("eurostat_category").replace_strict(EUROSTAT_FORM),
    }
    frame = categories.with_columns(pl.col("victims").alias("value"))
    return _eurostat(frame, "ESTAT:CRIM_THB_VEXP(1.0)", dims)


def crim_thb_vctz(groups: pl.DataFrame) -> Observations:
    dims = {
        "unit": pl.lit("NR"),
        "citizen": pl.col("citizenship_group").replace_strict(EUROSTAT_CITIZEN),
    }
    frame = groups.with_columns(pl.col("victims").alias("value"))
    return _eurostat(frame, "ESTAT:CRIM_THB_VCTZ(1.0)", dims)


def crim_thb_legal_status(status: pl.DataFrame) -> Observations:
    """Persons by legal status (year, suspected, prosecuted, convicted), all sexes."""
    columns = list(EUROSTAT_LEGAL_STATUS)
    long = status.select("year", *[pl.col(c).cast(pl.Utf8) for c in columns]).unpivot(
        on=columns, index="year", variable_name="leg_stat", value_name="value"
    )
    dims = {
        "unit": pl.lit("NR"),
        "leg_stat": pl.col("leg_stat").replace_strict(EUROSTAT_LEGAL_STATUS),
        "sex": pl.lit("T"),
    }
    return _eurostat(long, "ESTAT:CRIM_THB_SEX(1.0)", dims)


def sdg_form_rows(sdg: pl.DataFrame, public: bool) -> pl.DataFrame:
    """(year, sex, age_group, sdg_form, victims, population): the UN series rows.

    With the table's own `sdg_form` column these are its rows with exploitation_form
    `total`. Without it, the crosswalk above groups the project forms; a public table's
    published cells cannot be summed (rounded, some hidden), so only the total is given."""
    columns = ["year", "sex", "age_group", "sdg_form", "victims", "population"]
    if "sdg_form" in sdg.columns:
        return sdg.filter(pl.col("exploitation_form") == "total").select(columns)
    total = sdg.filter(pl.col("exploitation_form") == "total").with_columns(
        pl.lit("total").alias("sdg_form")
    )
    if public:
        return total.select(columns)
    forms = (
        sdg.filter(pl.col("exploitation_form").is_in(list(SDG_FORM_OF)))
        .with_columns(pl.col("exploitation_form").replace_strict(SDG_FORM_OF).alias("sdg_form"))
        .group_by("year", "sex", "age_group", "sdg_form")
        .agg(pl.col("victims").sum(), pl.col("population").first())
    )
    return pl.concat([total.select(columns), forms.select(columns)], how="vertical_relaxed")


def sdg_16_2_2(sdg: pl.DataFrame, public: bool) -> Observations:
    """The number (series VC_HTF_DETV...) and the rate per 100,000 (VC_HTF_DETV...R) of
    detected victims, by sex and age; unknown sex or age only in the totals."""
    rows = sdg_form_rows(sdg, public).filter(
        pl.col("sex").is_in(list(SDG_SEX))
        & pl.col("age_group").is_in(list(SDG_AGE))
        & pl.col("sdg_form").is_in(list(SDG_SERIES))
    )
    number = {form: series[0] for form, series in SDG_SERIES.items()}
    rate = {form: series[1] for form, series in SDG_SERIES.items()}
    counts = rows.select(
        pl.col("sdg_form").replace_strict(number).alias("SERIES"),
        "year",
        "sex",
        "age_group",
        pl.col("victims").cast(pl.Utf8).alias("value"),
        pl.lit("NUMBER").alias("UNIT_MEASURE"),
    )
    rates = rows.filter(pl.col("population").is_not_null()).select(
        pl.col("sdg_form").replace_strict(rate).alias("SERIES"),
        "year",
        "sex",
        "age_group",
        _hidden_or((_number("victims") * 100_000 / pl.col("population")).round(6), "victims")
        .cast(pl.Utf8)
        .alias("value"),
        pl.lit("PER_100000_POP").alias("UNIT_MEASURE"),
    )
    shaped = (
        pl.concat([counts, rates])
        .select(
            pl.lit(FREQ).alias("FREQ"),
            pl.lit("N").alias("REPORTING_TYPE"),
            "SERIES",
            pl.lit(REF_AREA).alias("REF_AREA"),
            pl.col("sex").replace_strict(SDG_SEX).alias("SEX"),
            pl.col("age_group").replace_strict(SDG_AGE).alias("AGE"),
            *[pl.lit("_T").alias(name) for name in SDG_BREAKDOWNS],
            pl.col("year").alias("TIME_PERIOD"),
            "value",
            "UNIT_MEASURE",
        )
        .sort("SERIES", "SEX", "AGE", "TIME_PERIOD")
    )
    dims = ["FREQ", "REPORTING_TYPE", "SERIES", "REF_AREA", "SEX", "AGE", *SDG_BREAKDOWNS]
    return Observations(SDG_DATAFLOW, dims, shaped)


def sdmx_csv(obs: Observations) -> pl.DataFrame:
    """The file's rows: the dataflow, dimensions, TIME_PERIOD, OBS_VALUE and attributes."""
    out = _observations(obs)
    if "UNIT_MEASURE" in obs.frame.columns:
        out = out.with_columns(obs.frame["UNIT_MEASURE"])
    return out


def files(tables: Mapping[str, pl.DataFrame], public: bool) -> dict[str, pl.DataFrame]:
    """File name -> rows, for the tables that are released (a withheld one has no file)."""
    builders: dict[str, Callable[[], Observations]] = {
        "crim_thb_vsage.csv": lambda: crim_thb_vsage(tables["sdg_16_2_2"]),
        "crim_thb_vexp.csv": lambda: crim_thb_vexp(tables["eurostat_categories"]),
        "crim_thb_vctz.csv": lambda: crim_thb_vctz(tables["citizenship_groups"]),
        "crim_thb_legal_status.csv": lambda: crim_thb_legal_status(tables["legal_status"]),
        "sdg_16_2_2.csv": lambda: sdg_16_2_2(tables["sdg_16_2_2"], public),
    }
    sources = {
        "crim_thb_vexp.csv": "eurostat_categories",
        "crim_thb_vctz.csv": "citizenship_groups",
    }
    return {
        name: sdmx_csv(build())
        for name, build in builders.items()
        if "note" not in tables[sources.get(name, "sdg_16_2_2")].columns
    }
