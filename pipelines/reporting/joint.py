"""One disclosure-control model for every table of a public release.

An attacker reads all the public files at once: the same count printed in two tables is one
unknown to them, a period table is the sum of its years, a Eurostat or TIP category is the
sum of its forms. So the release is protected as one system (rules in `sdc.py`):

1. every published count cell is mapped onto a **canonical quantity**: a measure (`victims`,
   or a criminal-justice count such as `persons_suspected`) and a value for some of the
   dimensions in `KEY`; a dimension left empty (null) is the total over it, and an empty
   `year` is the whole period of the release. `victims` of 2017, women, all ages and forms is
   one quantity whether it comes from `victims_by_year`, `sdg_16_2_2` or a workbook sheet;
2. the relations between quantities are derived, not declared per table: a quantity that is
   total over a dimension equals the sum of the disjoint categories or category groups the
   tables show for it (`dimensions`; a period is the sum of its years), plus a remainder
   for the categories none of them covers; a category group (`group`, e.g. the Eurostat
   category `sexual` = sexual + child_sexual_abuse_material) equals the sum of its members.
   Quantities no table shows (an 'unknown' remainder, the period's victims that join the
   years to the counties) become unpublished quantities, protected like hidden cells;
3. `sdc.protect` decides suppression once on this system and audits it, so one count has
   one published form (the same rounded value or the same marker) in every table.

**Adding a table.** Write a function that turns the table's frame into its cells (`cells`:
one row per count cell, with `_row` = the row in the table, `_column` = the count column,
the `KEY` columns and `count`) and add it to `CELLS` under the table's name. Use fine
categories of a dimension where the table has them, and `group(...)` / `form_group(...)`
for a category that is a union of them (a new crosswalk column of the exploitation-form
codelist seed is read by `form_group` as is). A new dimension goes into `KEY` and
`dimensions` (its complete categories, or None for an open list such as countries, whose
categories are those the release shows plus `REST`). The public table is then
`joint.apply(frame, cells, release)`: each mapped count replaced by its published form,
with a `status_of(<column>)` column for rates and shares derived from it.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cache

import polars as pl

from pipelines.reporting import sdc
from schemas.vocabulary import CODELISTS

MEASURE = "measure"
KEY = (
    MEASURE,
    "year",
    "sex",
    "age_group",
    "form",
    "scope",
    "citizenship",
    "county",
    "country",
    "nationality",
    "person_nationality",
    "participation",
    "assistance",
    "detail",
)
REST = "_rest"  # in an open dimension: every category that no table of the release shows
_SEP = "+"
COUNT, ROW, COLUMN = "count", "_row", "_column"
Key = tuple[str | None, ...]
KNOWN_FORMS = "_known_forms"


def group(*members: str) -> str:
    """The category made of several fine categories (one member: that category itself)."""
    return _SEP.join(sorted(set(members)))


@cache
def _form_codelist() -> tuple[dict[str, str], ...]:
    with (CODELISTS / "codelist_exploitation_form.csv").open(encoding="utf-8") as handle:
        return tuple(csv.DictReader(handle))


def forms() -> tuple[str, ...]:
    return tuple(row["code"] for row in _form_codelist())


def form_group(crosswalk: str, category: str) -> str:
    """The forms that the codelist's `crosswalk` column puts in `category`."""
    members = [row["code"] for row in _form_codelist() if row[crosswalk] == category]
    if not members:
        raise ValueError(f"no form has {crosswalk} = {category!r}")
    return group(*members)


FOREIGN = group("other_eu", "non_eu")  # citizenship: RO / other_eu / non_eu / unknown


def dimensions(years: Iterable[int]) -> dict[str, tuple[str, ...] | None]:
    """Each dimension's complete categories; None for an open list (see REST)."""
    return {
        "year": tuple(str(y) for y in years),
        "sex": ("F", "M", "U"),
        "age_group": ("child", "adult", "unknown"),
        "form": forms(),
        "scope": ("domestic", "transnational", "unknown"),
        "citizenship": ("RO", "other_eu", "non_eu", "unknown"),
        "county": None,
        "country": None,
        "nationality": None,
        "person_nationality": None,
        "participation": ("yes", "no", "unknown"),
        "assistance": ("yes", "no", "unknown"),
    }


