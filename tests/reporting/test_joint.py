"""The joint model of a release: canonical quantities, derived relations, one suppression."""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
import pytest

from pipelines.reporting import joint, sdc
from tests.reporting import attacker

ROOT = Path(__file__).parents[2]


def _flat(text: str) -> str:
    return re.sub(r"[\s*`]+", " ", text)


def test_protection_width_is_the_same_in_rule_code_readme_and_attacker() -> None:
    phrase = r"must keep a range \(largest minus smallest value\) of at least (\d+)"
    in_docstring = re.search(phrase, _flat(sdc.__doc__ or ""))
    in_readme = re.search(phrase, _flat((ROOT / "README.md").read_text(encoding="utf-8")))
    assert in_docstring and in_readme
    assert int(in_docstring.group(1)) == int(in_readme.group(1)) == sdc.PROTECTION_WIDTH
    assert attacker.WIDTH == sdc.PROTECTION_WIDTH


# --- sdc with explicit relations -----------------------------------------------------------


def _flat_table(counts: dict[str, int]) -> pl.DataFrame:
    return pl.DataFrame({"cell": list(counts), "n": list(counts.values())})


def test_an_explicit_relation_is_used_by_the_audit_and_closed_by_protect() -> None:
    # 'all' = a + b without any `total` row: all 13 -> 15 (13..17) and b 10 (10..12) put
    # a at 1..7, narrower than the 1..9 of `<10`.
    table = _flat_table({"a": 3, "b": 10, "all": 13})
    relation = [sdc.Constraint(2, (0, 1), "explicit")]
    alone = sdc.audit(sdc.suppress_primary(table, ["cell"], "n"))
    assert alone.passed  # without the relation `a` is only known to be 1..9
    exposed = sdc.audit(sdc.suppress_primary(table, ["cell"], "n", relations=relation))
    assert not exposed.passed
    protected = sdc.protect(table, ["cell"], "n", relations=relation)
    assert protected.audit is not None and protected.audit.passed
    assert protected.table.filter(pl.col("cell") == "b")[sdc.STATUS].item() == sdc.SECONDARY


def test_a_relation_the_data_do_not_satisfy_is_refused() -> None:
    with pytest.raises(ValueError, match="add up to 43"):
        sdc.protect(
            _flat_table({"a": 3, "b": 40, "all": 50}),  # 3 + 40 is not 50
            ["cell"],
            "n",
            relations=[sdc.Constraint(2, (0, 1), "explicit")],
        )
    with pytest.raises(ValueError, match="distinct rows"):
        sdc.protect(_flat_table({"a": 3}), ["cell"], "n", relations=[sdc.Constraint(0, (0,), "x")])


# --- canonical quantities and derived relations --------------------------------------------


def _key(**values: str) -> joint.Key:
    return tuple(values.get(d) for d in joint.KEY)


def test_a_category_group_is_the_sum_of_its_forms_and_a_total_of_disjoint_groups() -> None:
    sexual = joint.form_group("eurostat_category", "sexual")
    assert sexual == "child_sexual_abuse_material+sexual"  # from the codelist seed
    year = _key(measure="victims", year="2020")
    groups = [
        _key(measure="victims", year="2020", form=joint.form_group("tip_category", c))
        for c in ("sex", "labor", "other", "unspecified")
    ]
    fine = _key(measure="victims", year="2020", form="sexual")
    system = joint._system([year, *groups, fine], joint.dimensions([2020]))
    relations = {total: set(parts) for total, parts in system.relations}
    assert relations[year] == set(groups)  # the TIP categories cover every form
    tip_sex = _key(measure="victims", year="2020", form=sexual)
    assert relations[tip_sex] == {
        _key(measure="victims", year="2020", form="child_sexual_abuse_material"),
        fine,
    }


def test_counties_shown_leave_an_unpublished_remainder_and_join_the_years() -> None:
    counties = [_key(measure="victims", county=c) for c in ("RO-AB", "RO-B")]
    years = [_key(measure="victims", year=y) for y in ("2020", "2021")]
    system = joint._system([*counties, *years], joint.dimensions([2020, 2021]))
    period = _key(measure="victims")
    rest = _key(measure="victims", county=joint.REST)
    assert period in system.keys and rest in system.keys  # derived: the period and the rest
    relations = {(total, frozenset(parts)) for total, parts in system.relations}
    assert relations == {(period, frozenset([*counties, rest])), (period, frozenset(years))}


def test_the_same_count_is_one_quantity_with_one_published_form() -> None:
    by_year = pl.DataFrame(
        {
            "year": [2020],
            **{c: [n] for c, n in zip(_BY_YEAR, [13, 3, 10, 0, 0, 13, 0], strict=True)},
            **{c: [0] for c in ("domestic", "transnational")},
            "scope_unknown": [13],
            "romanian_citizens": [13],
            "foreign_citizens": [0],
        }
    )
    sdg = pl.DataFrame(
        {
            "year": [2020] * 4,
            "sex": ["total", "F", "M", "U"],
            "age_group": ["total"] * 4,
            "exploitation_form": ["total"] * 4,
            "sdg_form": ["total"] * 4,
            "victims": [13, 3, 10, 0],
        }
    )
    release = joint.protect({"victims_by_year": by_year, "sdg_16_2_2": sdg}, [2020])
    year = joint.apply(by_year, "victims_by_year", release)
    cube = joint.apply(sdg, "sdg_16_2_2", release)
    assert year["female"].item() == "<10"
    # Published, male 10 (10..12) and the total 15 (13..17) would put female at 1..7, narrower
    # than the 1..9 that `<10` says: male is hidden, in both tables alike.
    assert year["male"].item() == cube.filter(pl.col("sex") == "M")["victims"].item() == "[c]"
    assert year["victims"].item() == cube.filter(pl.col("sex") == "total")["victims"].item()


