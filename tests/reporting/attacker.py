"""A cross-table attacker on a public release, written apart from `sdc.py` and `joint.py`.

It reads only the public files (CSV and workbooks) and the published rule, treats a count
that several tables show as one unknown, writes down by hand what a reader of the tables
knows (the SDG cube's margins, the same sex / age / citizenship columns in several tables,
period = sum of years, Eurostat / TIP categories = sums of forms from the public codelist,
remainders such as 'unknown residence' as unknowns >= 0, `<10` = 1..9, `[c]` >= 10, a
rounded v = v-2..v+2 but never below 10) and, for every hidden count, finds its smallest and
largest whole value with scipy's `milp`.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import openpyxl
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

from pipelines.reporting import catalog

CODELIST = Path(__file__).parents[2] / "dbt_project/seeds/codelists/codelist_exploitation_form.csv"
WIDTH = 10  # the rule: every hidden count keeps a range this wide (or its baseline's)
BIG = 1e6  # stands for "no upper bound": no count of these tables comes near it
Var = tuple[str, ...]


@dataclass
class Model:
    shown: dict[Var, set[str]] = field(default_factory=lambda: defaultdict(set))
    sums: list[tuple[Var, list[Var]]] = field(default_factory=list)  # total = sum(parts)
    at_most: list[tuple[Var, Var]] = field(default_factory=list)  # a <= b
    unknowns: set[Var] = field(default_factory=set)  # never published, only >= 0

    def see(self, var: Var, text: object) -> None:
        self.shown[var].add("" if text is None else str(text))

    def variables(self) -> list[Var]:
        names = set(self.shown) | self.unknowns
        for total, parts in self.sums:
            names |= {total, *parts}
        return sorted(names)


def _csv(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _sheet(folder: Path, book: str, sheet: str) -> list[dict[str, object]]:
    """A sheet's rows by column name: below its title and units rows, the header gives each
    column's English heading (a code column is headed '<label> (code)'), read back through
    the workbook catalogue; the label columns beside the codes are left out."""
    rows = list(openpyxl.load_workbook(folder / book, read_only=True)[sheet].values)
    header = rows[HEADER_ROW]
    names = [_COLUMN_OF.get(str(h)) for h in header]
    return [
        {name: value for name, value in zip(names, row, strict=False) if name is not None}
        for row in rows[HEADER_ROW + 1 :]
    ]


HEADER_ROW = 2  # 0-based: title, units/notes, header
_COLUMN_OF = {
    catalog.heading(c): c
    for c in (
        *catalog.HEADINGS,
        *catalog.LABEL_HEADINGS,
        "sex",
        "age_group",
        "exploitation_form",
        "sdg_form",
    )
}


def _forms_of(column: str) -> dict[str, list[str]]:
    with CODELIST.open(encoding="utf-8") as handle:
        found: dict[str, list[str]] = defaultdict(list)
        for row in csv.DictReader(handle):
            found[row[column]].append(row["code"])
    return found


def v(year: str, sex: str = "total", age: str = "total", form: str = "total") -> Var:
    """A victims count of the SDG cube's grid; year 'period' is the whole release."""
    return ("v", year, sex, age, form)


