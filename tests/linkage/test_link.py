"""Who is who on a handful of records: spelling, namesakes, CNP typos, reviewers' decisions."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import polars as pl
import pytest

from pipelines import settings
from pipelines.defs.linkage import person_link
from pipelines.defs.resources import WarehouseResource
from pipelines.ingest import warehouse as wh
from pipelines.linkage import link
from pipelines.linkage.link import link_persons
from pipelines.linkage.review import DecisionFileError
from sources.common.privacy import pseudonymise_cnp, pseudonymise_name
from tests.cnp import make_cnp

KEY = b"linkage-test-key-0123456789"
THRESHOLD = 0.95
BAND = (0.5, 0.99)


def person(record_id: str, agency: str, surname: str, given: str, **extra: Any) -> dict[str, Any]:
    return {
        "record_id": record_id,
        "source_agency": agency,
        "nume": surname,
        "prenume": given,
        "cnp": extra.get("cnp"),
        "birth_date": extra.get("born"),
        "birth_year": extra.get("year") or (extra["born"].year if extra.get("born") else None),
        "sex": extra.get("sex", "F"),
        "citizenship_code": extra.get("citizenship", "RO"),
        "residence_county_code": extra.get("county", "RO-IS"),
    }


def warehouse(rows: list[dict[str, Any]]) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse whose person records went through the readers' pseudonyms."""
    raw = pl.DataFrame(
        rows,
        schema_overrides={"cnp": pl.Utf8, "birth_date": pl.Date, "birth_year": pl.Int64},
    )
    keyed = pseudonymise_cnp(raw, "cnp", KEY)
    keyed = pseudonymise_name(
        keyed, ["nume", "prenume"], pl.col("birth_date"), pl.col("birth_year"), KEY
    )
    records = keyed.rename({"cnp_key": "person_key"}).with_columns(
        pl.col("record_id").alias("source_file"),
        pl.lit(1).alias("source_row"),
        pl.lit("2020").alias("period"),
        pl.lit(dt.date(2021, 1, 10)).alias("extract_date"),
        pl.lit("victim").alias("role"),
    )
    con = duckdb.connect()
    wh.ensure_tables(con)
    wh.insert(con, "unified.person_record", records)
    return con


def persons(con: duckdb.DuckDBPyConnection, decisions: Path | None = None) -> dict[str, str]:
    link_persons(
        con,
        threshold=THRESHOLD,
        band=BAND,
        decisions_path=decisions or Path("/nonexistent/decisions.csv"),
        memory=settings.DEFAULT_LINKAGE_MEMORY,
    )
    return dict(con.execute("SELECT record_id, person_id FROM unified.person_link").fetchall())


def test_a_warehouse_without_person_records_links_no_one() -> None:
    con = duckdb.connect()
    wh.ensure_tables(con)
    assert persons(con) == {}


def test_the_outcome_says_how_long_each_phase_took() -> None:
    con = duckdb.connect()
    wh.ensure_tables(con)
    outcome = link_persons(
        con,
        threshold=THRESHOLD,
        band=BAND,
        decisions_path=Path("/nonexistent/decisions.csv"),
        memory=settings.DEFAULT_LINKAGE_MEMORY,
    )
    assert list(outcome.seconds) == ["load", "train", "score", "cluster", "review", "write"]
    assert all(seconds >= 0 for seconds in outcome.seconds.values())


BORN = dt.date(1994, 5, 17)


def test_one_person_spelt_differently_is_one_person() -> None:
    con = warehouse(
        [
            person("police", "politie", "ȘERBAN", "Mihai", born=BORN, sex="M"),
            person("ngo", "ong", "Sherbam", "Mihay", year=1994, sex="M"),
            person("court", "instante", "Mihai", "Serban", born=BORN, sex="M"),  # swapped
        ]
    )
    linked = persons(con)
    assert linked["police"] == linked["ngo"] == linked["court"]


def test_swapped_names_known_by_birth_year_alone_are_one_person() -> None:
    con = warehouse(
        [
            person("police", "politie", "Lazăr", "Ioana", born=BORN),
            person("ngo", "ong", "Ioana", "LAZAR", year=1994),
        ]
    )
    linked = persons(con)
    assert linked["police"] == linked["ngo"]


def test_namesakes_born_in_different_years_are_two_persons() -> None:
    con = warehouse(
        [
            person("a", "politie", "Popescu", "Maria", born=dt.date(1990, 3, 4)),
            person("b", "ong", "POPESCU", "Maria", year=1996),
        ]
    )
    linked = persons(con)
    assert linked["a"] != linked["b"]


