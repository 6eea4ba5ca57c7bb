"""Run the Dagster webserver as `make dev` does, in its own process group, and talk GraphQL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
LOAD_WAIT_SECONDS = 120.0
STOP_WAIT_SECONDS = 20.0

LOCATION_QUERY = """
{ workspaceOrError {
    __typename
    ... on Workspace { locationEntries {
        name loadStatus
        locationOrLoadError { __typename ... on PythonError { message } } } }
    ... on PythonError { message } } }
"""


@dataclass
class Webserver:
    process: subprocess.Popen[bytes]
    url: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(home: Path, warehouse: Path, landing: Path) -> Webserver:
    """Start `dagster-webserver -w workspace.yaml` with the project's dagster.yaml as instance."""
    home.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_ROOT / "dagster.yaml", home / "dagster.yaml")
    env = {
        **os.environ,
        "PATH": f"{VENV_BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # dbt is found there
        "DAGSTER_HOME": str(home),
        "DAGSTER_DISABLE_TELEMETRY": "true",
        "TIPSTATS_WAREHOUSE": str(warehouse),
        "TIPSTATS_LANDING": str(landing),
    }
    port = free_port()
    log = home / "webserver.log"
    command = [str(VENV_BIN / "dagster-webserver"), "-w", "workspace.yaml"]
    with log.open("wb") as out:
        # its own session: the webserver and its code server are stopped as one group
        process = subprocess.Popen(
            [*command, "-h", "127.0.0.1", "-p", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Webserver(process=process, url=f"http://127.0.0.1:{port}", log=log)


def graphql(url: str, query: str) -> dict[str, Any]:
    request = urllib.request.Request(
        f"{url}/graphql",
        data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    assert "errors" not in body, body["errors"]
    return body["data"]


def load_problem(server: Webserver) -> str | None:
    """None once the one code location is loaded; else what is still missing."""
    try:
        workspace = graphql(server.url, LOCATION_QUERY)["workspaceOrError"]
    except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
        return f"webserver not answering: {exc}"
    if workspace["__typename"] != "Workspace":
        return f"workspace error: {workspace.get('message')}"
    entries = workspace["locationEntries"]
    if not entries or any(entry["loadStatus"] != "LOADED" for entry in entries):
        return f"code location still loading: {entries}"
    errors = [e for e in entries if e["locationOrLoadError"]["__typename"] != "RepositoryLocation"]
    return f"code location failed to load: {errors}" if errors else None


def wait_until_loaded(server: Webserver) -> None:
    deadline = time.monotonic() + LOAD_WAIT_SECONDS
    problem = load_problem(server)
    while problem and time.monotonic() < deadline:
        if server.process.poll() is not None or "failed to load" in problem:
            break
        time.sleep(1)
        problem = load_problem(server)
    if problem:
        raise AssertionError(f"{problem}\n--- webserver log tail ---\n{server.log_tail()}")


def _proc_stat(pid: int) -> tuple[int, int, str] | None:
    """(parent pid, process group, state) of a live process, None once it is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()  # the command name may contain spaces
    state, ppid, pgrp = fields[0], int(fields[1]), int(fields[2])
    return None if state in ("Z", "X") else (ppid, pgrp, state)


def _live_pids() -> dict[int, tuple[int, int, str]]:
    pids = (int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit())
    return {pid: stat for pid in pids if (stat := _proc_stat(pid))}


def family(root: int) -> set[int]:
    """The live processes in root's process group or descended from root."""
    live = _live_pids()
    members = {pid for pid, (_, pgrp, _) in live.items() if pgrp == root}
    members.add(root)
    grown = True
    while grown:
        children = {pid for pid, (ppid, _, _) in live.items() if ppid in members}
        grown = not children <= members
        members |= children
    return {pid for pid in members if pid in live}


def stop(server: Webserver) -> set[int]:
    """Stop the whole group (SIGTERM, then SIGKILL); return the processes still alive after."""
    started = family(server.process.pid)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.process.pid, sig)
        except ProcessLookupError:
            break
        try:
            server.process.wait(timeout=STOP_WAIT_SECONDS)
        except subprocess.TimeoutExpired:
            continue
        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while any(_proc_stat(pid) for pid in started) and time.monotonic() < deadline:
            time.sleep(0.2)
        if not any(_proc_stat(pid) for pid in started):
            break
    server.process.wait(timeout=STOP_WAIT_SECONDS)
    return {pid for pid in started if _proc_stat(pid)}