def read_release(folder: Path) -> Model:
    m = Model()
    sdg = _csv(folder, "sdg_16_2_2.csv")
    years = sorted({r["year"] for r in sdg})
    sexes, ages = ("F", "M", "U"), ("child", "adult", "unknown")
    forms = sorted({r["exploitation_form"] for r in sdg} - {"total"})
    series = _forms_of("sdg_form")
    for r in sdg:
        _see_sdg(m, r, series)
    for y in years:
        for a in (*ages, "total"):
            for f in (*forms, "total"):
                m.sums.append((v(y, "total", a, f), [v(y, s, a, f) for s in sexes]))
        for s in (*sexes, "total"):
            for f in (*forms, "total"):
                m.sums.append((v(y, s, "total", f), [v(y, s, a, f) for a in ages]))
            for a in (*ages, "total"):
                m.sums.append((v(y, s, a, "total"), [v(y, s, a, f) for f in forms]))
    for f in (*forms, "total"):
        m.sums.append((v("period", form=f), [v(y, form=f) for y in years]))

    columns = {
        "victims": v("{y}"),
        "female": v("{y}", sex="F"),
        "male": v("{y}", sex="M"),
        "sex_unknown": v("{y}", sex="U"),
        "children": v("{y}", age="child"),
        "adults": v("{y}", age="adult"),
        "age_unknown": v("{y}", age="unknown"),
    }
    for r in _csv(folder, "victims_by_year.csv"):
        y = r["year"]
        for column, var in columns.items():
            m.see(tuple(p.format(y=y) for p in var), r[column])
        for name in ("domestic", "transnational", "scope_unknown"):
            m.see(("scope", y, name), r[name])
        m.sums.append(
            (v(y), [("scope", y, n) for n in ("domestic", "transnational", "scope_unknown")])
        )
        m.see(("cit", y, "RO"), r["romanian_citizens"])
        m.see(("cit", y, "foreign"), r["foreign_citizens"])
    for r in _sheet(folder, "eurostat_thb.xlsx", "victims_by_citizenship"):
        group = {"reporting_country": "RO"}.get(str(r["citizenship_group"]))
        m.see(("cit", str(r["year"]), group or str(r["citizenship_group"])), r["victims"])
    for y in years:
        groups = [("cit", y, g) for g in ("RO", "other_eu", "non_eu", "unknown")]
        m.sums.append((v(y), groups))
        m.sums.append((("cit", y, "foreign"), [("cit", y, "other_eu"), ("cit", y, "non_eu")]))

    for r in _csv(folder, "victims_by_form.csv"):
        m.see(v("period", form=r["exploitation_form"]), r["victims"])
    counties = _csv(folder, "victims_by_county.csv")
    for r in counties:
        m.see(("county", r["county_code"]), r["victims"])
    m.unknowns.add(("county", "unknown"))
    parts = [("county", r["county_code"]) for r in counties]
    m.sums.append((v("period"), [*parts, ("county", "unknown")]))
    countries = _csv(folder, "victims_by_exploitation_country.csv")
    for r in countries:
        m.see(("country", r["country_code"]), r["victims"])
    m.unknowns.add(("country", "rest"))
    parts = [("country", r["country_code"]) for r in countries]
    m.sums.append((v("period"), [*parts, ("country", "rest")]))

    eurostat = _forms_of("eurostat_category")
    for r in _sheet(folder, "eurostat_thb.xlsx", "victims_by_form"):
        y, s, cat = str(r["year"]), str(r["sex"]), str(r["eurostat_category"])
        var = ("eurostat", y, s, cat)
        m.see(var, r["victims"])
        m.sums.append((var, [v(y, s, form=f) for f in eurostat[cat]]))
    tip = _forms_of("tip_category")
    for r in _sheet(folder, "tip_report.xlsx", "victims_by_tip_category"):
        y, cat = str(r["year"]), str(r["tip_category"])
        m.see(("tip", y, cat), r["victims"])
        m.sums.append((("tip", y, cat), [v(y, form=f) for f in tip[cat]]))
        m.see(("tip_children", y, cat), r["children"])
        m.sums.append((("tip_children", y, cat), [v(y, age="child", form=f) for f in tip[cat]]))
        m.see(("tip_foreign", y, cat), r["foreign_citizens"])
        m.at_most.append((("tip_foreign", y, cat), ("tip", y, cat)))
    for y in years:
        m.sums.append((("cit", y, "foreign"), [("tip_foreign", y, c) for c in tip]))
    for r in _sheet(folder, "greta.xlsx", "victim_participation"):
        m.see(("participation", str(r["year"]), str(r["participation"])), r["victims"])
    for y in years:
        groups = ("participating", "not_participating", "participation_unknown")
        m.sums.append((v(y), [("participation", y, g) for g in groups]))

    # The same counts again in other sheets: they must agree with the CSVs.
    sheets = (("greta.xlsx", "victims_by_year"), ("tip_report.xlsx", "victims_by_year"))
    for book, sheet in sheets:
        for r in _sheet(folder, book, sheet):
            y = str(r["year"])
            m.see(v(y), r["victims"])
            if "female" in r:
                m.see(v(y, sex="F"), r["female"])
            m.see(v(y, age="child"), r["children"])
            m.see(("cit", y, "foreign"), r["foreign_citizens"])
    for r in _sheet(folder, "eurostat_thb.xlsx", "victims_by_sex_age"):
        m.see(v(str(r["year"]), str(r["sex"]), str(r["age_group"])), r["victims"])
    for r in _sheet(folder, "unodc_glotip.xlsx", "sdg_16_2_2"):
        _see_sdg(m, {k: "" if x is None else str(x) for k, x in r.items()}, series)
    for r in _sheet(folder, "greta.xlsx", "victims_by_form"):
        m.see(v("period", form=str(r["exploitation_form"])), r["victims"])
    _read_yearly(m, folder, years, tip)
    _read_justice(m, folder)
    _read_status(m, folder)
    return m


