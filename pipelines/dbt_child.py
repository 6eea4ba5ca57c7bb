"""`tipstats-dbt`: dbt that dies with the run that started it.

dagster-dbt starts dbt as a child process. If the run is killed (SIGKILL cannot be caught),
an orphaned `dbt build` would go on holding DuckDB's write lock and make the next run fail.
This wrapper asks the kernel to kill it when its parent dies, then hands the command to the
run's warm dbt (`pipelines/ops/warm_dbt.py`, which dies with it) or, without one, becomes
dbt (the request survives `exec`).
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from pathlib import Path

PR_SET_PDEATHSIG = 1


def die_with_parent() -> None:
    """Ask the kernel to kill this process when its parent dies."""
    parent = os.getppid()
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if os.getppid() != parent:  # the parent died before the request took effect
        sys.exit(1)


def exec_bound(argv: list[str]) -> None:
    """Become `argv` (a path and its arguments), killed by the kernel when our parent dies."""
    die_with_parent()
    os.execv(argv[0], argv)


def main() -> None:
    # here, not at the top: warm_dbt imports this module
    from pipelines.ops.warm_dbt import SOCKET_ENV, hand_over

    warm = os.environ.pop(SOCKET_ENV, None)
    if warm is not None:
        die_with_parent()
        code = hand_over(warm, sys.argv[1:])
        if code is not None:
            sys.exit(code)
    exec_bound([str(Path(sys.executable).with_name("dbt")), *sys.argv[1:]])
