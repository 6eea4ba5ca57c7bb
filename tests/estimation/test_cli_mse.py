"""`tipstats mse estimate`: what it prints, its exit codes, one line for every bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from pipelines.cli import main
from tests.estimation.tables import PUBLIC


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["mse", "estimate", *args])


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "histories.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_json_output_of_lincoln_petersen(tmp_path: Path) -> None:
    path = write(tmp_path, "police,ngo,cases\n1,0,40\n0,1,30\n1,1,20\n")
    result = run("--capture-histories", str(path), "--method", "main", "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["lists"] == ["police", "ngo"]
    assert out["observed"] == 90
    assert out["estimate"] == pytest.approx(150, abs=0.1)  # 60 * 50 / 20
    assert out["hidden"] == pytest.approx(60, abs=0.1)
    assert out["terms"] == []
    low, high = out["interval"]
    assert 90 < low < 150 < high


def test_text_output_names_terms_with_the_file_columns() -> None:
    result = run("--capture-histories", str(PUBLIC / "UKdat.csv"))
    assert result.exit_code == 0, result.output
    lines = dict(line.split(":", 1) for line in result.output.splitlines())
    assert lines["observed"].strip() == "2,744"
    estimate = float(lines["estimate"].replace(",", ""))
    assert 10_000 <= estimate <= 13_000
    hidden = float(lines["hidden"].replace(",", ""))
    assert hidden == pytest.approx(estimate - 2744, abs=1)
    terms = [term.strip() for term in lines["terms"].split(",")]
    columns = {"LA", "NG", "PF", "GO", "GP", "NCA"}
    assert terms and all(set(term.split(":")) <= columns and ":" in term for term in terms)
    assert "interval" in lines


def test_max_order_all_reaches_three_list_terms() -> None:
    # Kosovo: Ball et al. (2002) estimated 10,356 with a three-list interaction
    args = ["--capture-histories", str(PUBLIC / "Kosovo.csv"), "--method", "bic", "--json"]
    pairs = json.loads(run(*args, "--max-order", "2").output)
    every = json.loads(run(*args, "--max-order", "all").output)
    assert all(term.count(":") == 1 for term in pairs["terms"])
    assert any(term.count(":") == 2 for term in every["terms"])
    assert every["estimate"] == pytest.approx(10_356, rel=0.01)


def test_bootstrap_with_a_seed_is_repeatable() -> None:
    args = ["--capture-histories", str(PUBLIC / "Korea.csv"), "--bootstrap", "200", "--seed", "3"]
    first = json.loads(run(*args, "--json").output)
    again = json.loads(run(*args, "--json").output)
    assert first["interval"] == again["interval"]
    assert "BCa" in first["interval_method"]


def test_degenerate_table_gets_one_line_and_exit_1() -> None:
    result = run("--capture-histories", str(PUBLIC / "Artificial_3.csv"))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit)
    assert result.output.count("\n") == 1
    assert "no case in common" in result.output


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,n\n1,0,x\n", "whole number"),
        ("A,B,n\n1,2,4\n", "0 or 1"),
        ("A,B,n\n1,0\n", "expected 3"),
        ("A,B,n\n1,0,-3\n", "negative"),
        ("A,n\n1,4\n", "at least two list columns"),
        ("A,A,n\n1,0,4\n", "repeat"),
        ("", "needs a header"),
        ("A,B,n\n0,0,5\n", "no list"),
    ],
)
def test_malformed_file_gets_one_line_and_exit_2(tmp_path: Path, text: str, message: str) -> None:
    result = run("--capture-histories", str(write(tmp_path, text)))
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert message in result.output
    assert result.output.count("\n") == 1


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = run("--capture-histories", str(tmp_path / "absent.csv"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_too_few_bootstrap_replicates_exit_2() -> None:
    result = run("--capture-histories", str(PUBLIC / "Korea.csv"), "--bootstrap", "10")
    assert result.exit_code == 2
    assert "at least 100" in result.output
