"""The CSV reader splits records column-wise in polars where every line is one record, and
with Python's `csv` module otherwise; either way it must read what `csv` reads."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import pytest

from sources.common import csv_reader
from sources.common.config import EntityConfig
from sources.common.csv_reader import read_csv
from sources.common.delivery import UnreadableFileError
from tests.sources.helpers import landing_file

ENTITY = EntityConfig(entity="cases", sheet="cases", columns=("A", "B", "C"))
# Pieces a field is made of: quoting, separators and line ends inside quotes, stray quotes,
# whitespace Python strips (the ASCII separators and a no-break space too), diacritics.
PIECES = ['x', 'y z', '"q"', '""', ' ', '"1;2"', '"1,2"', '"a""b"', '" "', '"', ";", ",",
          "\r\n", "\n", "\r", "Ş", "\x1c", "\u00a0", "\t", '"l1\nl2"']  # fmt: skip


def expected(text: str, separator: str) -> tuple[list[dict[str, object]], list[tuple[int, int]]]:
    """What the `csv` module reads, written out here: kept rows (line, stripped values or
    None) and the (line, field count) of rows whose count is not the header's."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    records, start = [], 1
    for fields in reader:
        if any(field.strip() for field in fields):
            records.append((start, fields))
        start = reader.line_num + 1
    (_, header), body = records[0], records[1:]
    rows = [
        {"source_row": line}
        | {h.lower(): f.strip() or None for h, f in zip(header, fields, strict=True)}
        for line, fields in body
        if len(fields) == len(header)
    ]
    return rows, [(line, len(fields)) for line, fields in body if len(fields) != len(header)]


def random_text(rng: random.Random, separator: str) -> str:
    lines = [separator.join(ENTITY.columns)]
    for _ in range(rng.randint(1, 6)):
        width = rng.choice([3, 3, 3, 2, 4, 0])
        lines.append(
            separator.join(
                "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 2))) for _ in range(width)
            )
        )
    end = rng.choice(["\n", "\r\n"])
    return end.join(lines) + rng.choice([end, end + end])


def test_reads_what_the_csv_module_reads(tmp_path: Path) -> None:
    rng = random.Random(20261206)
    paths = {"columns": 0, "csv module": 0, "rejected": 0}
    for _ in range(600):
        separator = rng.choice([";", ","])
        text = random_text(rng, separator)
        file = landing_file(tmp_path, "politie", "politie_2020_20210110.csv", text.encode())
        try:
            want_rows, want_ragged = expected(text, separator)
        except csv.Error:
            with pytest.raises(UnreadableFileError, match="CSV structure broken"):
                read_csv(file, ENTITY, "utf-8", separator)
            paths["rejected"] += 1
            continue
        if not want_rows and not want_ragged:
            continue  # no data rows: rejected whole, tested elsewhere
        rows, issues = read_csv(file, ENTITY, "utf-8", separator)
        assert rows.to_dicts() == want_rows, repr(text)
        ragged = [
            (line, int(reason.split()[2]))
            for line, reason in issues.select("source_row", "reason").iter_rows()
        ]
        assert ragged == want_ragged, repr(text)
        columnar = csv_reader._single_line_records(text, separator) is not None
        paths["columns" if columnar else "csv module"] += 1
    # Both ways of splitting were exercised, and broken quoting was met.
    assert min(paths.values()) >= 30, paths


def test_separator_inside_quotes_is_split_column_wise(tmp_path: Path) -> None:
    # INCADRARE lists several articles separated by the file's own separator, quoted.
    text = 'A;B;C\r\nP-1;"art. 210 C.pen.; art. 211 C.pen.";""\r\nP-2;"say ""no""";x\r\n'
    assert csv_reader._single_line_records(text, ";") is not None
    file = landing_file(tmp_path, "politie", "politie_2020_20210110.csv", text.encode())
    rows, issues = read_csv(file, ENTITY, "utf-8", ";")
    assert rows["b"].to_list() == ["art. 210 C.pen.; art. 211 C.pen.", 'say "no"']
    assert rows["c"].to_list() == [None, "x"]
    assert issues.is_empty()


def test_line_end_inside_quotes_keeps_the_line_numbers(tmp_path: Path) -> None:
    text = 'A,B,C\n1,"two\nlines",x\n2,y\n3,z,w\n'
    assert csv_reader._single_line_records(text, ",") is None
    file = landing_file(tmp_path, "anitp", "anitp_2020_20210110.csv", text.encode())
    rows, issues = read_csv(file, ENTITY, "utf-8", ",")
    assert rows["source_row"].to_list() == [2, 5]
    assert rows["b"].to_list() == ["two\nlines", "z"]
    assert issues["source_row"].to_list() == [4]
