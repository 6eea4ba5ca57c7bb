"""dbt imported before a run needs it: `python -m pipelines.ops.warm_dbt <socket>`.

A dbt process spends about 2.5 s importing dbt before its first line. A run that builds the
dbt models starts this process with its `dbt` resource, at the run's start: it imports dbt
while the run reads and validates, then waits on a Unix socket. `tipstats-dbt`
(pipelines/dbt_child.py), which dagster-dbt starts for the build, hands it its arguments,
environment, working folder and standard streams (`hand_over`), and exits with its exit
status once it has ended, so dagster-dbt sees dbt as if it were its own child. One command
per process; with no warm process (or a used one), `tipstats-dbt` becomes dbt itself.

An orphaned dbt must never hold the warehouse's lock: the warm process dies with the process
that started it (PR_SET_PDEATHSIG), and with the `tipstats-dbt` that handed it a command,
whose end closes the socket; interrupts sent to `tipstats-dbt` are passed on to it.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipelines.dbt_child import die_with_parent

SOCKET_ENV = "TIPSTATS_WARM_DBT"
_STREAMS = (0, 1, 2)  # stdin, stdout, stderr: dbt writes its events to its stdout
_MAX_REQUEST_BYTES = 1 << 20
_TAKEN = b"taken"
_CODE = struct.Struct("!i")
_PEER = struct.Struct("3i")  # SO_PEERCRED: pid, uid, gid


@dataclass
class WarmDbt:
    """A warm process and the socket it listens on."""

    process: subprocess.Popen[bytes]
    socket_path: Path

    def stop(self) -> None:
        """Ends it if it never got a command (or is still running one: its run ended)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.socket_path.unlink(missing_ok=True)
        self.socket_path.parent.rmdir()
        if os.environ.get(SOCKET_ENV) == str(self.socket_path):  # no later command looks for it
            del os.environ[SOCKET_ENV]


def start() -> WarmDbt:
    """A warm dbt for the commands this process starts; its socket is in SOCKET_ENV."""
    socket_path = Path(tempfile.mkdtemp(prefix="tipstats-dbt-")) / "socket"
    process = subprocess.Popen(
        [sys.executable, "-m", __name__, str(socket_path)],
        stdin=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},  # events stream line by line
    )
    # Listening within a tenth of a second (before its imports): a command started from
    # now on finds it.
    while not socket_path.exists() and process.poll() is None:
        time.sleep(0.01)
    os.environ[SOCKET_ENV] = str(socket_path)
    return WarmDbt(process, socket_path)


# --- the side of `tipstats-dbt` -----------------------------------------------------------


def hand_over(socket_path: str, argv: list[str]) -> int | None:
    """Run `dbt <argv>` in the warm process listening at `socket_path`, with this process's
    streams, environment and folder; its exit status, or None when there is none to take it
    (nothing was run)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as conn:
        try:
            conn.connect(socket_path)
        except OSError:  # gone (its run ended) or already used
            return None
        pid = _PEER.unpack(conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _PEER.size))[0]
        request = {"args": argv, "env": dict(os.environ), "cwd": str(Path.cwd())}
        for interrupt in (signal.SIGINT, signal.SIGTERM):  # dagster-dbt stops dbt so
            signal.signal(interrupt, lambda number, _: os.kill(pid, number))
        socket.send_fds(conn, [json.dumps(request).encode()], list(_STREAMS))
        if conn.recv(len(_TAKEN)) != _TAKEN:  # it ended before it took the command
            return None
        reply = conn.recv(_CODE.size)
        # Until it has ended it may hold the warehouse; the socket stays open meanwhile, or
        # it would take our going for our death.
        _wait_for_exit(pid)
    # Ended without a status: killed (by a forwarded SIGTERM, say), as a dbt child would be.
    return _CODE.unpack(reply)[0] if len(reply) == _CODE.size else 1


def _wait_for_exit(pid: int) -> None:
    try:
        handle = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    with os.fdopen(handle) as exited:
        select.select([exited], [], [])


# --- the warm process ----------------------------------------------------------------------


def main() -> None:
    die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C on `dagster dev` while it waits
    with socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET) as server:
        server.bind(sys.argv[1])
        server.listen(1)
        from dbt.cli.main import cli  # what it is here for

        conn, _ = server.accept()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # the command's interrupts
    Path(sys.argv[1]).unlink()
    message, streams, _, _ = socket.recv_fds(conn, _MAX_REQUEST_BYTES, len(_STREAMS))
    threading.Thread(target=_die_when_closed, args=[conn], daemon=True).start()
    conn.send(_TAKEN)
    request = json.loads(message)
    for received, stream in zip(streams, _STREAMS, strict=True):
        os.dup2(received, stream)
        os.close(received)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    code = _exit_status(lambda: cli.main(args=request["args"], prog_name="dbt"))
    conn.send(_CODE.pack(code))
    sys.exit(code)


def _exit_status(cli: Callable[[], object]) -> int:
    """What `dbt` exits with, as its own script would."""
    try:
        cli()
    except SystemExit as ended:
        if ended.code is None or isinstance(ended.code, int):
            return ended.code or 0
        return 1  # a message, which SystemExit printed
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
    return 0


def _die_when_closed(conn: socket.socket) -> None:
    """Once `tipstats-dbt` is gone (it waits for this process's end), so is this process."""
    if not conn.recv(1):
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    main()