def _read_status(m: Model, folder: Path) -> None:
    """Eurostat's registered victims = identified (the year's victims) + presumed, in the
    CSV and again in the Eurostat workbook."""
    rows = [
        *_csv(folder, "victims_by_status.csv"),
        *_sheet(folder, "eurostat_thb.xlsx", "victims_by_status"),
    ]
    for r in rows:
        y = str(r["year"])
        m.see(v(y), r["identified"])
        m.see(("presumed", y), r["presumed"])
        m.see(("registered", y), r["registered"])
        m.sums.append((("registered", y), [v(y), ("presumed", y)]))


def _see_sdg(m: Model, r: dict[str, str], series: dict[str, list[str]]) -> None:
    """A project-form row is a cell of the cube; a UN series row (form total, one SDG form)
    is the sum of that form's project forms."""
    y, s, a, f = r["year"], r["sex"], r["age_group"], r["exploitation_form"]
    if f != "total" or r["sdg_form"] == "total":
        m.see(v(y, s, a, f), r["victims"])
        return
    var = ("sdg", y, s, a, r["sdg_form"])
    m.see(var, r["victims"])
    m.sums.append((var, [v(y, s, a, member) for member in series[r["sdg_form"]]]))


def _read_yearly(m: Model, folder: Path, years: list[str], tip: dict[str, list[str]]) -> None:
    """The per-year tables; each period table is the sum of its years."""
    for r in _csv(folder, "victims_by_form_year.csv"):
        m.see(v(r["year"], form=r["exploitation_form"]), r["victims"])
    for name, key in (("county", "county_code"), ("country", "country_code")):
        per_year = _csv(
            folder,
            f"victims_by_{'county' if name == 'county' else 'exploitation_country'}_year.csv",
        )
        codes: dict[str, list[Var]] = defaultdict(list)
        for y in years:
            rows = [r for r in per_year if r["year"] == y]
            for r in rows:
                m.see((name, y, r[key]), r["victims"])
                codes[r[key]].append((name, y, r[key]))
            m.unknowns.add((name, y, "_rest"))
            m.sums.append((v(y), [*((name, y, r[key]) for r in rows), (name, y, "_rest")]))
        for code, parts in codes.items():
            if (name, code) in m.shown:
                m.sums.append(((name, code), parts))
    # Every citizenship recorded, and the unknown: the year's rows add up to its victims.
    citizenship = _csv(folder, "victims_by_citizenship_year.csv")
    for y in years:
        parts: list[Var] = []
        for r in (r for r in citizenship if r["year"] == y):
            code = r["citizenship_code"]
            var: Var = ("cit", y, code or "unknown") if code in ("RO", "") else ("nat", y, code)
            m.see(var, r["victims"])
            parts.append(var)
        m.sums.append((v(y), parts))
    for r in _sheet(folder, "tip_report.xlsx", "child_victims_by_sex"):
        y, cat = str(r["year"]), str(r["tip_category"])
        for column, sex in (("girls", "F"), ("boys", "M")):
            var = (column, y, cat)
            m.see(var, r[column])
            m.sums.append((var, [v(y, sex, "child", f) for f in tip[cat]]))
        m.see(("tip_children", y, cat), r["children"])
    for r in _sheet(folder, "greta.xlsx", "victims_assisted"):
        y = str(r["year"])
        flags = ("anitp_accepted_assistance", "anitp_declined_assistance")
        names = (*flags, "anitp_assistance_not_recorded")
        for column in names:
            m.see(("assist", y, column), r[column])
        m.sums.append((v(y), [("assist", y, c) for c in names]))


LEGAL_STATUS = {
    "suspected": "persons_suspected",
    "prosecuted": "persons_sent_to_court",
    "convicted": "persons_convicted_final",
}