_BY_YEAR = ("victims", "female", "male", "sex_unknown", "children", "adults", "age_unknown")


def test_two_tables_giving_one_quantity_different_counts_is_refused() -> None:
    a = pl.DataFrame({"exploitation_form": ["sexual"], "victims": [12]})
    b = pl.DataFrame(
        {
            "year": [2020],
            "sex": ["total"],
            "age_group": ["total"],
            "exploitation_form": ["sexual"],
            "sdg_form": ["sexual_exploitation"],
            "victims": [15],
        }
    )
    # One year only: the period's victims of a form are that year's.
    with pytest.raises(ValueError, match=r"(different|add up)"):
        joint.protect({"victims_by_form": a, "sdg_16_2_2": b}, [2020])


def test_a_public_table_keeps_every_column_of_the_internal_one() -> None:
    """A column that merely ends like the status columns (legal_status) is the table's own."""
    from pipelines.reporting import publish

    frame = pl.DataFrame(
        {
            "year": [2020, 2020],
            "legal_status": ["convicted", "convicted"],
            "sex": ["female", "male"],
            "persons": [12, 3],
        }
    )
    release = joint.protect({"persons_by_legal_status_sex": frame}, [2020])
    public = publish.counts_only(frame, "persons_by_legal_status_sex", release)
    assert public.columns == frame.columns
    assert public["legal_status"].to_list() == ["convicted", "convicted"]


def test_registered_is_identified_plus_presumed_and_identified_is_the_years_victims() -> None:
    """Identified 4 (<10), presumed 12 and registered 16: published as 10 and 15, they would
    put identified at 1..7 (narrower than the 1..9 of `<10`), so one of them is hidden."""
    status = pl.DataFrame({"year": [2020], "identified": [4], "presumed": [12], "registered": [16]})
    by_year = pl.DataFrame(
        {
            "year": [2020],
            **{c: [n] for c, n in zip(_BY_YEAR, [4, 4, 0, 0, 0, 4, 0], strict=True)},
            **{c: [0] for c in ("domestic", "transnational")},
            "scope_unknown": [4],
            "romanian_citizens": [4],
            "foreign_citizens": [0],
        }
    )
    release = joint.protect({"victims_by_status": status, "victims_by_year": by_year}, [2020])
    public = joint.apply(status, "victims_by_status", release)
    assert public["identified"].item() == "<10"
    assert "[c]" in (public["presumed"].item(), public["registered"].item())
    year = joint.apply(by_year, "victims_by_year", release)
    assert year["victims"].item() == public["identified"].item()


def test_status_counts_that_do_not_add_up_are_refused() -> None:
    status = pl.DataFrame(
        {"year": [2020], "identified": [40], "presumed": [12], "registered": [70]}
    )
    with pytest.raises(ValueError, match=r"(different|add up|satisf)"):
        joint.protect({"victims_by_status": status}, [2020])


def test_a_small_presumed_count_hides_registered_not_the_official_count() -> None:
    """Presumed 7 (<10) beside identified 37 (35: 33..37) and registered 44 (45: 43..47)
    would be 6..9: a complement is needed, and it is registered, a total of one relation,
    not the year's victims that the sex, age and scope breakdowns add up to."""
    status = pl.DataFrame({"year": [2020], "identified": [37], "presumed": [7], "registered": [44]})
    by_year = pl.DataFrame(
        {
            "year": [2020],
            **{c: [n] for c, n in zip(_BY_YEAR, [37, 30, 7, 0, 12, 25, 0], strict=True)},
            "domestic": [10],
            "transnational": [27],
            "scope_unknown": [0],
            "romanian_citizens": [37],
            "foreign_citizens": [0],
        }
    )
    release = joint.protect({"victims_by_status": status, "victims_by_year": by_year}, [2020])
    public = joint.apply(status, "victims_by_status", release)
    assert public.select("identified", "presumed", "registered").row(0) == ("35", "<10", "[c]")
    assert joint.apply(by_year, "victims_by_year", release)["victims"].item() == "35"


def test_estimates_are_published_to_the_nearest_ten_or_withheld_over_few_persons() -> None:
    from pipelines.reporting import publish

    sdg = pl.DataFrame(
        {
            "year": [2020, 2021],
            "sex": ["total"] * 2,
            "age_group": ["total"] * 2,
            "exploitation_form": ["total"] * 2,
            "sdg_form": ["total"] * 2,
            "victims": [40, 30],
            "population": [19_000_000] * 2,
            "rate_per_100k": [0.2, 0.15],
            "estimated_total": [64, 47],
            "estimated_total_low": [55, 31],
            "estimated_total_high": [125, 80],
        }
    )
    estimates = pl.DataFrame({"year": [2020, 2021], "observed": [52, 9]})
    release = joint.protect({"sdg_16_2_2": sdg}, [2020, 2021])
    public = publish.sdg_16_2_2(sdg, release, estimates)
    columns = ("estimated_total", "estimated_total_low", "estimated_total_high")
    assert public.select(columns).rows() == [("60", "60", "130"), ("[c]", "[c]", "[c]")]
    assert public.columns == sdg.columns