# --- cells of a table ----------------------------------------------------------------------


def cells(frame: pl.DataFrame, column: str, **key: str | pl.Expr | None) -> pl.DataFrame:
    """The cells of one count column of `frame`: `key` gives the KEY values (a literal, an
    expression on the frame, or None = total); KEY columns not given are totals."""
    unknown = set(key) - set(KEY)
    if unknown:
        raise ValueError(f"not canonical dimensions: {sorted(unknown)}")
    values = [
        (value if isinstance(value, pl.Expr) else pl.lit(value)).cast(pl.Utf8).alias(name)
        for name in KEY
        for value in [key.get(name)]
    ]
    return frame.with_row_index(ROW).select(
        pl.col(ROW).cast(pl.Int64),
        pl.lit(column).alias(COLUMN),
        *values,
        pl.col(column).cast(pl.Int64).alias(COUNT),
    )


def _victims_by_year(frame: pl.DataFrame) -> pl.DataFrame:
    year = pl.col("year")
    columns: dict[str, dict[str, str | None]] = {
        "victims": {},
        "female": {"sex": "F"},
        "male": {"sex": "M"},
        "sex_unknown": {"sex": "U"},
        "children": {"age_group": "child"},
        "adults": {"age_group": "adult"},
        "age_unknown": {"age_group": "unknown"},
        "domestic": {"scope": "domestic"},
        "transnational": {"scope": "transnational"},
        "scope_unknown": {"scope": "unknown"},
        "romanian_citizens": {"citizenship": "RO"},
        "foreign_citizens": {"citizenship": FOREIGN},
    }
    return pl.concat(
        cells(frame, column, measure="victims", year=year, **key) for column, key in columns.items()
    )


def _victims_by_county(frame: pl.DataFrame) -> pl.DataFrame:
    return cells(frame, "victims", measure="victims", county=pl.col("county_code"))


def _victims_by_country(frame: pl.DataFrame) -> pl.DataFrame:
    return cells(frame, "victims", measure="victims", country=pl.col("country_code"))


