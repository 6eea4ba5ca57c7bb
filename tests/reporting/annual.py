"""The annual report's HTML read back as a reader's tools would: every element carrying a
number's source (`data-mart`, `data-expr`, `data-key`), and the warehouse it was built from.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from tests.dbt.fixture import build

PERIOD = (2020, 2021)


def warehouse(scratch: Path) -> Path:
    """The hand-written fixture warehouse with its marts built by dbt."""
    from tests.dbt.conftest import dbt_build

    path = scratch / "warehouse.duckdb"
    build(path)
    done = dbt_build(path, scratch)
    assert done.returncode == 0, done.stdout[-4000:]
    return path


@dataclass(frozen=True)
class Number:
    tag: str
    text: str
    attributes: dict[str, str]

    @property
    def key(self) -> dict[str, object]:
        found: dict[str, object] = json.loads(self.attributes["data-key"])
        return found


class _Numbers(HTMLParser):
    """Elements with a `data-mart` or `data-derived` attribute, with their text; and every
    table cell, to find numbers without a source."""

    def __init__(self) -> None:
        super().__init__()
        self.numbers: list[Number] = []
        self.cells: list[Number] = []
        self._open: list[tuple[str, dict[str, str], list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "td":
            self._open.append((tag, {k: v or "" for k, v in attrs}, []))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "td" and self._open:
            name, attributes, text = self._open.pop()
            number = Number(name, "".join(text).strip(), attributes)
            self.cells.append(number)
            if "data-mart" in attributes:
                self.numbers.append(number)


def read(html: Path) -> _Numbers:
    parser = _Numbers()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser
