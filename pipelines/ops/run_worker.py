"""A run's process, started before its run: `python -m pipelines.ops.run_worker`.

It imports the libraries runs load (about 4 s of a run's start), then waits for one line
on its standard input: the serialized arguments of `dagster api execute_run`, which it then
is. The project's own modules are imported only then, so a run executes the code on disk
when it starts, as with Dagster's own launcher. While it waits it ignores interrupts (Ctrl+C
on `dagster dev` reaches every process of the group) and exits quietly when its input ends
(the launcher's process ended).
"""

from __future__ import annotations

import atexit
import gc
import importlib
import signal
import sys

# The third-party libraries a run imports (the definitions, Dagster's storage, the readers,
# linkage, the publication and the annual report): most of a run's start.
PRELOADED = (
    "dagster",
    "dagster._cli",
    "dagster._core.storage.runs.sqlite.sqlite_run_storage",
    "dagster_dbt",
    "duckdb",
    "openpyxl",
    "pandera.polars",
    "polars",
    "pyarrow",
    "scipy.optimize",
    "scipy.sparse",
    "splink",
    "statsmodels.duration.survfunc",
    "xlsxwriter",
    "matplotlib.figure",
    "playwright.sync_api",
)


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C on `dagster dev` while waiting
    for name in PRELOADED:
        try:
            importlib.import_module(name)
        except Exception as error:  # the run that needs it fails with it, in Dagster's log
            print(f"run worker: {name} not preloaded: {error}", file=sys.stderr)
    gc.freeze()  # what the imports made lives as long as the run: the collector skips it
    atexit.register(gc.unfreeze)  # collectable at exit, as extension modules expect
    execute_run_args = sys.stdin.readline().strip()
    if not execute_run_args:
        return
    from dagster._cli import main as dagster_main
    from dagster._utils.interrupts import setup_interrupt_handlers

    signal.signal(signal.SIGINT, signal.default_int_handler)
    setup_interrupt_handlers()  # SIGTERM cancels the run as SIGINT does, as on Kubernetes
    sys.argv = ["dagster", "api", "execute_run", execute_run_args]
    dagster_main()  # type: ignore[no-untyped-call]


if __name__ == "__main__":
    main()