def _known_forms(frame: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """The victims of a known form (of the period, or of each year): the denominator of
    `share_of_known`, which a reader can work back from the shares, so it is a published
    quantity too. Every row carries its own denominator, in the KNOWN_FORMS column."""
    known = pl.col("victims").filter(pl.col("exploitation_form") != "unknown").sum()
    with_known = frame.with_columns((known.over(by) if by else known).alias(KNOWN_FORMS))
    key: dict[str, str | pl.Expr | None] = {"year": pl.col("year")} if by else {}
    return cells(
        with_known,
        KNOWN_FORMS,
        measure="victims",
        form=group(*(f for f in forms() if f != "unknown")),
        **key,
    )


def _victims_by_form(frame: pl.DataFrame) -> pl.DataFrame:
    by_form = cells(frame, "victims", measure="victims", form=pl.col("exploitation_form"))
    return pl.concat([by_form, _known_forms(frame, ())])


def _victims_by_form_year(frame: pl.DataFrame) -> pl.DataFrame:
    by_form = cells(
        frame, "victims", measure="victims", year=pl.col("year"), form=pl.col("exploitation_form")
    )
    return pl.concat([by_form, _known_forms(frame, ("year",))])


def _victims_by_county_year(frame: pl.DataFrame) -> pl.DataFrame:
    return cells(
        frame, "victims", measure="victims", year=pl.col("year"), county=pl.col("county_code")
    )


def _victims_by_country_year(frame: pl.DataFrame) -> pl.DataFrame:
    return cells(
        frame, "victims", measure="victims", year=pl.col("year"), country=pl.col("country_code")
    )


def _complete(found: pl.DataFrame, dim: str) -> pl.DataFrame:
    """`found` (cells of one count column) lists every category of the open dimension `dim`
    that has a count, as a table of every citizenship does: the categories it leaves out,
    and the rest, are known zeros (without them the attacker's remainder would look free)."""
    if found.is_empty():
        return found
    others = [c for c in KEY if c != dim]
    categories = pl.concat(
        [found.select(dim).unique(), pl.DataFrame({dim: [REST]}, schema={dim: pl.Utf8})]
    )
    every = found.select(others).unique().join(categories, how="cross")
    zeros = every.join(found.select(KEY), on=list(KEY), how="anti", nulls_equal=True)
    return pl.concat(
        [
            found,
            zeros.select(
                pl.lit(-1, pl.Int64).alias(ROW),
                pl.lit(found[COLUMN][0]).alias(COLUMN),
                *KEY,
                pl.lit(0, pl.Int64).alias(COUNT),
            ),
        ]
    )


def _victims_by_citizenship_year(frame: pl.DataFrame) -> pl.DataFrame:
    """Every citizenship with victims, and the unknown: their sum is the year's victims.
    Romanian and unknown citizenship are also the citizenship groups' quantities (the same
    counts as in victims_by_year and the Eurostat table): see `_identities`."""
    found = cells(
        frame,
        "victims",
        measure="victims",
        year=pl.col("year"),
        nationality=pl.col("citizenship_code").fill_null("unknown"),
    )
    return _complete(found, "nationality")


# A count under two dimensions: (nationality, code) is the same as (citizenship, group).
SAME_AS_GROUP = {"RO": "RO", "unknown": "unknown"}


def _identities(keys: Sequence[Key]) -> list[tuple[Key, list[Key]]]:
    """Relations `a = b` between the keys that name one count twice."""
    known = set(keys)
    at_nationality, at_group = KEY.index("nationality"), KEY.index("citizenship")
    found = []
    for key in keys:
        group_value = SAME_AS_GROUP.get(str(key[at_nationality]))
        if group_value is None or key[at_group] is not None:
            continue
        other = _with(_with(key, at_nationality, None), at_group, group_value)
        if other in known:
            found.append((key, [other]))
    return found


def _victims_assisted(frame: pl.DataFrame) -> pl.DataFrame:
    year = pl.col("year")
    flags = {
        "anitp_accepted_assistance": "yes",
        "anitp_declined_assistance": "no",
        "anitp_assistance_not_recorded": "unknown",
    }
    return pl.concat(
        [
            cells(frame, "victims", measure="victims", year=year),
            *(
                cells(frame, column, measure="victims", year=year, assistance=flag)
                for column, flag in flags.items()
            ),
            # Subsets with no published total of their own: quantities of their own.
            *(
                cells(frame, column, measure=column, year=year)
                for column in (
                    "ngo_assisted_persons",
                    "ngo_assisted_identified",
                    "victims_assisted",
                )
            ),
        ]
    )


def _total_is_null(column: str) -> pl.Expr:
    return pl.when(pl.col(column) != sdc.TOTAL).then(pl.col(column))


def _sdg(frame: pl.DataFrame) -> pl.DataFrame:
    """Project-form rows carry their form; the UN series rows (exploitation_form total, one of
    the four SDG forms) are the group of the project forms that form holds."""
    project = pl.col("exploitation_form")
    sdg_form = pl.col("sdg_form")
    series = _form_category("sdg_form", "sdg_form")
    form = (
        pl.when(project != sdc.TOTAL)
        .then(project)
        .when(sdg_form.is_not_null() & (sdg_form != sdc.TOTAL))
        .then(series)
    )
    return cells(
        frame,
        "victims",
        measure="victims",
        year=pl.col("year"),
        sex=_total_is_null("sex"),
        age_group=_total_is_null("age_group"),
        form=form,
    )


def _criminal_justice(frame: pl.DataFrame) -> pl.DataFrame:
    amounts = ("year", "confiscation_lei", "damages_lei")
    return pl.concat(
        cells(frame, column, measure=column, year=pl.col("year"))
        for column in frame.columns
        if column not in amounts
    )


def _form_category(crosswalk: str, column: str) -> pl.Expr:
    """A crosswalk category -> the group of its forms (other values, e.g. total, -> null)."""
    categories = {row[crosswalk] for row in _form_codelist()} - {""}
    return pl.col(column).replace_strict(
        {c: form_group(crosswalk, c) for c in categories}, default=None, return_dtype=pl.Utf8
    )


def _tip(frame: pl.DataFrame) -> pl.DataFrame:
    key: dict[str, str | pl.Expr | None] = {"measure": "victims", "year": pl.col("year")}
    form = _form_category("tip_category", "tip_category")
    return pl.concat(
        [
            cells(frame, "victims", form=form, **key),
            cells(frame, "children", form=form, age_group="child", **key),
            cells(frame, "foreign_citizens", form=form, citizenship=FOREIGN, **key),
        ]
    )


def _tip_children(frame: pl.DataFrame) -> pl.DataFrame:
    """Children, girls and boys by TIP category: groups of the SDG cube's cells."""
    key: dict[str, str | pl.Expr | None] = {
        "measure": "victims",
        "year": pl.col("year"),
        "age_group": "child",
        "form": _form_category("tip_category", "tip_category"),
    }
    return pl.concat(
        [
            cells(frame, "children", **key),
            cells(frame, "girls", sex="F", **key),
            cells(frame, "boys", sex="M", **key),
        ]
    )


def _unodc(frame: pl.DataFrame) -> pl.DataFrame:
    return cells(
        frame,
        "victims",
        measure="victims",
        year=pl.col("year"),
        form=_form_category("unodc_category", "unodc_category"),
    )


def _eurostat(frame: pl.DataFrame) -> pl.DataFrame:
    return cells(
        frame,
        "victims",
        measure="victims",
        year=pl.col("year"),
        sex=_total_is_null("sex"),
        form=_form_category("eurostat_category", "eurostat_category"),
    )


def _citizenship_groups(frame: pl.DataFrame) -> pl.DataFrame:
    group_of = {
        "reporting_country": "RO",
        "other_eu": "other_eu",
        "non_eu": "non_eu",
        "unknown": "unknown",
    }
    return cells(
        frame,
        "victims",
        measure="victims",
        year=pl.col("year"),
        citizenship=pl.col("citizenship_group").replace_strict(group_of),
    )


def _participation(frame: pl.DataFrame) -> pl.DataFrame:
    columns = {
        "participating": "yes",
        "not_participating": "no",
        "participation_unknown": "unknown",
    }
    return pl.concat(
        [
            cells(frame, "victims", measure="victims", year=pl.col("year")),
            *(
                cells(frame, column, measure="victims", year=pl.col("year"), participation=value)
                for column, value in columns.items()
            ),
        ]
    )


# Criminal-justice measures of persons by legal status (persons_by_legal_status_*).
LEGAL_STATUS = {
    "suspected": "persons_suspected",
    "prosecuted": "persons_sent_to_court",
    "convicted": "persons_convicted_final",
}
SEXES = {"female": "F", "male": "M", "unknown": "U"}


def _legal_status_sex(frame: pl.DataFrame) -> pl.DataFrame:
    """The sexes of each status add up to criminal_justice_by_year's column (same measure)."""
    return cells(
        frame,
        "persons",
        measure=pl.col("legal_status").replace_strict(LEGAL_STATUS),
        year=pl.col("year"),
        sex=pl.col("sex").replace_strict(SEXES),
    )


def _legal_status_citizenship(frame: pl.DataFrame) -> pl.DataFrame:
    """Every citizenship (and 'unknown') of each status: they add up to its column."""
    found = cells(
        frame,
        "persons",
        measure=pl.col("legal_status").replace_strict(LEGAL_STATUS),
        year=pl.col("year"),
        person_nationality=pl.col("citizenship_code"),
    )
    return _complete(found, "person_nationality")


def _detailed(
    measure: str, detail: pl.Expr, columns: Sequence[str], year: str = "year"
) -> Callable[[pl.DataFrame], pl.DataFrame]:
    """Counts by a `detail` whose rows overlap or have no published total (an offence, a
    sentence band, an outcome): each cell is a quantity of its own, in no derived relation
    (`detail` is not in `dimensions`), but one quantity wherever it is shown."""

    def mapped(frame: pl.DataFrame) -> pl.DataFrame:
        return pl.concat(
            cells(frame, column, measure=f"{measure}.{column}", year=pl.col(year), detail=detail)
            for column in columns
        )

    return mapped


def _by_offence(frame: pl.DataFrame) -> pl.DataFrame:
    """Per offence, the stage counts are the same measures as criminal_justice_by_year's, for
    the persons with that offence; rows overlap, so they relate to no total."""
    columns = [
        c for c in frame.columns if c not in ("year", "offence_code", "is_trafficking_offence")
    ]
    return pl.concat(
        cells(frame, column, measure=column, year=pl.col("year"), detail=pl.col("offence_code"))
        for column in columns
    )


# Eurostat's registered victims = identified + presumed (`_status_sums`).
PRESUMED, REGISTERED = "presumed_victims", "registered_victims"


def _victims_by_status(frame: pl.DataFrame) -> pl.DataFrame:
    """Identified is the year's victims (victims_by_year's total, one quantity); presumed
    and registered are measures of their own, related by `_status_sums`."""
    year = pl.col("year")
    return pl.concat(
        [
            cells(frame, "identified", measure="victims", year=year),
            cells(frame, "presumed", measure=PRESUMED, year=year),
            cells(frame, "registered", measure=REGISTERED, year=year),
        ]
    )


def _status_sums(keys: Sequence[Key]) -> list[tuple[Key, list[Key]]]:
    """Relations registered = identified + presumed, per year, where all three are known."""
    known = set(keys)
    at_measure = KEY.index(MEASURE)
    found = []
    for key in keys:
        if key[at_measure] != REGISTERED:
            continue
        parts = [_with(key, at_measure, "victims"), _with(key, at_measure, PRESUMED)]
        if all(part in known for part in parts):
            found.append((key, parts))
    return found


# Every table of the public release and how its count cells map to canonical quantities.
CELLS: dict[str, Callable[[pl.DataFrame], pl.DataFrame]] = {
    "victims_by_year": _victims_by_year,
    "victims_by_county": _victims_by_county,
    "victims_by_exploitation_country": _victims_by_country,
    "victims_by_form": _victims_by_form,
    "sdg_16_2_2": _sdg,
    "criminal_justice_by_year": _criminal_justice,
    "tip_categories": _tip,
    "eurostat_categories": _eurostat,
    "citizenship_groups": _citizenship_groups,
    "participation": _participation,
    "victims_by_county_year": _victims_by_county_year,
    "victims_by_exploitation_country_year": _victims_by_country_year,
    "victims_by_form_year": _victims_by_form_year,
    "victims_by_citizenship_year": _victims_by_citizenship_year,
    "victims_assisted": _victims_assisted,
    "tip_children": _tip_children,
    "unodc_categories": _unodc,
    "criminal_justice_by_offence_year": _by_offence,
    "persons_by_legal_status_sex": _legal_status_sex,
    "persons_by_legal_status_citizenship": _legal_status_citizenship,
    "offence_reclassification": _detailed(
        "reclassified",
        pl.concat_str(pl.col("charged_offence"), pl.lit(">"), pl.col("convicted_offence")),
        ["persons"],
    ),
    "sentences_by_length": _detailed(
        "sentences",
        pl.col("sentence_band"),
        ["persons", "custodial", "suspended", "below_statutory_minimum", "minimum_unknown"],
    ),
    "court_outcomes": _detailed(
        "outcomes",
        pl.concat_str(pl.col("decision"), pl.lit(":"), pl.col("reason").fill_null("none")),
        ["persons"],
    ),
    "compensation": _detailed(
        "compensation",
        pl.lit(None, pl.Utf8),
        ["court_files_with_damages", "victims_in_those_files"],
    ),
    "case_durations": _detailed(
        "durations", pl.col("transition"), ["cases", "still_open"], year="registration_year"
    ),
    "victims_by_status": _victims_by_status,
}


# --- the joint system ----------------------------------------------------------------------


@dataclass(frozen=True)
class _System:
    keys: list[Key]  # table quantities first, then the derived ones
    relations: list[tuple[Key, list[Key]]]


def _label(key: Key) -> str:
    return " ".join(f"{d}={v}" for d, v in zip(KEY, key, strict=True) if v is not None)


def _categories(
    keys: Iterable[Key], dims: dict[str, tuple[str, ...] | None]
) -> dict[int, tuple[str, ...]]:
    """Position in KEY -> the categories a total over it is the sum of."""
    keys = list(keys)
    found: dict[int, tuple[str, ...]] = {}
    for name, categories in dims.items():
        at = KEY.index(name)
        if categories is None:
            seen = {m for k in keys if k[at] is not None for m in str(k[at]).split(_SEP)}
            categories = (*sorted(seen - {REST}), REST)
        found[at] = categories
    return found


def _with(key: Key, at: int, value: str | None) -> Key:
    return (*key[:at], value, *key[at + 1 :])


def _margins(known: set[Key], positions: Iterable[int]) -> set[Key]:
    """Margins that join two breakdowns: a quantity that is not shown but is the total, over
    two different dimensions, of shown ones (e.g. the period's victims: the sum of the years
    and the sum of the counties). A margin over one dimension only would add nothing."""
    over: dict[Key, set[int]] = {}
    for key in known:
        for at in positions:
            if key[at] is not None:
                over.setdefault(_with(key, at, None), set()).add(at)
    return {m for m, dims in over.items() if len(dims) >= 2 and m not in known}


def _members(value: str) -> set[str]:
    return set(value.split(_SEP))


def _breakdown(
    key: Key,
    at: int,
    fine: tuple[str, ...],
    known: set[Key],
    below: dict[tuple[Key, int], list[Key]],
) -> list[Key] | None:
    """The parts of `key` over the dimension at `at`, or None when nothing relates them.

    A total is the sum of disjoint categories or category groups that tables show (largest
    groups first, e.g. the four TIP categories), plus a derived remainder (the categories
    none of them covers) when they do not cover every category. A group is the sum of its
    members when a table shows one of them. Derived quantities are only made next to shown
    ones, so the system stays small."""
    value = key[at]
    if value is not None:
        if _SEP not in value:
            return None
        parts = [_with(key, at, m) for m in sorted(_members(value))]
        return parts if any(p in known for p in parts) else None
    shown = sorted(
        below.get((key, at), []),
        key=lambda k: (-len(_members(str(k[at]))), _label(k)),
    )
    family: list[Key] = []
    covered: set[str] = set()
    for child in shown:
        members = _members(str(child[at]))
        if not members & covered:
            family.append(child)
            covered |= members
    if not family:
        return None
    rest = set(fine) - covered
    return family + ([_with(key, at, group(*rest))] if rest else [])


def _system(table_keys: Sequence[Key], dims: dict[str, tuple[str, ...] | None]) -> _System:
    """Close the table quantities under the relations (see the module docstring)."""
    categories = _categories(table_keys, dims)
    ordered = list(dict.fromkeys(table_keys))
    known = set(ordered)
    relations: dict[tuple[Key, int], list[Key]] = {}
    changed = True
    while changed:
        changed = False
        new = sorted(_margins(known, categories), key=_label)
        below: dict[tuple[Key, int], list[Key]] = {}
        for key in known:
            for at in categories:
                if key[at] is not None:
                    below.setdefault((_with(key, at, None), at), []).append(key)
        for key in sorted(known, key=_label):
            for at, fine in categories.items():
                if (key, at) in relations:
                    continue
                parts = _breakdown(key, at, fine, known, below)
                if parts is not None:
                    relations[key, at] = parts
                    new.extend(p for p in parts if p not in known)
        for key in new:
            if key not in known:
                known.add(key)
                ordered.append(key)
                changed = True
    return _System(ordered, [(total, parts) for (total, _), parts in relations.items()])


@dataclass(frozen=True)
class ProtectedRelease:
    """The published form of every quantity; `quantities` holds no original counts."""

    quantities: pl.DataFrame  # KEY columns, `shown`, `status`
    audit: sdc.AuditResult

    def lookup(self, table_cells: pl.DataFrame) -> pl.DataFrame:
        """`table_cells` (from `cells`) with `shown` and `status`; a missing count stays
        empty."""
        found = table_cells.join(self.quantities, on=list(KEY), how="left", nulls_equal=True)
        return found.with_columns(
            pl.when(pl.col(COUNT).is_null())
            .then(None)
            .otherwise(pl.col(sdc.SHOWN))
            .alias(sdc.SHOWN)
        )


def _merged_counts(every: pl.DataFrame) -> dict[Key, int | None]:
    """One count per quantity; two tables giving one quantity different counts is a bug in
    a mapping (they would not be the same quantity)."""
    counts: dict[Key, int | None] = {}
    for *key_values, count in every.select(*KEY, COUNT).iter_rows():
        key = tuple(key_values)
        before = counts.get(key)
        if before is not None and count is not None and before != count:
            raise ValueError(f"{_label(key)} is {before} in one table and {count} in another")
        counts[key] = before if count is None else count
    return counts


def protect(tables: dict[str, pl.DataFrame], years: Iterable[int]) -> ProtectedRelease:
    """Protect every table in `tables` that has a mapping in CELLS, jointly."""
    every = pl.concat([CELLS[name](frame) for name, frame in tables.items() if name in CELLS])
    counts = _merged_counts(every)
    system = _system(list(counts), dimensions(years))
    system.relations.extend(_identities(system.keys))
    system.relations.extend(_status_sums(system.keys))
    position = {key: row for row, key in enumerate(system.keys)}
    shown_in_a_table = len(counts)
    frame = pl.DataFrame(
        {
            "quantity": [_label(k) for k in system.keys],
            "n": [counts.get(k) for k in system.keys],
            "_derived": [row >= shown_in_a_table for row in range(len(system.keys))],
        },
        schema={"quantity": pl.Utf8, "n": pl.Int64, "_derived": pl.Boolean},
    )
    relations = [
        sdc.Constraint(position[total], tuple(position[p] for p in parts), "joint")
        for total, parts in system.relations
    ]
    protected = sdc.protect(
        frame, ["quantity"], "n", unpublished=pl.col("_derived"), relations=relations
    )
    assert protected.audit is not None  # protect() always audits
    keys = pl.DataFrame(system.keys, schema=[(d, pl.Utf8) for d in KEY], orient="row")
    return ProtectedRelease(
        pl.concat([keys, protected.table.select(sdc.SHOWN, sdc.STATUS)], how="horizontal"),
        protected.audit,
    )


STATUS_SUFFIX = "__sdc_status"  # apart from any table column (e.g. legal_status)


def status_of(column: str) -> str:
    return f"{column}{STATUS_SUFFIX}"


def apply(frame: pl.DataFrame, table: str, release: ProtectedRelease) -> pl.DataFrame:
    """`frame` with each mapped count replaced by its published form (text) and a
    `status_of(column)` column beside it."""
    found = release.lookup(CELLS[table](frame))
    out = frame.with_row_index(ROW).with_columns(pl.col(ROW).cast(pl.Int64))
    for column in found[COLUMN].unique(maintain_order=True):
        mine = found.filter(pl.col(COLUMN) == column).select(
            ROW, pl.col(sdc.SHOWN).alias("_shown"), pl.col(sdc.STATUS).alias(status_of(column))
        )
        out = (
            out.join(mine, on=ROW, how="left")
            .with_columns(pl.col("_shown").alias(column))
            .drop("_shown")
        )
    return out.drop(ROW)
