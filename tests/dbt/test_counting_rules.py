"""Counting rules on the hand-written warehouse (tests/dbt/fixture.py); expectations by hand."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path
from typing import Any

import duckdb
import openpyxl
import pytest

from pipelines.reporting.tables import write_tables

pytestmark = pytest.mark.slow
SEEDS = Path(__file__).parents[2] / "dbt_project" / "seeds" / "reference"


def query(warehouse: Path, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def county_population(county: str, year: int) -> int:
    with (SEEDS / "ref_population_county_year.csv").open(encoding="utf-8") as handle:
        return next(
            int(r["population"])
            for r in csv.DictReader(handle)
            if r["iso_3166_2"] == county and int(r["year"]) == year
        )


def test_person_registered_twice_counts_once_and_revision_supersedes(marts: Path) -> None:
    # 2020 revision: K1 (twice), N1, K3 -> 3 persons; K2 was only in the superseded extract.
    row = query(
        marts,
        "SELECT victims, female, male, children, adults, domestic, transnational, "
        "romanian_citizens, foreign_citizens FROM marts.rpt_victims_by_year WHERE year = 2020",
    )
    assert row == [(3, 1, 2, 1, 2, 1, 2, 2, 1)]
    assert query(marts, "SELECT victims FROM marts.rpt_victims_by_year WHERE year = 2021") == [(1,)]
    # the superseded vintage stays queryable
    assert query(
        marts,
        "SELECT count(*) FROM unified.victim_identification "
        "WHERE source_file = 'anitp_2020_20210115'",
    ) == [(4,)]


def test_unknown_residence_counts_nationally_not_in_a_county(marts: Path) -> None:
    counties = dict(
        query(
            marts,
            "SELECT county_code, victims FROM marts.rpt_victims_by_county_year "
            "WHERE year = 2020 AND victims > 0",
        )
    )
    assert counties == {"RO-IS": 1, "RO-CJ": 1}
    assert query(
        marts, "SELECT count(*) FROM marts.rpt_victims_by_county_year WHERE year = 2020"
    ) == [(42,)]


def test_rate_is_victims_over_population(marts: Path) -> None:
    population = sum(
        county_population(row[0], 2020)
        for row in query(marts, "SELECT county_code FROM marts.dim_county")
    )
    ((rate,),) = query(
        marts, "SELECT rate_per_100k FROM marts.rpt_victims_by_year WHERE year = 2020"
    )
    assert rate == pytest.approx(3 * 100_000 / population)


def test_plea_agreement_counts_as_sent_to_court(marts: Path) -> None:
    rows = dict(
        query(marts, "SELECT year, persons_sent_to_court FROM marts.rpt_criminal_justice_by_year")
    )
    assert rows[2020] == 1  # D1, plea agreement 2020-05-10
    assert rows[2021] == 1  # D2, indictment 2021-01-05 (by year of the solution)


def test_suspended_sentence_is_a_conviction(marts: Path) -> None:
    row = query(
        marts,
        "SELECT persons_convicted_first_instance, persons_convicted_final, custodial_sentences, "
        "suspended_sentences, confiscation_lei, damages_lei "
        "FROM marts.rpt_criminal_justice_by_year WHERE year = 2021",
    )
    assert row == [(2, 2, 1, 1, 1000.0, 700.0)]


def test_zero_and_unknown_differ(marts: Path) -> None:
    (row,) = query(
        marts,
        "SELECT police_cases_registered, persons_suspected, persons_convicted_final "
        "FROM marts.rpt_criminal_justice_by_year WHERE year = 2020",
    )
    # police delivered 2020 (2 cases); suspects D1 (police and DIICOT, once), S4, D2, S3;
    # no court extract covers 2020 and no court decision falls in it: unknown, not zero.
    assert row == (2, 4, None)
    (later,) = query(
        marts,
        "SELECT police_cases_registered FROM marts.rpt_criminal_justice_by_year WHERE year = 2021",
    )
    assert later == (None,)


def test_reconciliation_explains_each_combination(marts: Path) -> None:
    rows = {
        seen_by: persons
        for seen_by, persons in query(
            marts, "SELECT seen_by, persons FROM marts.rpt_agency_reconciliation WHERE year = 2020"
        )
    }
    # K1: ANITP + police + prosecution; N1: ANITP only; K3: ANITP + NGO; the police victim
    # without CNP cannot be linked: police only.
    assert rows == {"ANITP + police + prosecution": 1, "ANITP": 1, "ANITP + NGO": 1, "police": 1}


def test_case_flow_links_police_prosecutor_and_courts(marts: Path) -> None:
    (flow,) = query(
        marts,
        "SELECT days_police_to_prosecutor, days_prosecutor_to_decision, "
        "days_decision_to_first_instance, days_first_instance_to_final "
        "FROM marts.fct_case_flow WHERE police_case_number = 'P-2020-000001'",
    )
    # 2020-01-20 -> 2020-02-01 -> 2020-05-10 -> 2021-03-01 -> 2021-09-01
    assert flow == (12, 99, 295, 184)


def test_average_annual_rate_over_a_period(marts: Path, tmp_path: Path) -> None:
    write_tables(marts, 2020, 2021, tmp_path, "csv", False)
    with (tmp_path / "victims_by_county.csv").open(encoding="utf-8") as handle:
        rows = {r["county_code"]: r for r in csv.DictReader(handle)}
    iasi = rows["RO-IS"]
    populations = [county_population("RO-IS", 2020), county_population("RO-IS", 2021)]
    # K1 lives in Iași and is counted in 2020 and in 2021: 2 victims over 2 years.
    assert int(iasi["victims"]) == 2
    assert float(iasi["population_avg"]) == pytest.approx(sum(populations) / 2, abs=0.05)
    assert float(iasi["rate_per_100k"]) == pytest.approx(2 * 100_000 / sum(populations), abs=5e-7)
    assert rows["RO-AB"]["victims"] == "0" and rows["RO-AB"]["rate_per_100k"] == "0.0"


def test_csv_headers_are_exact(marts: Path, tmp_path: Path) -> None:
    write_tables(marts, 2020, 2021, tmp_path, "csv", False)
    header = (tmp_path / "victims_by_year.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == (
        "year,victims,female,male,sex_unknown,children,adults,age_unknown,domestic,"
        "transnational,scope_unknown,romanian_citizens,foreign_citizens,population,rate_per_100k"
    )
    justice = (tmp_path / "criminal_justice_by_year.csv").read_text(encoding="utf-8").splitlines()
    assert justice[0] == (
        "year,police_cases_registered,persons_suspected,persons_sent_to_court,"
        "persons_convicted_first_instance,persons_convicted_final,custodial_sentences,"
        "suspended_sentences,confiscation_lei,damages_lei"
    )
    assert justice[1].startswith("2020,2,4,1,,,,,")  # unknown court figures are empty, not 0


def test_a_failing_dbt_test_blocks_the_tables(tmp_path: Path) -> None:
    from tests.dbt.conftest import dbt_build
    from tests.dbt.fixture import Builder

    builder = Builder()
    register = builder.file("anitp", "2020", dt.date(2021, 1, 15))
    builder.victim(register, 2, "K1", dt.date(2020, 3, 1))
    builder.victim(register, 3, "K2", dt.date(2020, 4, 1), county="RO-XX")  # no such county
    warehouse = tmp_path / "warehouse.duckdb"
    builder.write(warehouse)
    done = dbt_build(warehouse, tmp_path)
    assert done.returncode != 0
    assert "accepted_values_stg_anitp__victim_identifications_residence_county_code" in done.stdout
    tables = {
        name
        for (name,) in query(
            warehouse,
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts'",
        )
    }
    assert "dim_county" in tables  # upstream of the failing test: built
    assert "rpt_victims_by_year" not in tables  # downstream: skipped


def test_victim_participation_share(marts: Path) -> None:
    # 2020: K3 takes part; K1 and N1 are not recorded either way -> 1 of 3 identified victims.
    rows = query(
        marts,
        "SELECT victims, participating, participation_unknown, share_participating "
        "FROM marts.rpt_victim_participation_by_year WHERE year = 2020",
    )
    assert rows == [(3, 1, 2, pytest.approx(1 / 3))]


def test_revision_log_compares_each_vintage_with_the_one_it_supersedes(marts: Path) -> None:
    rows = query(
        marts,
        "SELECT period, source_file, previous_source_file, rows_now, rows_before, rows_change "
        "FROM marts.rpt_revision_log WHERE source_agency = 'anitp' "
        "AND unified_table = 'victim_identification' ORDER BY period, extract_date",
    )
    assert rows == [
        ("2020", "anitp_2020_20210115", None, 4, None, None),
        ("2020", "anitp_2020_20210601", "anitp_2020_20210115", 4, 4, 0),
        ("2021", "anitp_2021_20220115", None, 1, None, None),
    ]
    police_tables = query(
        marts,
        "SELECT DISTINCT unified_table FROM marts.rpt_revision_log "
        "WHERE source_agency = 'politie' ORDER BY 1",
    )
    assert ("court_decision",) not in police_tables
    assert ("victim_identification",) in police_tables


def test_workbook_metadata_says_how_many_rows_were_not_counted(marts: Path, tmp_path: Path) -> None:
    write_tables(marts, 2020, 2021, tmp_path, "xlsx", False)
    sheet = openpyxl.load_workbook(tmp_path / "greta.xlsx", read_only=True)["metadata"]
    used = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "extract used"]
    revised = next(text for text in used if "anitp_2020_20210601" in text)
    assert "2 quarantined and not counted" in revised


def test_only_trafficking_offences_count_as_trafficking_convictions(marts: Path) -> None:
    rows = {
        year: (first, final, custodial, suspended, damages)
        for year, first, final, custodial, suspended, damages in query(
            marts,
            "SELECT year, persons_convicted_first_instance, persons_convicted_final, "
            "custodial_sentences, suspended_sentences, damages_lei "
            "FROM marts.rpt_criminal_justice_by_year WHERE year >= 2021",
        )
    }
    # 2021: D1 and D2 (art. 210); D3 (art. 213 only) and D4 (art. 367 only) are left out,
    # with D3's damages of 300. 2022: D5 under Law 678/2001 art. 12 is a trafficking conviction.
    assert rows[2021] == (2, 2, 1, 1, 700.0)
    assert rows[2022] == (1, 1, 0, 1, None)
    # D3 was charged with art. 210 in 2019: sent to court that year.
    assert query(
        marts,
        "SELECT persons_sent_to_court FROM marts.rpt_criminal_justice_by_year WHERE year = 2019",
    ) == [(1,)]


def test_related_offences_have_their_own_rows(marts: Path) -> None:
    rows = {
        code: (trafficking, final, custodial)
        for code, trafficking, final, custodial in query(
            marts,
            "SELECT offence_code, is_trafficking_offence, persons_convicted_final, "
            "custodial_sentences FROM marts.rpt_criminal_justice_by_offence_year "
            "WHERE year = 2021",
        )
    }
    # D1 and D2 under art. 210; D3 under 213 (custodial); D4 under 367 (custodial).
    assert rows["CP210"] == (True, 2, 1)
    assert rows["CP213"] == (False, 1, 1)
    assert rows["CP367"] == (False, 1, 1)
    assert rows["CP211"] == (True, 0, 0)  # a court extract covers 2021: none, not unknown
    assert rows["L678-12"] == (True, 0, 0)
    assert len(rows) == 11  # every offence of the codelist


def test_a_person_charged_with_210_and_convicted_of_213_is_reclassified(marts: Path) -> None:
    rows = query(
        marts,
        "SELECT year, charged_offence, convicted_offence, persons "
        "FROM marts.rpt_offence_reclassification ORDER BY ALL",
    )
    # D3: DIICOT charged art. 210 (20/D/P/2019), final conviction 2021 for art. 213 only.
    # D1 and D2 were charged and convicted under 210; D4 and D5 have no DIICOT charge.
    assert rows == [(2021, "CP210", "CP213", 1)]


def test_persons_by_legal_status_and_sex_add_up_to_the_justice_table(marts: Path) -> None:
    rows = {
        (year, status, sex): n
        for year, status, sex, n in query(
            marts,
            "SELECT year, legal_status, sex, persons FROM marts.rpt_persons_by_legal_status_sex "
            "WHERE persons > 0",
        )
    }
    # 2020 suspects: D1, S4, D2 (no CNP), S3, all men; sent to court D1; 2021 convicted D1, D2
    # (D3, D4 outside the scope); 2019 D3 suspected and sent to court; 2022 D5.
    assert rows == {
        (2019, "suspected", "male"): 1,
        (2019, "prosecuted", "male"): 1,
        (2020, "suspected", "male"): 4,
        (2020, "prosecuted", "male"): 1,
        (2021, "prosecuted", "male"): 1,
        (2021, "convicted", "male"): 2,
        (2022, "convicted", "male"): 1,
    }
    assert query(
        marts,
        "SELECT count(*) FROM marts.rpt_persons_by_legal_status_sex "
        "WHERE year = 2021 AND legal_status = 'suspected'",
    ) == [(0,)]  # police 2021 not delivered: unknown, no rows
    citizenship = query(
        marts,
        "SELECT citizenship_code, persons FROM marts.rpt_persons_by_legal_status_citizenship "
        "WHERE year = 2021 AND legal_status = 'convicted' ORDER BY 1",
    )
    # D1's police and DIICOT records say RO; D2 (no CNP) has only the court record.
    assert citizenship == [("RO", 1), ("unknown", 1)]


def test_sentences_by_band_custodial_suspended_and_below_the_minimum(marts: Path) -> None:
    rows = {
        (year, band): rest
        for year, band, *rest in query(
            marts,
            "SELECT year, sentence_band, persons, custodial, suspended, below_statutory_minimum "
            "FROM marts.rpt_sentences_by_length_year WHERE persons > 0",
        )
    }
    # D1: 36 months suspended, art. 210 minimum 3 years: not below. D2: 60 months custodial.
    # D5: 12 months suspended under Law 678/2001 art. 12 (minimum 3 years): below.
    assert rows == {
        (2021, "3y_to_under_5y"): [1, 0, 1, 0],
        (2021, "5y_to_under_10y"): [1, 1, 0, 0],
        (2022, "1y_to_under_3y"): [1, 0, 1, 1],
    }


def test_final_outcomes_and_compensation(marts: Path) -> None:
    outcomes = query(
        marts,
        "SELECT year, decision, reason, persons FROM marts.rpt_court_outcomes_year "
        "WHERE persons > 0 ORDER BY ALL",
    )
    assert outcomes == [
        (2021, "conviction", "not_recorded", 2),
        (2022, "conviction", "not_recorded", 1),
    ]
    compensation = query(marts, "SELECT * FROM marts.rpt_compensation_by_year ORDER BY year")
    # 2021: D1's file (500, 1 victim) and D2's (200, 1 victim); D3's 300 for art. 213 is not
    # a trafficking decision.
    assert compensation == [(2021, 2, 2, 700.0), (2022, 0, None, 0.0)]


def test_case_durations_censor_open_cases(marts: Path, tmp_path: Path) -> None:
    write_tables(marts, 2019, 2022, tmp_path, "csv", False)
    with (tmp_path / "case_durations.csv").open(encoding="utf-8") as handle:
        rows = {(r["registration_year"], r["transition"]): r for r in csv.DictReader(handle)}
    # Police 2020: P-2020-000001 indicted after 111 days; P-2020-000002 still open, censored
    # at the latest DIICOT extract (2021-01-20, 294 days). By hand: S(111) = 1/2, never below:
    # the median is not reached (the closed cases alone would say 111).
    police = rows[("2020", "police_to_indictment")]
    assert (police["cases"], police["still_open"], police["share_still_open"]) == ("2", "1", "0.5")
    assert police["median_days"] == ""
    # Indictment to final, 2020: 147 days (11/D/P/2020) and 479 days (10/D/P/2020): S(147) =
    # 1/2, S(479) = 0, so the KM median is 479 (the mean of the two would be 313).
    final = rows[("2020", "indictment_to_final")]
    assert (final["cases"], final["still_open"], float(final["median_days"])) == ("2", "0", 479.0)


def test_amount_concentration_per_court_file(marts: Path) -> None:
    rows = query(
        marts,
        "SELECT year, amount, total_lei, court_files, largest_lei, second_largest_lei "
        "FROM marts.rpt_amount_concentration_by_year ORDER BY ALL",
    )
    # 2021 final trafficking decisions: D1's file (confiscation 1,000, damages 500), D2's
    # file (damages 200; confiscation not reported). D3's damages (art. 213) are out.
    assert rows == [
        (2021, "confiscation_lei", 1000.0, 1, 1000.0, None),
        (2021, "damages_lei", 700.0, 2, 500.0, 200.0),
    ]
