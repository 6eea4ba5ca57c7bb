"""One writer at a time: an advisory lock beside the working warehouse.

The lock is a `flock` on `<warehouse>.lock`. The kernel releases it when the holder dies,
even by SIGKILL, so a killed run never blocks the next one. It is re-entrant within a
process: `tipstats run` holds it for the whole run while the assets it executes in-process
take it again per step; a run launched by the Dagster daemon takes it per step.
The descriptor is close-on-exec, so no child process (dbt) inherits the lock.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class WarehouseBusyError(RuntimeError):
    """Another process is writing the warehouse."""


_held: dict[Path, tuple[int, int]] = {}  # lock path -> (descriptor, depth)


def lock_path(warehouse: Path) -> Path:
    return warehouse.with_name(warehouse.name + ".lock")


def _holder(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    text = os.read(fd, 64).decode(errors="replace").strip()
    return f"pid {text}" if text else "another process"


def _acquire(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(fd)
        os.close(fd)
        raise WarehouseBusyError(
            f"the warehouse {path.with_suffix('')} is being written by another run ({holder}); "
            "try again when it has finished"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


@contextmanager
def writer_lock(warehouse: Path) -> Iterator[None]:
    """Hold the warehouse's writer lock; raises WarehouseBusyError at once if another has it."""
    path = lock_path(warehouse.resolve())
    fd, depth = _held.get(path) or (_acquire(path), 0)
    _held[path] = (fd, depth + 1)
    try:
        yield
    finally:
        fd, depth = _held[path]
        if depth == 1:
            del _held[path]
            os.close(fd)
        else:
            _held[path] = (fd, depth - 1)


def is_locked(warehouse: Path) -> bool:
    """Whether some process holds the writer lock now (for `tipstats status`)."""
    path = lock_path(warehouse.resolve())
    if path in _held:
        return True
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
