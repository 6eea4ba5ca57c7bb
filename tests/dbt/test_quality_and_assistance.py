"""The data-quality scorecard and the assistance-programme view on a hand-written warehouse.

Every expected value below is worked out by hand from these records:

ANITP 2020, first extract 2021-01-15: 4 rows read, K1 K2 and one without CNP accepted,
row 5 quarantined (date_after_extract). Revision 2021-03-01: 6 rows read, 4 accepted:
  K1 F born 1990 Iași, DE, sexual | no CNP, M, no birth date, county, form or country
  K2 F born 1985 Iași | K3 M born 1970 Cluj, labour
  row 6 quarantined twice (not_in_vocabulary in SEX and JUDET: one row), row 7 duplicate_row.
  Plus a rejected file and a duplicate file (same SHA-256) for 2020.
ANITP 2021, extract 2022-03-01: 2 rows read: K1 F 1990 Iași, K2 F 1985 Iași.
Police 2020 (2021-01-10): P-2020-000001 (-> 10/D/P/2020), victim K1 F 1990 Brașov;
  P-2020-000003 in progress, never referred.
Police 2021-02 (2021-03-10): an empty monthly extract.
DIICOT 2020: 10/D/P/2020 indictment, sent to Tribunalul Iași, organised group, cross-border;
  12/D/P/2020 dismissal (flags NU); 13/D/P/2020 in progress (flags empty).
Courts 2021: 10/D/P/2020 first instance Tribunalul Iași (row 1), appeal Curtea de Apel Iași
  final (row 2); court file 3/99/2021 (prosecutor case 11/D/P/2020, not in DIICOT's extract)
  first instance at Tribunalul Constanța, not final.
NGO 2020: ADPARE: K1 F RO 1990 Iași 'p-2020-000001 ' (the police number, lower case);
  K3 F RO 1971 Cluj '10/D/P/2020'; no CNP M MD 1980 '12/D/P/2020'; no CNP, sex and
  citizenship unknown, no birth year, not in proceedings; K1 again '13/D/P/2020'.
  IOM: K2 F RO 1985 Iași 'P-2020-000003'; K4 M UA '3/99/2021'; K5 F RO '99/D/P/2020' (in no
  record), entry date missing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import pytest

from tests.dbt.fixture import Builder

pytestmark = pytest.mark.slow
D = dt.date


def build_world(path: Path) -> None:
    b = Builder()
    first = b.file("anitp", "2020", D(2021, 1, 15), rows_read=4)
    for row, person in enumerate(["K1", "K2", None], start=2):
        b.victim(first, row, person, D(2020, 3, 1), born=D(1990, 5, 1))
    b.quarantined(first, 5, "date_after_extract", "DATA_IDENTIFICARE")
    revised = b.file("anitp", "2020", D(2021, 3, 1), rows_read=6)
    b.victim(revised, 2, "K1", D(2020, 3, 1), born=D(1990, 5, 1))
    b.victim(revised, 3, None, D(2020, 4, 1), sex="M", county=None, form="unknown", country=None)
    b.victim(revised, 4, "K2", D(2020, 5, 1), born=D(1985, 1, 1))
    b.victim(revised, 5, "K3", D(2020, 6, 1), sex="M", county="RO-CJ", form="labour",
             born=D(1970, 1, 1))  # fmt: skip
    b.quarantined(revised, 6, "not_in_vocabulary", "SEX")
    b.quarantined(revised, 6, "not_in_vocabulary", "JUDET_RESEDINTA")
    b.quarantined(revised, 7, "duplicate_row")
    b.file("anitp", "2020", D(2021, 2, 1), status="rejected")
    b.file("anitp", "2020", D(2021, 1, 15), status="duplicate", suffix="_copy")
    later = b.file("anitp", "2021", D(2022, 3, 1), rows_read=2)
    b.victim(later, 2, "K1", D(2021, 2, 1), born=D(1990, 5, 1))
    b.victim(later, 3, "K2", D(2021, 3, 1), born=D(1985, 1, 1))

    police = b.file("politie", "2020", D(2021, 1, 10), rows_read=3)
    b.case(police, 2, "P-2020-000001", "police", D(2020, 1, 20), prosecutor="10/D/P/2020")
    b.victim(police, 2, "K1", D(2020, 1, 20), county="RO-BV", born=D(1990, 5, 1))
    b.case(police, 3, "P-2020-000003", "police", D(2020, 6, 1), status="in_progress")
    b.file("politie", "2021-02", D(2021, 3, 10))

    diicot = b.file("diicot", "2020", D(2021, 1, 20))
    prosecution = {"stage": "prosecution", "sheet": "Dosare"}
    b.case(diicot, 5, "10/D/P/2020", registered=D(2020, 2, 1), decision="indictment",
           decided=D(2020, 10, 1), court="Tribunalul Iași", organised=True, cross_border=True,
           **prosecution)  # fmt: skip
    b.case(diicot, 6, "12/D/P/2020", registered=D(2020, 3, 1), decision="dismissal",
           decided=D(2020, 9, 1), organised=False, cross_border=False,
           **prosecution)  # fmt: skip
    b.case(diicot, 7, "13/D/P/2020", registered=D(2020, 4, 1), decision="in_progress",
           **prosecution)  # fmt: skip

    courts = b.file("instante", "2021", D(2022, 1, 15))
    b.decision(courts, 1, "D1", "first_instance", D(2021, 3, 1), final=False, months=36,
               suspended=True)  # fmt: skip
    b.decision(courts, 2, "D1", "appeal", D(2021, 9, 1), final=True, months=36, suspended=True,
               court="Curtea de Apel Iași")  # fmt: skip
    b.decision(courts, 3, "D2", "first_instance", D(2021, 6, 1), final=False, months=60,
               suspended=False, prosecutor="11/D/P/2020",
               court="Tribunalul Constanța")  # fmt: skip

    ngo = b.file("ong", "2020", D(2021, 1, 30))
    adpare = {"provider": "ADPARE", "participates": "yes"}
    b.assisted(ngo, 2, "K1", D(2020, 5, 1), sex="F", county="RO-IS", birth_year=1990,
               case="p-2020-000001 ", **adpare)  # fmt: skip
    b.assisted(ngo, 3, "K3", D(2020, 6, 1), sex="F", birth_year=1971, case="10/D/P/2020",
               **adpare)  # fmt: skip
    b.assisted(ngo, 4, None, D(2020, 7, 1), citizenship="MD", birth_year=1980,
               case="12/D/P/2020", **adpare)  # fmt: skip
    b.assisted(ngo, 5, None, D(2020, 8, 1), sex="U", citizenship=None, participates="no")
    b.assisted(ngo, 6, "K1", D(2020, 9, 1), sex="F", county="RO-IS", birth_year=1990,
               case="13/D/P/2020", **adpare)  # fmt: skip
    iom = {"provider": "IOM", "participates": "yes"}
    b.assisted(ngo, 7, "K2", D(2020, 2, 1), sex="F", county="RO-IS", birth_year=1985,
               case="P-2020-000003", **iom)  # fmt: skip
    b.assisted(ngo, 8, "K4", D(2020, 3, 1), citizenship="UA", birth_year=1992, case="3/99/2021",
               **iom)  # fmt: skip
    b.assisted(ngo, 9, "K5", None, sex="F", birth_year=1999, case="99/D/P/2020", **iom)
    b.write(path)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.dbt.conftest import dbt_build

    scratch = tmp_path_factory.mktemp("quality")
    warehouse = scratch / "warehouse.duckdb"
    build_world(warehouse)
    done = dbt_build(warehouse, scratch)
    assert done.returncode == 0, done.stdout[-4000:]
    return warehouse


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def scorecard(warehouse: Path, agency: str, period: str) -> dict[str, tuple[Any, ...]]:
    rows = query(
        warehouse,
        "SELECT measure || coalesce(':' || rule, ''), numerator, denominator, value, status "
        f"FROM marts.rpt_data_quality WHERE source_agency = '{agency}' AND period = '{period}'",
    )
    return {row[0]: row[1:] for row in rows}


def test_completeness_counts_the_latest_extract_and_skips_fields_not_recorded(
    world: Path,
) -> None:
    anitp = scorecard(world, "anitp", "2020")
    assert anitp["cnp_valid"] == (3, 4, 0.75, "amber")
    assert anitp["birth_date"] == (3, 4, 0.75, "red")
    assert anitp["residence_county"] == (3, 4, 0.75, "red")
    assert anitp["exploitation_form"] == (3, 4, 0.75, "red")
    assert anitp["exploitation_country"] == (3, 4, 0.75, "red")
    ngo = scorecard(world, "ong", "2020")
    assert ngo["cnp_valid"] == (6, 8, 0.75, "amber")
    assert ngo["birth_date"] == (7, 8, 0.875, "amber")  # the NGOs' birth year
    assert ngo["exploitation_country"] == (None, None, None, "not_applicable")
    courts = scorecard(world, "instante", "2021")
    assert courts["residence_county"] == (None, None, None, "not_applicable")
    assert courts["cnp_valid"] == (3, 3, 1.0, "green")
    empty_month = scorecard(world, "politie", "2021-02")
    assert empty_month["cnp_valid"] == (None, None, None, "no_data")


def test_validity_and_uniqueness_count_distinct_quarantined_rows_by_rule(world: Path) -> None:
    anitp = scorecard(world, "anitp", "2020")
    assert anitp["quarantined_share"] == (2, 6, 0.333333, "red")
    assert anitp["quarantined_share_by_rule:not_in_vocabulary"] == (1, 6, 0.166667, "red")
    assert anitp["quarantined_share_by_rule:duplicate_row"] == (1, 6, 0.166667, "red")
    # a rule of the superseded extract only: 0 in the latest
    assert anitp["quarantined_share_by_rule:date_after_extract"] == (0, 6, 0.0, "green")
    assert anitp["duplicate_row_share"] == (1, 6, 0.166667, "red")
    assert anitp["files_rejected"][2:] == (1.0, "amber")
    assert anitp["duplicate_files"][2:] == (1.0, "amber")
    assert scorecard(world, "anitp", "2021")["duplicate_files"][2:] == (0.0, "green")


def test_timeliness_measures_days_vintages_and_revisions(world: Path) -> None:
    anitp = scorecard(world, "anitp", "2020")
    assert anitp["days_to_first_extract"][2:] == (15.0, "green")
    assert anitp["vintages"][2:] == (2.0, "green")
    # 3 person rows in the first extract, 4 in the revision
    assert anitp["revision_change_share"] == (1, 3, 0.333333, "red")
    assert scorecard(world, "anitp", "2021")["revision_change_share"] == (0, 2, 0.0, "green")
    assert scorecard(world, "anitp", "2021")["days_to_first_extract"][2:] == (60.0, "amber")
    assert scorecard(world, "politie", "2021-02")["days_to_first_extract"][2:] == (10.0, "green")


def test_consistency_compares_persons_linked_by_cnp_with_the_other_agencies(world: Path) -> None:
    # 2020: K1 agrees on sex and birth year, not county (police: Brașov); K2 agrees with IOM
    # on all three; K3 (M 1970) disagrees with ADPARE (F 1971) on sex and year, not county.
    anitp = scorecard(world, "anitp", "2020")
    for measure in ("sex_agreement", "birth_year_agreement", "county_agreement"):
        assert anitp[measure] == (2, 3, 0.666667, "red"), measure
    later = scorecard(world, "anitp", "2021")
    assert later["sex_agreement"] == (2, 2, 1.0, "green")
    assert later["county_agreement"] == (1, 2, 0.5, "red")


def test_change_since_the_previous_period(world: Path) -> None:
    rows = query(
        world,
        "SELECT measure, previous_period, previous_value, change, previous_status "
        "FROM marts.rpt_data_quality WHERE source_agency = 'anitp' AND period = '2021' "
        "AND measure IN ('cnp_valid', 'county_agreement', 'quarantined_share') ORDER BY measure",
    )
    assert rows == [
        ("cnp_valid", "2020", 0.75, 0.25, "amber"),
        ("county_agreement", "2020", 0.666667, -0.166667, "red"),
        ("quarantined_share", "2020", 0.333333, -0.333333, "red"),
    ]
    first = query(
        world,
        "SELECT count(*) FROM marts.rpt_data_quality WHERE source_agency = 'anitp' "
        "AND period = '2020' AND (previous_period IS NOT NULL OR change IS NOT NULL)",
    )
    assert first == [(0,)]


ASSISTANCE_COLUMNS = (
    "persons_assisted, female, male, sex_unknown, romanian_citizens, foreign_citizens, "
    "citizenship_unknown, persons_in_proceedings, persons_not_in_proceedings, "
    "persons_with_case_number, persons_in_linked_cases, cases, cases_linked, cases_not_found, "
    "cases_investigation, cases_closed_without_trial, cases_sent_to_court, "
    "cases_first_instance_decision, cases_final_decision, cases_organised_group, "
    "cases_cross_border, cases_flags_unknown"
)


def test_assistance_programme_per_organisation_and_year(world: Path) -> None:
    rows = query(
        world,
        f"SELECT provider_name, year, {ASSISTANCE_COLUMNS} "
        "FROM marts.rpt_assistance_programme ORDER BY provider_name",
    )
    assert rows == [
        # K1 (twice), K3, two without CNP; cases 10 (via the police number; final on appeal),
        # 12 (dismissed), 13 (in progress)
        ("ADPARE", 2020, 4, 2, 1, 1, 2, 1, 1, 3, 1, 3, 3, 3, 3, 0, 1, 1, 0, 0, 1, 1, 1, 1),
        # K2 (police case never referred), K4 (court file -> 11/D/P/2020), K5 (no record);
        # K5's missing entry date falls back to the extract's year
        ("IOM", 2020, 3, 2, 1, 0, 2, 1, 0, 3, 0, 3, 2, 3, 2, 1, 1, 0, 0, 1, 0, 0, 0, 2),
    ]


def test_assistance_cases_by_court_of_appeal_region(world: Path) -> None:
    rows = query(
        world,
        "SELECT provider_name, year, court_of_appeal, cases "
        "FROM marts.rpt_assistance_court_regions ORDER BY all",
    )
    assert rows == [
        ("ADPARE", 2020, "Curtea de Apel Iași", 1),
        ("IOM", 2020, "Curtea de Apel Constanța", 1),
    ]
