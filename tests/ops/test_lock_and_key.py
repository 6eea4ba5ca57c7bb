"""One writer at a time, released by the kernel when the writer dies; the key bound once."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.ops.keyguard import EARLIER_LABELS, KeyMismatchError, bind_key, fingerprint
from pipelines.ops.lock import WarehouseBusyError, is_locked, writer_lock

HOLD = """
import sys, time
from pathlib import Path
from pipelines.ops.lock import writer_lock
with writer_lock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def _holder(warehouse: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(warehouse)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "held"
    return process


def test_second_writer_is_refused_with_the_holder_named(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse)
    try:
        with pytest.raises(WarehouseBusyError, match=f"pid {holder.pid}"), writer_lock(warehouse):
            pass
        assert is_locked(warehouse)
    finally:
        holder.kill()
        holder.wait()


def test_a_killed_writer_leaves_no_lock(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    holder = _holder(warehouse)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert not is_locked(warehouse)
    with writer_lock(warehouse):
        assert is_locked(warehouse)


def test_lock_is_reentrant_in_one_process_and_released_at_the_end(tmp_path: Path) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    with writer_lock(warehouse), writer_lock(warehouse):
        assert is_locked(warehouse)
    assert not is_locked(warehouse)


def test_key_is_bound_at_first_use_and_another_key_is_refused(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        bind_key(con, b"first-key-0123456789")
        bind_key(con, b"first-key-0123456789")
        with pytest.raises(KeyMismatchError) as refused:
            bind_key(con, b"other-key-0123456789")
        stored = con.execute("SELECT fingerprint FROM ops.key_binding").fetchall()
    assert len(stored) == 1
    assert "first-key" not in str(refused.value)
    assert "other-key" not in str(refused.value)
    assert "first-key" not in stored[0][0]


def test_a_warehouse_keyed_under_the_earlier_scheme_is_refused(tmp_path: Path) -> None:
    key = b"first-key-0123456789"
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        con.execute("CREATE SCHEMA ops")
        con.execute("CREATE TABLE ops.key_binding (fingerprint VARCHAR, bound_at TIMESTAMPTZ)")
        earlier = fingerprint(key, EARLIER_LABELS[0])
        con.execute("INSERT INTO ops.key_binding VALUES (?, now())", [earlier])
        with pytest.raises(KeyMismatchError, match="earlier tipstats") as refused:
            bind_key(con, key)
        stored = con.execute("SELECT fingerprint FROM ops.key_binding").fetchall()
    assert stored == [(earlier,)]
    assert "first-key" not in str(refused.value)
