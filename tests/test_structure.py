"""The layers' import rules, read from the code with `ast` (no module is imported to check).

schemas/ is the data dictionary at the bottom; sources/ reads and maps each agency on top of
it; pipelines/ runs them. An agency's knowledge sits in one folder, sources/<agency>/.
"""

from __future__ import annotations

import ast
from pathlib import Path

from schemas.vocabulary import AGENCIES

PROJECT = Path(__file__).resolve().parents[1]


def imported_packages(path: Path) -> set[str]:
    """Top-level packages a module imports (absolute imports; relative ones stay inside)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
    return {name.split(".")[0] for name in names}


def violations(layer: str, forbidden: set[str]) -> list[str]:
    """`module -> package` for every module under `layer` importing a forbidden package."""
    return [
        f"{path.relative_to(PROJECT)} -> {package}"
        for path in sorted((PROJECT / layer).rglob("*.py"))
        for package in sorted(imported_packages(path) & forbidden)
    ]


def test_imports_are_read_from_the_syntax_tree(tmp_path: Path) -> None:
    module = tmp_path / "module.py"
    module.write_text(
        "import pipelines.run\nfrom sources.common import landing\nfrom . import sibling\n"
        "if True:\n    import synthetic as world\n",
        encoding="utf-8",
    )
    assert imported_packages(module) == {"pipelines", "sources", "synthetic"}


def test_schemas_import_no_other_layer() -> None:
    assert violations("schemas", {"sources", "pipelines", "synthetic"}) == []


def test_sources_do_not_import_the_pipelines() -> None:
    assert violations("sources", {"pipelines", "synthetic"}) == []


def test_synthetic_world_needs_only_the_dictionary() -> None:
    assert violations("synthetic", {"sources", "pipelines"}) == []


def test_every_agency_has_its_folder() -> None:
    from sources.registry import SOURCES  # imported here: the rules above need no import

    assert set(SOURCES) == set(AGENCIES)
    missing = [
        f"sources/{agency}/{name}"
        for agency in SOURCES
        for name in ("__init__.py", "reader.py", "mapping.py", "source.yaml")
        if not (PROJECT / "sources" / agency / name).is_file()
    ]
    assert missing == []
