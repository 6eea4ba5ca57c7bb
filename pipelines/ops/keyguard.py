"""The pseudonym key is bound to the warehouse.

A keyed fingerprint of the key (never the key) is stored at the first run. A run with
another key would silently turn every re-sent person into a new one, so it stops before
reading anything.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime

import duckdb

# The label names the pseudonym scheme too: under v1 the surname and the given name were
# keyed in two domains, so records keyed then cannot be compared crosswise with today's.
FINGERPRINT_LABEL = b"tipstats pseudonym-key fingerprint v2"
EARLIER_LABELS = (b"tipstats pseudonym-key fingerprint v1",)


class KeyMismatchError(RuntimeError):
    """The key differs from the one the warehouse was built with."""


def fingerprint(key: bytes, label: bytes = FINGERPRINT_LABEL) -> str:
    return hmac.new(key, label, hashlib.sha256).hexdigest()


def bind_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """Record the key's fingerprint on first use; raise KeyMismatchError if it differs or the
    warehouse was keyed under an earlier scheme."""
    con.execute("CREATE SCHEMA IF NOT EXISTS ops")
    con.execute(
        "CREATE TABLE IF NOT EXISTS ops.key_binding (fingerprint VARCHAR, bound_at TIMESTAMPTZ)"
    )
    bound = con.execute("SELECT fingerprint FROM ops.key_binding").fetchall()
    mine = fingerprint(key)
    if not bound:
        con.execute("INSERT INTO ops.key_binding VALUES (?, ?)", [mine, datetime.now(UTC)])
    elif bound[0][0] in {fingerprint(key, label) for label in EARLIER_LABELS}:
        raise KeyMismatchError(
            "this warehouse holds pseudonyms of an earlier tipstats, which the linkage cannot "
            "compare with today's; build a new warehouse from the landing zone (--warehouse)"
        )
    elif bound[0][0] != mine:
        raise KeyMismatchError(
            "the pseudonym key is not the one this warehouse was built with "
            f"(fingerprint {mine[:12]}…, warehouse {bound[0][0][:12]}…); "
            "set TIPSTATS_PSEUDONYM_KEY to the original key, or use a new warehouse"
        )
