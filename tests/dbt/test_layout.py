"""The dbt project keeps the dbt Labs layout: one properties yml per models folder, named
after the folder and describing exactly that folder's models; singular tests by area."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

PROJECT = Path(__file__).parents[2] / "dbt_project"


def layout_problems(project: Path) -> list[str]:
    """Every way the models tree breaks the one-yml-per-folder rule, one line each."""
    problems = []
    root = project / "models"
    for folder in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
        models = {p.stem for p in folder.iterdir() if p.suffix in {".sql", ".py"}}
        ymls = sorted(folder.glob("*.yml"))
        where = folder.relative_to(project)
        if not models:
            problems += [
                f"{y.relative_to(project)}: not a sources yml"
                for y in ymls
                if not y.name.endswith("__sources.yml")
            ]
            continue
        expected = f"_{folder.name}__models.yml"
        if [y.name for y in ymls] != [expected]:
            problems.append(f"{where}: expected only {expected}, found {[y.name for y in ymls]}")
            continue
        described = {
            m["name"] for m in yaml.safe_load(ymls[0].read_text(encoding="utf-8"))["models"]
        }
        problems += [
            f"{where}: {m} not described in {expected}" for m in sorted(models - described)
        ]
        problems += [
            f"{where}: {expected} describes {m}, not in this folder"
            for m in sorted(described - models)
        ]
    return problems


def test_each_models_folder_has_one_yml_describing_its_own_models() -> None:
    assert layout_problems(PROJECT) == []


def test_staging_is_split_by_agency_with_one_sources_yml() -> None:
    staging = PROJECT / "models" / "staging"
    agencies = sorted(p.name for p in staging.iterdir() if p.is_dir())
    assert agencies == ["anitp", "diicot", "instante", "ong", "politie"]
    assert [p.name for p in staging.glob("*.yml")] == ["_staging__sources.yml"]


@pytest.mark.parametrize(
    ("files", "problem"),
    [
        ({"a/m1.sql": "", "a/x.yml": "models: [{name: m1}]"}, "expected only _a__models.yml"),
        (
            {"a/m1.sql": "", "a/m2.sql": "", "a/_a__models.yml": "models: [{name: m1}]"},
            "m2 not described",
        ),
        ({"a/m1.sql": "", "a/_a__models.yml": "models: [{name: m1}, {name: m9}]"}, "describes m9"),
        (
            {
                "a/m1.sql": "",
                "a/_a__models.yml": "models: [{name: m1}]",
                "a/_b__models.yml": "models: []",
            },
            "found",
        ),
        (
            {"a/m1.sql": "", "a/_a__models.yml": "models: [{name: m1}]", "props.yml": ""},
            "not a sources yml",
        ),
    ],
)
def test_layout_rule_catches_a_broken_tree(
    tmp_path: Path, files: dict[str, str], problem: str
) -> None:
    for name, text in files.items():
        path = tmp_path / "models" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    problems = layout_problems(tmp_path)
    assert len(problems) == 1 and problem in problems[0], problems


def test_singular_tests_sit_in_an_area_folder_and_generic_tests_in_generic() -> None:
    tests = PROJECT / "tests"
    placed = [p.relative_to(tests).parts for p in tests.rglob("*.sql")]
    assert placed, "no singular tests found"
    misplaced = [
        "/".join(parts)
        for parts in placed
        if not (parts[0] == "singular" and len(parts) == 3)
        and not (parts[0] == "generic" and len(parts) == 2)
    ]
    assert misplaced == []


def keys_named(node: object, name: str) -> int:
    if isinstance(node, dict):
        return (name in node) + sum(keys_named(v, name) for v in node.values())
    if isinstance(node, list):
        return sum(keys_named(v, name) for v in node)
    return 0


def test_properties_use_data_tests_not_the_old_tests_key() -> None:
    ymls = [*(PROJECT / "models").rglob("*.yml"), *(PROJECT / "seeds").rglob("*.yml")]
    trees = {y.name: yaml.safe_load(y.read_text(encoding="utf-8")) for y in ymls}
    assert {name for name, tree in trees.items() if keys_named(tree, "tests")} == set()
    assert sum(keys_named(tree, "data_tests") for tree in trees.values()) >= 50
