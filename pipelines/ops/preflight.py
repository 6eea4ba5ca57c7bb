"""Checks before a run touches anything, each failing with one line a person can act on."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines import settings
from sources.common.privacy import PseudonymKeyError, load_key


class InvocationError(RuntimeError):
    """The command cannot run as invoked; the message says what to change."""


def check_landing(landing: Path) -> None:
    if not landing.is_dir():
        raise InvocationError(
            f"the landing folder {landing} does not exist (check --landing or TIPSTATS_LANDING)"
        )


def check_writable(folder: Path, what: str) -> None:
    """The folder exists (or can be made) and this user may create files in it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror
        raise InvocationError(f"cannot create the {what} folder {folder}: {reason}") from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise InvocationError(f"cannot write to the {what} folder {folder}: permission denied")


def check_resource_settings() -> None:
    """Each memory setting is a DuckDB size and dbt's threads a whole number, before any step
    or dbt reads them."""
    settings_read = (
        settings.warehouse_memory,
        settings.linkage_memory,
        settings.dbt_memory,
        settings.configured_dbt_threads,
    )
    for setting in settings_read:
        try:
            setting()
        except ValueError as error:
            raise InvocationError(str(error)) from None


def key() -> bytes:
    """The pseudonym key, or one line saying why it cannot be used (never the key itself)."""
    try:
        return load_key()
    except PseudonymKeyError as error:
        raise InvocationError(str(error)) from None
    except OSError as error:
        raise InvocationError(
            f"cannot read the pseudonym key file {error.filename}: {error.strerror}"
        ) from None


def open_for_writing(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A write connection, or one line when another program holds the file."""
    try:
        return duckdb.connect(str(warehouse))
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise InvocationError(
                f"the working warehouse {warehouse} is open in another program; it is private "
                "to the pipeline (analysts open the published database instead)"
            ) from None
        raise InvocationError(f"cannot open the warehouse {warehouse}: {error}") from None