def test_a_cnp_failing_only_its_check_digit_is_the_person_of_the_valid_one() -> None:
    valid = make_cnp("294051722001")
    mistyped = valid[:12] + str((int(valid[12]) + 1) % 10)
    other = make_cnp("294051722002")  # another person, same name and birth date
    con = warehouse(
        [
            person("valid", "politie", "Lupu", "Ana", born=BORN, cnp=valid),
            person("typo", "anitp", "Lupu", "Ana", born=BORN, cnp=mistyped),
            person("other", "diicot", "Lupu", "Ana", born=BORN, cnp=other),
        ]
    )
    linked = persons(con)
    assert linked["valid"] == linked["typo"] != linked["other"]
    how = dict(con.execute("SELECT record_id, link_method FROM unified.person_link").fetchall())
    assert how["typo"] == "cnp"


def test_records_of_one_cnp_stem_are_one_person_and_never_put_to_a_reviewer() -> None:
    """One CNP stem is one person whatever else the records say (their names and counties
    disagree here, enough to score the pair in the review band): a reviewer's decision on
    such a pair could change nothing, so none is asked for."""
    cnp = make_cnp("294051722001")
    con = warehouse(
        [
            person("police", "politie", "Lupu", "Ana", born=BORN, cnp=cnp),
            person(
                "court", "instante", "Marin", "Dana", year=BORN.year + 1, county="RO-CJ", cnp=cnp
            ),
        ]
    )
    linked = persons(con)
    assert linked["police"] == linked["court"]
    how = dict(con.execute("SELECT record_id, link_method FROM unified.person_link").fetchall())
    assert how == {"police": "cnp", "court": "cnp"}
    assert con.execute("SELECT count(*) FROM ops.linkage_review").fetchone() == (0,)


def review_pair(con: duckdb.DuckDBPyConnection) -> tuple[str, float, str]:
    rows = con.execute(
        "SELECT pair_id, match_probability, evidence FROM ops.linkage_review"
    ).fetchall()
    assert len(rows) == 1
    pair_id, probability, evidence = rows[0]
    return str(pair_id), float(probability), str(evidence)


# Same name and birth year, one record without a date and another county: near the threshold.
DOUBTFUL = [
    person("a", "politie", "Ionescu", "Elena", born=BORN),
    person("b", "ong", "Ionescu", "Elena", year=1994, county="RO-CJ", sex="U"),
]


def test_a_doubtful_pair_goes_to_review_with_pseudonymous_evidence() -> None:
    con = warehouse(DOUBTFUL)
    persons(con)
    pair_id, probability, evidence = review_pair(con)
    assert BAND[0] <= probability < BAND[1]
    weights = json.loads(evidence)
    assert set(weights) == {
        "name",
        "birth",
        "sex",
        "citizenship",
        "county",
        "case",
        "cnp",
        "episode",
        "exploitation",
    }
    assert weights["name"] > 0 and weights["county"] < 0
    assert "Ionescu".lower() not in evidence.lower() and "1994" not in evidence
    again = warehouse(DOUBTFUL)
    persons(again)
    assert review_pair(again)[0] == pair_id  # stable across runs


@pytest.mark.parametrize(("decision", "one_person"), [("match", True), ("no match", False)])
def test_a_reviewers_decision_is_applied_and_the_file_left_alone(
    tmp_path: Path, decision: str, one_person: bool
) -> None:
    con = warehouse(DOUBTFUL)
    persons(con)
    pair_id, _, _ = review_pair(con)
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"pair_id,decision\n{pair_id},{decision}\n")
    before = decisions.read_bytes()
    linked = persons(con, decisions)
    assert (linked["a"] == linked["b"]) is one_person
    assert decisions.read_bytes() == before
    recorded = con.execute("SELECT decision FROM ops.linkage_review").fetchall()
    assert recorded == [(decision,)]


def test_a_reviewer_can_split_a_pair_the_model_would_link(tmp_path: Path) -> None:
    con = warehouse(
        [
            person("a", "politie", "Radu", "Ioana", born=BORN),
            person("b", "diicot", "Radu", "Ioana", born=BORN),
        ]
    )
    assert len(set(persons(con).values())) == 1
    ((pair_id,),) = con.execute(
        "SELECT substr(sha256('a|b'), 1, 16)"  # the pair id a reviewer reads in the table
    ).fetchall()
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(f"pair_id,decision\n{pair_id},no match\n")
    assert len(set(persons(con, decisions).values())) == 2


@pytest.mark.parametrize("content", ["pair_id,decision\nabc,maybe\n", "pair,verdict\nabc,match\n"])
def test_an_unusable_decision_file_is_refused_in_one_line(tmp_path: Path, content: str) -> None:
    decisions = tmp_path / "decisions.csv"
    decisions.write_text(content)
    with pytest.raises(DecisionFileError) as error:
        persons(warehouse(DOUBTFUL), decisions)
    assert "\n" not in str(error.value)


