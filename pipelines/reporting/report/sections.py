"""The report's sections: each one is a function of the `Context` returning a `Section`.

A section reads the standard tables (`tables.release`: the protected public release with
`public`) or a mart, draws its chart, lays out its table(s) with a `Trace` on every number,
and ends with its note (mart and query, counting rule, extracts used). A section built on a
mart outside the protected release is withheld in the public report (`withheld`).
`mart_table` lays out any yearly mart as a traced table in one call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import duckdb
import polars as pl

from pipelines.reporting import queries
from pipelines.reporting.queries import Period
from pipelines.reporting.report import cells, charts, countymap
from pipelines.reporting.report.cells import Cell, Trace

VICTIM_SOURCES = ("anitp",)
JUSTICE_SOURCES = ("politie", "diicot", "instante")
ALL_SOURCES = ("anitp", "politie", "diicot", "instante", "ong")
MSE_MART = "rpt_mse_estimates"


@dataclass(frozen=True)
class Table:
    caption: str
    header: Sequence[str]
    rows: Sequence[Sequence[Cell]]


@dataclass(frozen=True)
class Section:
    anchor: str
    title: str
    intro: str = ""
    figure: str | None = None  # inline SVG
    tables: Sequence[Table] = ()
    notes: Sequence[str] = ()
    beside: bool = False  # the first table beside the figure (the map)
    classes: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class Context:
    con: duckdb.DuckDBPyConnection
    period: Period
    public: bool
    tables: dict[str, pl.DataFrame]  # the standard tables (protected when public)
    labels: dict[str, dict[str, str]]
    extracts: pl.DataFrame  # rpt_extracts_used, latest extract of each (agency, period)

    def trace(
        self,
        mart: str,
        expr: str,
        key: dict[str, cells.KeyValue],
        table: str,
        column: str | None = None,
    ) -> Trace:
        """Where a value of standard table `table` (its `column`, else `expr`) comes from; and
        its public file when public."""
        if not self.public:
            return Trace(mart, expr, key)
        return Trace(mart, expr, key, f"public/{table}.csv", column or expr)

    def years(self) -> list[int]:
        return list(range(self.period.first, self.period.last + 1))

    def label(self, codelist: str, code: str) -> str:
        return self.labels.get(codelist, {}).get(code, code)

    def note(self, mart: str, query: str, agencies: Sequence[str], table: str | None) -> list[str]:
        """Mart and query, counting rule (the mart's description), extracts used, disclosure."""
        lines = [f"Source: marts.{mart}, read by {query}."]
        lines.append(f"Counting rule: {describe(self.con, mart)}")
        lines.append(f"Extracts used: {self.extracts_summary(agencies)}")
        if self.public and table:
            lines.append(
                f"Disclosure control: the protected public table {table} (the same as the "
                "public workbooks); <10 and [c] are explained at the top of the report."
            )
        return lines

    def extracts_summary(self, agencies: Sequence[str]) -> str:
        parts = []
        for agency in agencies:
            mine = self.extracts.filter(pl.col("source_agency") == agency)
            if mine.is_empty():
                parts.append(f"{agency}: none")
                continue
            periods = mine["period"].sort().to_list()
            dates = mine["extract_date"].sort().cast(pl.Utf8).to_list()
            parts.append(
                f"{agency}: {mine.height} extracts for {periods[0]}–{periods[-1]} "
                f"(extract dates {dates[0]} to {dates[-1]})"
            )
        return "; ".join(parts) + "; the files are listed under Sources."


def describe(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """The mart's description (dbt docs, persisted as the table's comment)."""
    found = con.sql(
        "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?",
        params=[mart],
    ).fetchall()
    return str(found[0][0]).strip() if found and found[0][0] else "(no description)"


def mart_exists(con: duckdb.DuckDBPyConnection, mart: str) -> bool:
    found = con.sql(
        "SELECT count(*) FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = ?",
        params=[mart],
    ).fetchall()
    return bool(found[0][0])


def withheld(anchor: str, title: str, why: str) -> Section:
    return Section(anchor, title, intro=why, classes=("withheld",))


def _rows(frame: pl.DataFrame, **key: object) -> dict[str, object] | None:
    found = frame.filter(*(pl.col(c) == v for c, v in key.items()))
    return found.row(0, named=True) if found.height else None


# --- headline -------------------------------------------------------------------------------


def headline(ctx: Context) -> Section:
    last, before = ctx.period.last, ctx.period.last - 1
    victims = ctx.tables["victims_by_year"]
    justice = ctx.tables["criminal_justice_by_year"]
    rows: list[list[Cell]] = []

    def counted(label: str, frame: pl.DataFrame, mart: str, table: str, column: str) -> None:
        shown = [
            cells.count(
                (_rows(frame, year=y) or {}).get(column),
                ctx.trace(mart, column, {"year": y}, table),
            )
            for y in (last, before)
        ]
        rows.append(
            [cells.text(label), *shown, cells.change(shown[0].value, shown[1].value, False)]
        )

    def shared(label: str, part: str, whole: str) -> None:
        shown = []
        for year in (last, before):
            row = _rows(victims, year=year) or {}
            # a share is no column of the public table: computed from its published counts
            trace = replace(
                ctx.trace(
                    "rpt_victims_by_year", f"{part} / {whole}", {"year": year}, "victims_by_year"
                ),
                column=None,
            )
            shown.append(
                cells.share(
                    cells.number(row.get(part)),
                    cells.number(row.get(whole)),
                    trace,
                    f"{part} / {whole}",
                )
            )
        rows.append([cells.text(label), *shown, cells.change(shown[0].value, shown[1].value, True)])

    counted("Victims identified", victims, "rpt_victims_by_year", "victims_by_year", "victims")
    shared("Share of children", "children", "victims")
    shared("Domestic share (exploited in Romania)", "domestic", "victims")
    counted(
        "Persons sent to court",
        justice,
        "rpt_criminal_justice_by_year",
        "criminal_justice_by_year",
        "persons_sent_to_court",
    )
    counted(
        "Final convictions (persons)",
        justice,
        "rpt_criminal_justice_by_year",
        "criminal_justice_by_year",
        "persons_convicted_final",
    )
    table = Table(f"{last} against {before}", ["", str(last), str(before), "change"], rows)
    notes = [
        *ctx.note(
            "rpt_victims_by_year", "queries.victims_by_year", VICTIM_SOURCES, "victims_by_year"
        )[:2],
        *ctx.note(
            "rpt_criminal_justice_by_year",
            "queries.criminal_justice_by_year",
            JUSTICE_SOURCES,
            "criminal_justice_by_year",
        ),
        "Shares are of all victims of the year (unknown age or scope included in the denominator).",
    ]
    return Section(
        "headline", "Headline figures", tables=[table], notes=notes, classes=("headline",)
    )


# --- victims ----------------------------------------------------------------------------------

SEX_AGE = (
    ("F", "child", "Girls"),
    ("F", "adult", "Women"),
    ("M", "child", "Boys"),
    ("M", "adult", "Men"),
)


def victims_by_sex_age(ctx: Context) -> Section:
    sdg = ctx.tables["sdg_16_2_2"].filter(
        (pl.col("exploitation_form") == "total") & (pl.col("sdg_form") == "total")
    )
    groups: list[tuple[str, str, str]] = [*SEX_AGE, ("U", "total", "Sex unknown")]
    groups += [
        (sex, "unknown", f"{who}, age unknown") for sex, who in (("F", "Female"), ("M", "Male"))
    ]
    header = ["year", *(name for _, _, name in groups), "all victims"]
    rows: list[list[Cell]] = []
    series: dict[str, list[float | None]] = {name: [] for _, _, name in groups}
    for year in ctx.years():
        row = [cells.text(str(year))]
        for sex, age, name in [*groups, ("total", "total", "all victims")]:
            key: dict[str, cells.KeyValue] = {
                "year": year,
                "sex": sex,
                "age_group": age,
                "exploitation_form": "total",
                "sdg_form": "total",
            }
            cell = cells.count(
                (_rows(sdg, year=year, sex=sex, age_group=age) or {}).get("victims"),
                ctx.trace("rpt_sdg_16_2_2", "victims", key, "sdg_16_2_2"),
            )
            row.append(cell)
            if name in series:
                series[name].append(cell.value)
        rows.append(row)
    figure = charts.bars([str(y) for y in ctx.years()], series, "victims", "sexage")
    return Section(
        "victims-sex-age",
        "Victims per year by sex and age group",
        figure=figure,
        tables=[
            Table(
                "Victims identified by sex and age group (child: under 18 at identification)",
                header,
                rows,
            )
        ],
        notes=ctx.note(
            "rpt_sdg_16_2_2", "queries.sdg_16_2_2 (rows of all forms)", VICTIM_SOURCES, "sdg_16_2_2"
        ),
    )


def victims_by_form(ctx: Context) -> Section:
    frame = ctx.tables["victims_by_form_year"]
    present = [
        f
        for f in frame["exploitation_form"].unique(maintain_order=True).to_list()
        if _shown_anywhere(frame.filter(pl.col("exploitation_form") == f)["victims"])
    ]
    forms = sorted(present, key=lambda f: (f == "unknown", f))
    names = {f: ctx.label("exploitation_form", f) for f in forms}
    rows: list[list[Cell]] = []
    series: dict[str, list[float | None]] = {names[f]: [] for f in forms}
    for year in ctx.years():
        row = [cells.text(str(year))]
        for form in forms:
            trace = ctx.trace(
                "rpt_victims_by_form_year",
                "victims",
                {"year": year, "exploitation_form": form},
                "victims_by_form_year",
            )
            cell = cells.count(
                (_rows(frame, year=year, exploitation_form=form) or {}).get("victims"), trace
            )
            row.append(cell)
            series[names[form]].append(cell.value)
        rows.append(row)
    figure = charts.bars([str(y) for y in ctx.years()], series, "victims", "forms")
    return Section(
        "forms",
        "Forms of exploitation per year",
        intro="Main form of exploitation of each victim; forms with no victim in the period "
        "are left out.",
        figure=figure,
        tables=[Table("Victims by main form of exploitation", ["year", *names.values()], rows)],
        notes=ctx.note(
            "rpt_victims_by_form_year",
            "queries.victims_by_form_year",
            VICTIM_SOURCES,
            "victims_by_form_year",
        ),
    )


def _shown_anywhere(values: pl.Series) -> bool:
    """A column with a non-zero count or a marker somewhere."""
    return any(v is not None and str(v) not in ("0", "0.0") for v in values.to_list())


def countries(ctx: Context) -> Section:
    frame = ctx.tables["victims_by_exploitation_country"]
    span = (ctx.period.first, ctx.period.last)
    rows, names, values = [], [], []
    for row in frame.iter_rows(named=True):
        name = ctx.label("country_code", row["country_code"])
        trace = ctx.trace(
            "rpt_victims_by_exploitation_country_year",
            "sum(victims)",
            {"country_code": row["country_code"], "year": span},
            "victims_by_exploitation_country",
            "victims",
        )
        cell = cells.count(row["victims"], trace)
        rows.append([cells.text(name), cell])
        names.append(name)
        values.append(cell.value)
    figure = (
        charts.bars(
            names, {"victims": values}, f"victims {ctx.period.label}", "countries", horizontal=True
        )
        if names
        else None
    )
    return Section(
        "countries",
        "Countries of exploitation",
        intro=f"Victims exploited abroad, by country, {ctx.period.label} (victims exploited "
        "in Romania are the domestic count).",
        figure=figure,
        tables=[
            Table(
                f"Victims by country of exploitation, {ctx.period.label}",
                ["country", "victims"],
                rows,
            )
        ],
        notes=ctx.note(
            "rpt_victims_by_exploitation_country_year",
            "queries.victims_by_exploitation_country (sum over the years)",
            VICTIM_SOURCES,
            "victims_by_exploitation_country",
        ),
    )


# --- criminal justice ---------------------------------------------------------------------------

FLOW = (
    ("police_cases_registered", "Police cases registered"),
    ("persons_suspected", "Persons suspected"),
    ("persons_sent_to_court", "Persons sent to court"),
    ("persons_convicted_first_instance", "Convicted at first instance"),
    ("persons_convicted_final", "Convicted finally"),
)
TRANSITIONS = {
    "police_to_indictment": "police registration → indictment",
    "indictment_to_final": "indictment → final decision",
}


def justice_flow(ctx: Context) -> Section:
    frame = ctx.tables["criminal_justice_by_year"]
    rows: list[list[Cell]] = []
    series: dict[str, list[float | None]] = {name: [] for _, name in FLOW}
    for year in ctx.years():
        found = _rows(frame, year=year) or {}
        row = [cells.text(str(year))]
        for column, name in FLOW:
            cell = cells.count(
                found.get(column),
                ctx.trace(
                    "rpt_criminal_justice_by_year",
                    column,
                    {"year": year},
                    "criminal_justice_by_year",
                ),
            )
            row.append(cell)
            series[name].append(cell.value)
        rows.append(row)
    figure = charts.lines([str(y) for y in ctx.years()], series, "cases / persons", "justice")
    durations = _durations_table(ctx)
    notes = ctx.note(
        "rpt_criminal_justice_by_year",
        "queries.criminal_justice_by_year",
        JUSTICE_SOURCES,
        "criminal_justice_by_year",
    )
    notes += ctx.note(
        "fct_case_duration",
        "queries.case_durations (Kaplan-Meier, statsmodels SurvfuncRight)",
        JUSTICE_SOURCES,
        "case_durations",
    )
    return Section(
        "justice",
        "Criminal-justice flow",
        intro="Registered → sent to court → convicted, trafficking offences only; and how "
        "long the steps take (Kaplan-Meier medians, open cases censored at the extract date).",
        figure=figure,
        tables=[
            Table("Cases and persons per year", ["year", *(name for _, name in FLOW)], rows),
            durations,
        ],
        notes=notes,
    )


def _durations_table(ctx: Context) -> Table:
    frame = ctx.tables["case_durations"]
    rows = []
    for row in frame.iter_rows(named=True):
        key: dict[str, cells.KeyValue] = {
            "registration_year": row["registration_year"],
            "transition": row["transition"],
        }
        median = Trace(
            "fct_case_duration",
            "Kaplan-Meier median of duration_days (event: event_observed)",
            key,
            "public/case_durations.csv" if ctx.public else None,
            "median_days",
            sql=False,
        )
        rows.append(
            [
                cells.text(str(row["registration_year"])),
                cells.text(TRANSITIONS.get(row["transition"], row["transition"])),
                cells.count(
                    row["cases"],
                    ctx.trace("fct_case_duration", "count(*)", key, "case_durations", "cases"),
                ),
                cells.count(
                    row["still_open"],
                    ctx.trace(
                        "fct_case_duration",
                        "count(*) FILTER (WHERE NOT event_observed)",
                        key,
                        "case_durations",
                        "still_open",
                    ),
                ),
                _median(row["median_days"], median),
            ]
        )
    header = ["registered", "step", "cases", "still open", "median days"]
    return Table("Case durations (median days; – : median not reached)", header, rows)


def _median(value: object, trace: Trace) -> Cell:
    if isinstance(value, str) and value in cells.MARKERS:
        return Cell(value, None, trace, classes=("marker",))
    shown = cells.number(value)
    return (
        Cell("–", None, trace, classes=("unknown",))
        if shown is None
        else Cell(f"{shown:,.0f}", shown, trace)
    )


# --- county map -----------------------------------------------------------------------------------


def county_map(ctx: Context) -> Section:
    frame = ctx.tables["victims_by_county"]
    span = (ctx.period.first, ctx.period.last)
    rates: dict[str, float | None] = {}
    hidden: set[str] = set()
    rows = []
    for row in frame.sort("county_name").iter_rows(named=True):
        code = row["county_code"]
        key: dict[str, cells.KeyValue] = {"county_code": code, "year": span}
        victims = cells.count(
            row["victims"],
            ctx.trace(
                "rpt_victims_by_county_year", "sum(victims)", key, "victims_by_county", "victims"
            ),
        )
        rate = cells.decimal(
            row["rate_per_100k"],
            ctx.trace(
                "rpt_victims_by_county_year",
                "round(sum(victims) * 100000 / sum(population), 6)",
                key,
                "victims_by_county",
                "rate_per_100k",
            ),
            2,
        )
        population = cells.decimal(
            row["population_avg"],
            ctx.trace(
                "rpt_victims_by_county_year",
                "round(avg(population), 1)",
                key,
                "victims_by_county",
                "population_avg",
            ),
            0,
        )
        rows.append([cells.text(row["county_name"]), victims, population, rate])
        rates[code] = rate.value
        if "marker" in victims.classes:
            hidden.add(code)
    title = f"Victims per 100,000 residents by county of residence, {ctx.period.label}"
    figure = countymap.choropleth(rates, hidden, title, ctx.public)
    header = ["county", "victims", "population (average)", "rate per 100,000"]
    notes = ctx.note(
        "rpt_victims_by_county_year",
        "queries.victims_by_county",
        VICTIM_SOURCES,
        "victims_by_county",
    )
    notes.append(
        "Over a period the rate is the average annual rate: victims of the period / sum of "
        f"the yearly populations × 100,000. {countymap.ATTRIBUTION}"
    )
    return Section(
        "map",
        "Victims by county of residence",
        figure=figure,
        tables=[Table(f"Victims by county of residence, {ctx.period.label}", header, rows)],
        notes=notes,
        beside=True,
    )


# --- reconciliation, estimate, sources ------------------------------------------------------------

AGENCY_COLUMNS = (
    ("anitp_register", "ANITP register"),
    ("police", "Police"),
    ("prosecution", "Prosecution (DIICOT)"),
    ("ngo", "NGOs"),
    ("any_agency", "Any agency"),
)
NOT_PUBLIC = (
    "Not in the public report: {what} is not part of the disclosure-controlled release "
    "(the protected standard tables), so it is shown in the internal report only."
)


def reconciliation(ctx: Context) -> Section:
    title = "Cross-agency reconciliation: who saw whom"
    if ctx.public:
        return withheld(
            "reconciliation",
            title,
            NOT_PUBLIC.format(what="the linkage of persons across agencies"),
        )
    per_year = mart_table(
        ctx,
        "rpt_victims_by_agency_year",
        ["year"],
        AGENCY_COLUMNS,
        "Victims recorded by each agency (persons, linked by CNP pseudonym)",
    )
    frame = queries.read_mart(ctx.con, "rpt_victims_by_agency_year", ctx.period)
    series = {name: frame[column].cast(pl.Float64).to_list() for column, name in AGENCY_COLUMNS}
    figure = charts.lines([str(y) for y in frame["year"].to_list()], series, "persons", "agencies")
    last = Period(ctx.period.last, ctx.period.last)
    combos = queries.read_mart(ctx.con, "rpt_agency_reconciliation", last).sort(
        "persons", descending=True
    )
    rows = [
        [
            cells.text(r["seen_by"]),
            cells.count(
                r["persons"],
                Trace(
                    "rpt_agency_reconciliation",
                    "persons",
                    {"year": r["year"], "seen_by": r["seen_by"]},
                ),
            ),
            cells.text(r["explanation"]),
        ]
        for r in combos.iter_rows(named=True)
    ]
    notes = ctx.note("rpt_victims_by_agency_year", "queries.read_mart", ALL_SOURCES, None)
    notes += ctx.note("rpt_agency_reconciliation", "queries.read_mart", ALL_SOURCES, None)[:2]
    return Section(
        "reconciliation",
        title,
        intro="The agencies count different things; the same persons, linked across their "
        "records, show where the counts meet.",
        figure=figure,
        tables=[
            per_year,
            Table(
                f"Persons by the agencies that recorded them, {ctx.period.last}",
                ["recorded by", "persons", "why"],
                rows,
            ),
        ],
        notes=notes,
    )


def mart_table(
    ctx: Context,
    mart: str,
    key: Sequence[str],
    columns: Sequence[tuple[str, str]],
    caption: str,
    year: str = "year",
    only: Mapping[str, str] | None = None,
) -> Table:
    """A yearly mart as a table: `key` columns as text, `columns` (name, heading) as traced
    numbers (whole numbers as counts, others with 2 decimals); `only` keeps the rows with
    these values."""
    frame = queries.read_mart(ctx.con, mart, ctx.period, year)
    for column, value in (only or {}).items():
        frame = frame.filter(pl.col(column) == value)
    rows = []
    for row in frame.iter_rows(named=True):
        where: dict[str, cells.KeyValue] = {k: row[k] for k in key}
        line = [cells.text(str(row[k])) for k in key]
        for column, _ in columns:
            trace = Trace(mart, column, where)
            line.append(_mart_cell(row[column], trace))
        rows.append(line)
    return Table(caption, [*key, *(heading for _, heading in columns)], rows)


def _mart_cell(value: object, trace: Trace) -> Cell:
    if isinstance(value, str):
        return cells.text(value)
    return cells.decimal(value, trace, 2) if isinstance(value, float) else cells.count(value, trace)


MSE_COLUMNS = (
    ("estimate", "estimate"),
    ("interval_low", "95% interval, low"),
    ("interval_high", "95% interval, high"),
    ("observed", "observed"),
)


def mse_estimate(ctx: Context) -> Section:
    title = "Estimated number of victims (multiple systems estimation)"
    if not mart_exists(ctx.con, MSE_MART):
        return withheld(
            "mse", title, "No estimate yet: the database has no marts.rpt_mse_estimates."
        )
    if ctx.public:
        return withheld("mse", title, NOT_PUBLIC.format(what="the estimate"))
    table = mart_table(
        ctx,
        MSE_MART,
        ["year", "stratum", "stratum_value"],
        [*MSE_COLUMNS, ("warning", "warning")],
        "Estimated victims, seen and unseen (whole year; strata in marts.rpt_mse_estimates)",
        only={"stratum": "all"},
    )
    return Section(
        "mse",
        title,
        intro="How many victims no list found, estimated from the overlap of the agencies' lists.",
        tables=[table],
        notes=ctx.note(MSE_MART, "queries.read_mart", ALL_SOURCES, None),
    )


QUALITY_MART = "rpt_data_quality"
QUALITY_KEY = ("source_agency", "period")
QUALITY_PERIOD_YEAR = "cast(left(period, 4) as integer)"


def _quality_key(row: dict[str, object]) -> dict[str, cells.KeyValue]:
    return {k: str(row[k]) for k in (*QUALITY_KEY, "measure")}


def _quality_cell(row: dict[str, object]) -> Cell:
    """A measure's value (a share in per cent, days or a count), coloured by its status."""
    if row["status"] == "not_applicable":
        return Cell("n/a", classes=("text", "q-na"))
    trace = Trace(QUALITY_MART, "value", _quality_key(row))
    value = cells.number(row["value"])
    if value is None:
        return replace(cells.count(None, trace), classes=("unknown", "q-no_data"))
    status = f"q-{row['status']}"
    if row["unit"] == "share":  # rounded as the share is, so the text and the mart agree
        return Cell(f"{round(value, 3) * 100:.1f}%", value, trace, classes=(status,))
    return replace(cells.count(value, trace), classes=(status,))


QUALITY_TABLES = (
    (("completeness", "validity"), "Scorecard: completeness and validity"),
    (("timeliness", "consistency", "uniqueness"), "Scorecard: timeliness, consistency, uniqueness"),
)


def _quality_scorecard(frame: pl.DataFrame, dimensions: Sequence[str], caption: str) -> Table:
    """One row per agency and period, one coloured cell per measure of `dimensions`."""
    mine = frame.filter(pl.col("dimension").is_in(list(dimensions)))
    measures = mine.select("dimension", "measure").unique().sort("dimension", "measure")["measure"]
    rows = []
    for (agency, period), group in mine.group_by(QUALITY_KEY, maintain_order=True):
        by_measure = {r["measure"]: r for r in group.iter_rows(named=True)}
        line = [cells.text(str(agency)), cells.text(str(period))]
        line += [
            _quality_cell(by_measure[m]) if m in by_measure else cells.text("") for m in measures
        ]
        rows.append(line)
    header = ["agency", "period", *(m.replace("_", " ") for m in measures)]
    return Table(f"{caption} (green, amber, red against the thresholds)", header, rows)


def _quality_changes(frame: pl.DataFrame) -> Table:
    """Each agency's latest period against its previous one."""
    latest = frame.filter(pl.col("period") == pl.col("period").max().over("source_agency"))
    rows = []
    for row in latest.filter(pl.col("previous_period").is_not_null()).iter_rows(named=True):
        where = _quality_key(row)
        rows.append(
            [
                cells.text(str(row["source_agency"])),
                cells.text(str(row["measure"]).replace("_", " ")),
                cells.text(f"{row['previous_period']} → {row['period']}"),
                cells.text(f"{row['previous_status']} → {row['status']}"),
                cells.decimal(row["change"], Trace(QUALITY_MART, "change", where), 3),
            ]
        )
    header = ["agency", "measure", "periods", "status", "change"]
    return Table("Change since the previous period (latest period)", header, rows)


def data_quality(ctx: Context) -> Section:
    title = "Data quality per agency"
    if ctx.public:
        return withheld("quality", title, NOT_PUBLIC.format(what=f"marts.{QUALITY_MART}"))
    if not mart_exists(ctx.con, QUALITY_MART):
        return withheld(
            "quality", title, f"No scorecard: the database has no marts.{QUALITY_MART}."
        )
    frame = queries.read_mart(ctx.con, QUALITY_MART, ctx.period, QUALITY_PERIOD_YEAR).filter(
        pl.col("rule").is_null()
    )
    return Section(
        "quality",
        title,
        intro="Completeness, validity, timeliness, consistency and uniqueness of each "
        "agency's extracts (national strategy objective 4.1). Green, amber and red compare "
        "each measure with the thresholds of the seed codelist_quality_measure; n/a: the "
        "agency does not record the field; shares in per cent, timeliness in days.",
        tables=[
            *(_quality_scorecard(frame, dims, caption) for dims, caption in QUALITY_TABLES),
            _quality_changes(frame),
        ],
        notes=ctx.note(QUALITY_MART, "queries.read_mart", ALL_SOURCES, None),
    )


ASSISTANCE_MART = "rpt_assistance_programme"
ASSISTANCE_PERSONS = (
    ("persons_assisted", "persons assisted"),
    ("female", "female"),
    ("male", "male"),
    ("romanian_citizens", "Romanian"),
    ("foreign_citizens", "foreign"),
    ("persons_in_proceedings", "in criminal proceedings"),
)
ASSISTANCE_CASES = (
    ("cases", "distinct cases"),
    ("cases_not_found", "not found"),
    ("cases_investigation", "investigation"),
    ("cases_sent_to_court", "sent to court"),
    ("cases_first_instance_decision", "first-instance decision"),
    ("cases_final_decision", "final decision"),
    ("cases_organised_group", "organised group"),
    ("cases_cross_border", "cross-border"),
)


def assistance(ctx: Context) -> Section:
    title = "Assistance programmes"
    if ctx.public:
        return withheld("assistance", title, NOT_PUBLIC.format(what=f"marts.{ASSISTANCE_MART}"))
    if not mart_exists(ctx.con, ASSISTANCE_MART):
        return withheld("assistance", title, f"The database has no marts.{ASSISTANCE_MART}.")
    key = ["provider_name", "year"]
    return Section(
        "assistance",
        title,
        intro="Per organisation and year of programme entry: persons assisted, and the "
        "criminal cases they take part in, linked by the case number the organisation gives "
        "to the police, DIICOT and court records (the furthest stage each case reached).",
        tables=[
            mart_table(ctx, ASSISTANCE_MART, key, ASSISTANCE_PERSONS, "Persons assisted"),
            mart_table(ctx, ASSISTANCE_MART, key, ASSISTANCE_CASES, "Their criminal cases"),
        ],
        notes=ctx.note(
            ASSISTANCE_MART, "queries.read_mart", ("ong", "politie", "diicot", "instante"), None
        ),
    )


ROW_COUNTS = ("rows_accepted", "rows_quarantined")


def sources(ctx: Context) -> Section:
    """The extracts used; their row counts only internally (a file's rows would give back a
    count the public release rounds or hides)."""
    counts = () if ctx.public else ROW_COUNTS
    rows = [
        [
            cells.text(r["source_agency"]),
            cells.text(r["period"]),
            cells.text(str(r["extract_date"])),
            cells.text(r["source_file"]),
            *(
                cells.count(r[c], Trace("rpt_extracts_used", c, {"source_file": r["source_file"]}))
                for c in counts
            ),
        ]
        for r in ctx.extracts.iter_rows(named=True)
    ]
    header = ["agency", "period", "extract date", "file", *(c.replace("_", " ") for c in counts)]
    return Section(
        "sources",
        "Sources: the extracts used",
        intro="Every figure uses the latest extract of each agency and period "
        "(marts.rpt_extracts_used).",
        tables=[Table("Extracts used", header, rows)],
        notes=[
            "Source: marts.rpt_extracts_used (is_latest), read by queries.extracts_used. "
            f"Counting rule: {describe(ctx.con, 'rpt_extracts_used')}"
        ],
    )


SECTIONS: tuple[Callable[[Context], Section], ...] = (
    headline,
    victims_by_sex_age,
    victims_by_form,
    countries,
    justice_flow,
    county_map,
    reconciliation,
    mse_estimate,
    data_quality,
    assistance,
    sources,
)
