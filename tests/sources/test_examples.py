"""The agencies' example files under tests/fixtures/examples are the SPEC's, unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLES

# The SPEC's examples sit next to the project (`../shared`) on the team's machines only.
SPEC_EXAMPLES = (
    Path(__file__).resolve().parents[2].parent / "shared" / "agency-extracts" / "examples"
)


def files_under(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.glob("*/*") if p.is_file()
    }


@pytest.mark.skipif(not SPEC_EXAMPLES.is_dir(), reason="no ../shared/agency-extracts/examples")
def test_copies_are_the_spec_examples_byte_for_byte() -> None:
    spec, copies = files_under(SPEC_EXAMPLES), files_under(EXAMPLES)
    assert sorted(copies) == sorted(spec)
    for name, content in spec.items():
        assert copies[name] == content, name
