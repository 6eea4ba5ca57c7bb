"""Dagster's SQLite instance storage, with the event log's database engines kept.

Dagster's `SqliteEventLogStorage` creates a new SQLAlchemy engine for every event it writes
(about 1,000 in a run of the daily job) and throws it away after one statement, and with it
SQLAlchemy's cache of compiled statements: a sensor's run spent about a sixth of its time
there. This storage keeps the engines of the last few databases (the index and the runs in
progress), each with its one connection open between events, and commits without flushing
to disk. Other processes (the UI, the daemon) read and write the same files as before (WAL,
as Dagster's); whenever Dagster would start a database afresh (a wipe deletes the run files,
an upgrade migrates them), the kept engines and their connections are dropped first.

`dagster.yaml` selects it (`storage: custom:`) with `base_dir` the instance's home, so the
files are where Dagster's default SQLite storage keeps them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from dagster._core.storage.sqlite_storage import DagsterSqliteStorage, _event_logs_directory
from dagster._serdes import ConfigurableClassData
from sqlalchemy import Connection, Engine, create_engine, event

# The index database and the runs being written: more would only hold memory in a daemon.
KEPT_ENGINES = 8


def _commit_without_sync(connection: Any, _record: Any) -> None:
    # WAL (Dagster's journal mode) with NORMAL: a commit is not flushed to disk, a checkpoint
    # is; a crash loses nothing and a power cut at most the last events, never the file.
    connection.execute("PRAGMA synchronous=NORMAL")


class KeptEngineEventLogStorage(SqliteEventLogStorage):
    """`SqliteEventLogStorage` with an engine per database file kept, not made per event."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._engines: OrderedDict[str, Engine] = OrderedDict()

    def _engine(self, shard: str) -> Engine:
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        engine = create_engine(
            self.conn_string_for_shard(shard),
            pool_size=1,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS},
        )
        event.listen(engine, "connect", _commit_without_sync)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        if len(self._engines) > KEPT_ENGINES:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str) -> Iterator[Connection]:
        with self._db_lock, self._engine(shard).connect() as conn, conn.begin():
            yield conn

    def upgrade(self) -> None:
        super().upgrade()
        self._drop_engines()  # the upgrade forgets which databases it initialised

    def wipe(self) -> None:
        # A kept connection would go on writing into a run's deleted file.
        self._drop_engines()
        super().wipe()

    def dispose(self) -> None:
        self._drop_engines()
        super().dispose()

    def _drop_engines(self) -> None:
        with self._db_lock:
            while self._engines:
                self._engines.popitem()[1].dispose()


class TipstatsSqliteStorage(DagsterSqliteStorage):
    """Dagster's default SQLite storage (same files), with `KeptEngineEventLogStorage`."""

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        super().__init__(base_dir, inst_data)
        self._event_log_storage = KeptEngineEventLogStorage(_event_logs_directory(base_dir))

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData, config_value: Any
    ) -> TipstatsSqliteStorage:
        return cls.from_local(inst_data=inst_data, **config_value)