def test_a_record_without_name_or_cnp_meets_a_list_by_county_and_month_identified() -> None:
    """A foreign victim in ANITP's register (no name, no CNP) and an NGO's record of her
    with a birth year only share no name, CNP or birth date: only the blocks for records
    without a name make them a candidate pair, to be scored."""
    born = dt.date(1999, 2, 3)
    con = warehouse(
        [
            person("register", "anitp", None, None, born=born, citizenship="MD"),
            person("ngo", "ong", "Rusu", "Olga", year=1999, citizenship="MD"),
        ]
    )
    for table, column, record in (
        ("victim_identification", "identification_date", "register"),
        ("assistance_episode", "programme_entry_date", "ngo"),
    ):
        con.execute(
            f"INSERT INTO unified.{table} (record_id, source_agency, {column}, exploitation_form)"
            " VALUES (?, ?, ?, 'sexual')",
            [record, "anitp" if record == "register" else "ong", dt.date(2021, 3, 9)],
        )
    linked = persons(con)
    scored = con.execute(
        "SELECT count(*) FROM ops.linkage_review WHERE source_agency_l <> source_agency_r"
    ).fetchall()
    assert linked["register"] == linked["ngo"] or scored == [(1,)]


@pytest.fixture
def spill(tmp_path: Path) -> str:
    """The linkage's temporary folder (its scratch database and spill)."""
    folder = tmp_path / "spill"
    folder.mkdir()
    return str(folder)


def test_a_linkage_that_outgrows_its_scratch_fails_in_one_line(
    spill: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(link, "spill_cap", lambda spill: 64 * 2**20)
    with pytest.raises(link.LinkageScratchError) as error, link._scratch(spill, "32MB") as scratch:
        # About 200 MB of text sorted: more than 32 MB of memory and 64 MiB of disk.
        scratch.execute(
            "CREATE TABLE t AS SELECT md5(range::VARCHAR) AS k FROM range(5000000) ORDER BY k"
        )
    message = str(error.value)
    assert "\n" not in message
    assert "32MB of memory and 0.1 GiB of disk" in message
    assert f"in {tmp_path} " in message and "TMPDIR" in message


def test_a_linkage_step_that_cannot_spill_names_memory_not_disk(spill: str) -> None:
    with pytest.raises(link.LinkageScratchError) as error, link._scratch(spill, "32MB") as scratch:
        # One 100 MB string: an aggregate DuckDB holds in memory, whatever the disk.
        scratch.execute("SELECT string_agg(md5(range::VARCHAR), ',') FROM range(3000000)")
    message = str(error.value)
    assert "\n" not in message
    assert "more than 32MB of memory for a step that cannot spill to disk" in message
    assert "TIPSTATS_LINKAGE_MEMORY" in message and "TMPDIR" not in message


def test_the_scratch_keeps_its_tables_on_disk_not_in_memory(
    spill: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(link, "spill_cap", lambda spill: 16 * 2**20)
    with link._scratch(spill, "64MB") as scratch:
        # About 200 MB of text: three times the memory and more than the spill allowed,
        # which an in-memory scratch database would have to hold in one or the other.
        scratch.execute("CREATE TABLE t AS SELECT md5(range::VARCHAR) AS k FROM range(5000000)")
        assert scratch.execute("SELECT count(*) FROM t").fetchall() == [(5_000_000,)]


def test_the_linkage_memory_is_a_size_or_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(settings.LINKAGE_MEMORY_ENV, raising=False)
    assert settings.linkage_memory() == settings.DEFAULT_LINKAGE_MEMORY
    for size in ("1500MB", "3 GiB", "0.5gb"):
        monkeypatch.setenv(settings.LINKAGE_MEMORY_ENV, size)
        assert settings.linkage_memory() == size
    monkeypatch.setenv(settings.LINKAGE_MEMORY_ENV, "lots")
    with pytest.raises(ValueError, match=r"TIPSTATS_LINKAGE_MEMORY must be a size .* not 'lots'"):
        settings.linkage_memory()


def test_a_memory_setting_that_is_no_size_fails_the_linkage_step_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(settings.LINKAGE_MEMORY_ENV, "plenty")
    warehouse = WarehouseResource(path=str(tmp_path / "w.duckdb"))
    with pytest.raises(dg.Failure) as failure:
        person_link(dg.build_asset_context(), warehouse)
    assert failure.value.description == (
        "linkage: TIPSTATS_LINKAGE_MEMORY must be a size such as 2GB or 1500MB, not 'plenty'"
    )
    assert not (tmp_path / "w.duckdb").exists()  # stopped before the warehouse was opened
