"""Shared test set-up: a test pseudonym key and no writes outside tmp paths."""

from __future__ import annotations

from pathlib import Path

import pytest

TEST_KEY = "tipstats-test-key-0123456789abcdef"
FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = FIXTURES / "examples"


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TIPSTATS_PSEUDONYM_KEY", TEST_KEY)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config-home"))
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.setenv("DBT_VERSION_CHECK", "false")


@pytest.fixture
def key() -> bytes:
    return TEST_KEY.encode()
