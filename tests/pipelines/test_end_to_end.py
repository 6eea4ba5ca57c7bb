"""`tipstats run` on the SPEC examples plus bad input: all agencies in, nothing identifying out."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from pipelines.ops import dbt_state
from tests.conftest import EXAMPLES
from tests.pipelines.identifiers import identifiers_in, name_patterns, reference_values
from tests.pipelines.runner import Run, tipstats_run

pytestmark = pytest.mark.slow
BAD_ANITP = (
    "ID_SIMEV,DATA_IDENTIFICARE,INSTITUTIE_IDENTIFICARE,CNP,SEX,DATA_NASTERII,VARSTA,CETATENIE,"
    "JUDET_RESEDINTA,MEDIU,FORMA_EXPLOATARE,TIP_TRAFIC,TARA_EXPLOATARE,MOD_RECRUTARE,ASISTENTA,"
    "PARTICIPARE_PROCES,NR_DOSAR_PENAL\n"
    "V-2017-000001,2017-02-01,POLITIE,,F,,30,MD,,URBAN,munca,INTERN,RO,ALTUL,DA,NU,\n"
    "V-2017-000002,2017-02-02,POLITIE,,F,,31,MD,Atlantida,URBAN,munca,INTERN,RO,ALTUL,DA,NU,\n"
    "V-2017-000001,2017-02-01,POLITIE,,F,,30,MD,,URBAN,munca,INTERN,RO,ALTUL,DA,NU,\n"
)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Run, Run]:
    root = tmp_path_factory.mktemp("e2e")
    landing = root / "landing"
    shutil.copytree(EXAMPLES, landing)
    (landing / "anitp" / "anitp_2017_20180110.csv").write_text(BAD_ANITP, encoding="utf-8")
    (landing / "instante" / "instante_2019_20200110.jsonl").write_text(
        '{"numar_dosar": "1/2', "utf-8"
    )
    (landing / "parchete").mkdir()
    warehouse = root / "warehouse.duckdb"
    first = tipstats_run(landing, warehouse, root / "home")
    (root / "after_first_run.txt").write_text(repr(bookkeeping(warehouse)))
    # --force: the Dagster run itself must find nothing to read or build (without it, the
    # up-front check stops earlier; tests/ops/test_nothing_new.py).
    second = tipstats_run(landing, warehouse, root / "home", "--force")
    return landing, warehouse, first, second


def bookkeeping(warehouse: Path) -> list[tuple[object, ...]]:
    """Every file's manifest row (run and load time included) and every quarantine row."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        files = con.execute("SELECT * FROM ops.file_manifest ORDER BY ALL").fetchall()
        quarantine = con.execute("SELECT * FROM ops.quarantine ORDER BY ALL").fetchall()
    return [*files, *quarantine]


def text_values(warehouse: Path) -> list[str]:
    """Every text value (and list-of-text element) of every table in every schema."""
    values: list[str] = []
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type IN ('VARCHAR', 'VARCHAR[]')"
        ).fetchall()
        for schema, table, column in columns:
            rows = con.execute(
                f'SELECT DISTINCT CAST("{column}" AS VARCHAR) FROM "{schema}"."{table}"'
            ).fetchall()
            values += [value for (value,) in rows if value is not None]
    return values


def test_run_succeeds_and_reports_every_agency(world: tuple[Path, Path, Run, Run]) -> None:
    _, _, first, _ = world
    assert first.code == 0, first.output[-3000:]
    for agency in ("politie", "diicot", "instante", "anitp", "ong"):
        assert f"\n{agency} " in first.output
    assert "rejected instante/instante_2019_20200110.jsonl: truncated" in first.output
    assert "'parchete' is not an agency folder" in first.output
    assert "not a known Romanian county name" in first.output  # a top quarantine reason


def test_unified_rows_from_all_five_agencies(world: tuple[Path, Path, Run, Run]) -> None:
    _, warehouse, _, _ = world
    with duckdb.connect(str(warehouse), read_only=True) as con:
        agencies = {
            a
            for (a,) in con.execute(
                "SELECT DISTINCT source_agency FROM unified.person_record"
            ).fetchall()
        }
    assert agencies == {"politie", "diicot", "instante", "anitp", "ong"}


def test_rows_read_equal_accepted_plus_quarantined(world: tuple[Path, Path, Run, Run]) -> None:
    _, warehouse, _, _ = world
    with duckdb.connect(str(warehouse), read_only=True) as con:
        bad = con.execute(
            "SELECT rows_read, rows_accepted, rows_quarantined FROM ops.file_manifest "
            "WHERE source_file = 'anitp_2017_20180110.csv'"
        ).fetchone()
    # 3 rows: one good, one unknown county, one identical copy of the first
    assert bad == (3, 1, 2)


def test_no_identifier_reaches_warehouse_or_logs(world: tuple[Path, Path, Run, Run]) -> None:
    landing, warehouse, first, second = world
    identifiers = identifiers_in(landing)
    # the scan has something to look for: the examples hold 8 distinct CNPs and more names
    assert len([i for i in identifiers if i.isdigit()]) == 8
    assert len([i for i in identifiers if not i.isdigit()]) >= 8
    # Public reference data (country and county names) may share a word with a person's name.
    public = reference_values(Path(__file__).parents[2] / "dbt_project" / "seeds")
    haystacks = [v for v in text_values(warehouse) if v not in public] + [
        first.output,
        second.output,
    ]
    leaks = {
        pattern.pattern
        for pattern in name_patterns(identifiers)
        for text in haystacks
        if pattern.search(text)
    }
    assert not leaks


def test_second_run_reads_nothing_new(world: tuple[Path, Path, Run, Run]) -> None:
    """No file is read, rejected or quarantined again: the bookkeeping of the first run
    (its run ids and load times included) is untouched, and the run says so."""
    _, warehouse, first, second = world
    assert second.code == 0, second.output[-3000:]
    after_first = (warehouse.parent / "after_first_run.txt").read_text()
    assert repr(bookkeeping(warehouse)) == after_first
    assert "no new files; the warehouse already holds" in second.output
    # Nothing to build: dbt is not started at all (it was in the first run).
    assert "dbt skipped" in second.output
    assert "dbt skipped" not in first.output


def test_marts_count_persons_not_rows(world: tuple[Path, Path, Run, Run]) -> None:
    _, warehouse, _, _ = world
    with duckdb.connect(str(warehouse), read_only=True) as con:
        victims_2016 = con.execute(
            "SELECT victims FROM marts.rpt_victims_by_year WHERE year = 2016"
        ).fetchone()
    # The latest 2016 extract (2017-06-01) lists 6 distinct persons; the earlier one is superseded.
    assert victims_2016 == (6,)


def test_run_writes_the_annual_report(world: tuple[Path, Path, Run, Run]) -> None:
    """The asset `annual_report`: both editions of the span published, beside the tables."""
    _, warehouse, first, _ = world
    assert first.code == 0, first.output[-3000:]
    report = warehouse.parent / "published" / "report"
    internal = list(report.glob("tipstats_report_*.html"))
    public = list((report / "public").glob("tipstats_report_*.html"))
    assert len(internal) == len(public) == 1
    assert internal[0].name == public[0].name
    assert "Disclosure control" in public[0].read_text(encoding="utf-8")


def test_the_sample_is_built_two_dbt_nodes_at_once(world: tuple[Path, Path, Run, Run]) -> None:
    _, warehouse, _, _ = world
    log = (dbt_state.target_folder(warehouse) / "dbt.log").read_text(encoding="utf-8")
    assert "Concurrency: 2 threads" in log