def _read_justice(m: Model, folder: Path) -> None:
    """Persons by legal status: the sexes, and the citizenships (with 'unknown'), add up to
    the year's column of criminal_justice_by_year."""
    for r in _csv(folder, "criminal_justice_by_year.csv"):
        for column in LEGAL_STATUS.values():
            m.see(("cj", r["year"], column), r[column])
    by_total: dict[Var, list[Var]] = defaultdict(list)
    for r in _csv(folder, "persons_by_legal_status_sex.csv"):
        total = ("cj", r["year"], LEGAL_STATUS[r["legal_status"]])
        var = (*total, r["sex"])
        m.see(var, r["persons"])
        by_total[total].append(var)
    for total, parts in by_total.items():
        m.sums.append((total, parts))
    by_total = defaultdict(list)
    for r in _csv(folder, "persons_by_legal_status_citizenship.csv"):
        total = ("cj", r["year"], LEGAL_STATUS[r["legal_status"]])
        var = (*total, "citizenship", r["citizenship_code"])
        m.see(var, r["persons"])
        by_total[total].append(var)
    for total, parts in by_total.items():  # every citizenship, and 'unknown'
        m.sums.append((total, parts))


def interval(text: str, *, baseline: bool = False) -> tuple[float, float]:
    """What the rule says a published text means (baseline: every non-zero count hidden)."""
    if text == "<10":
        return 1, 9
    if text == "[c]" or text == "":
        return (10, BIG) if text == "[c]" else (0, BIG)
    value = int(text)
    if value == 0:
        return 0, 0
    if baseline:
        return 10, BIG
    return max(value - 2, 10), value + 2


@dataclass(frozen=True)
class Finding:
    hidden: int  # hidden quantities (shown `<10` / `[c]`, or never published)
    narrowed: list[tuple[Var, float, float, float]]  # (var, low, high, required)
    pinned: int  # narrowed to a single value
    inconsistent: dict[Var, set[str]]  # one count, several published forms


class _Problem:
    def __init__(self, m: Model, names: list[Var], baseline: bool) -> None:
        self.index = {n: i for i, n in enumerate(names)}
        low, high = np.zeros(len(names)), np.full(len(names), BIG)
        for var, texts in m.shown.items():
            for text in texts:
                lo, hi = interval(text, baseline=baseline)
                at = self.index[var]
                low[at], high[at] = max(low[at], lo), min(high[at], hi)
        self.bounds = Bounds(low, high)
        rows, cols, vals = [], [], []
        for k, (total, parts) in enumerate(m.sums):
            for var, coef in [(total, 1.0), *((p, -1.0) for p in parts)]:
                rows.append(k)
                cols.append(self.index[var])
                vals.append(coef)
        equal = sparse.csr_array((vals, (rows, cols)), shape=(len(m.sums), len(names)))
        rows, cols, vals = [], [], []
        for k, (a, b) in enumerate(m.at_most):
            rows += [k, k]
            cols += [self.index[a], self.index[b]]
            vals += [1.0, -1.0]
        less = sparse.csr_array((vals, (rows, cols)), shape=(len(m.at_most), len(names)))
        self.constraints = [
            LinearConstraint(equal, 0, 0),
            LinearConstraint(less, -np.inf, 0),
        ]
        self.n = len(names)

    def extreme(self, var: Var, sign: float) -> float:
        c = np.zeros(self.n)
        c[self.index[var]] = sign
        result = milp(
            c, constraints=self.constraints, bounds=self.bounds, integrality=np.ones(self.n)
        )
        assert result.status == 0, result.message
        return float(round(result.fun))

    def range_of(self, var: Var) -> tuple[float, float]:
        high = -self.extreme(var, -1.0)
        return self.extreme(var, 1.0), (np.inf if high > BIG / 2 else high)


def attack(folder: Path) -> Finding:
    m = read_release(folder)
    inconsistent = {var: texts for var, texts in m.shown.items() if len(texts) > 1}
    names = m.variables()
    hidden = [
        n
        for n in names
        if n not in m.shown or (len(m.shown[n]) == 1 and m.shown[n] <= {"<10", "[c]", ""})
    ]
    problem, baseline = _Problem(m, names, False), None
    narrowed = []
    for var in hidden:
        low, high = problem.range_of(var)
        if high - low < WIDTH:
            baseline = baseline or _Problem(m, names, True)
            base_low, base_high = baseline.range_of(var)
            required = min(WIDTH, base_high - base_low)
            if high - low < required:
                narrowed.append((var, low, high, required))
    pinned = sum(1 for _, low, high, _ in narrowed if low == high)
    return Finding(len(hidden), narrowed, pinned, inconsistent)
