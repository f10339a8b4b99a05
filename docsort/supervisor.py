"""`docsort up`: the embedded Temporal server, a worker and the API as one supervised group."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from docsort.bootstrap import API_KEY_FILE, ensure_default_key
from docsort.devserver import dev_server_command, free_port, wait_until_healthy
from docsort.logging import get_logger
from docsort.settings import Settings
from docsort.store.migrate import upgrade_database
from docsort.temporal import EMBEDDED_ADDRESS_FILE

API_URL_FILE = "api-url"

log = get_logger(__name__)
STOP_GRACE_S = 20.0
API_READY_TIMEOUT_S = 60.0


@dataclass
class _Group:
    processes: list[tuple[str, subprocess.Popen[bytes]]] = field(default_factory=list)

    def start(
        self, name: str, command: list[str], env: dict[str, str], log_file: Path | None = None
    ) -> subprocess.Popen[bytes]:
        output = log_file.open("ab") if log_file else None
        process = subprocess.Popen(command, env=env, stdout=output, stderr=output)
        if output:
            output.close()
        self.processes.append((name, process))
        return process

    def exited(self) -> tuple[str, int] | None:
        for name, process in self.processes:
            code = process.poll()
            if code is not None:
                return name, code
        return None

    def stop(self) -> None:
        """Stop in reverse start order: API, worker, then Temporal."""
        for name, process in reversed(self.processes):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(STOP_GRACE_S)
                except subprocess.TimeoutExpired:
                    log.warning("process did not stop in time; killing it", process=name)
                    process.kill()
                    process.wait()


def run_stack(settings: Settings) -> int:
    """Start everything, print how to reach it, and run until Ctrl-C or SIGTERM."""
    data_dir = settings.data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = settings.model_copy(update={"data_dir": data_dir})
    upgrade_database(settings.resolved_database_url)
    key = asyncio.run(ensure_default_key(settings))

    stopping = False

    def _stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)

    group = _Group()
    env = {**os.environ, "DOCSORT_DATA_DIR": str(data_dir)}
    try:
        temporal_address, ui_url = _start_temporal(settings, group, env)
        env["DOCSORT_TEMPORAL_ADDRESS"] = temporal_address
        api_port = free_port(settings.host, settings.port)
        env["DOCSORT_PORT"] = str(api_port)
        env["DOCSORT_HOST"] = settings.host
        group.start("worker", [sys.executable, "-m", "docsort", "worker"], env)
        api = group.start("api", [sys.executable, "-m", "docsort", "api"], env)
        api_url = f"http://{settings.host}:{api_port}"
        _wait_for_api(api_url, api)
        (data_dir / API_URL_FILE).write_text(api_url)
        _announce(settings, api_url, ui_url, temporal_address, api_port, key)
        while not stopping:
            exited = group.exited()
            if exited is not None:
                name, code = exited
                log.error("a docsort process exited; stopping the others", process=name, code=code)
                return 1
            time.sleep(0.5)
        print("\nstopping docsort…", file=sys.stderr)
        return 0
    finally:
        group.stop()
        (data_dir / EMBEDDED_ADDRESS_FILE).unlink(missing_ok=True)
        (data_dir / API_URL_FILE).unlink(missing_ok=True)


def _start_temporal(
    settings: Settings, group: _Group, env: dict[str, str]
) -> tuple[str, str | None]:
    if settings.temporal_address:
        wait_until_healthy(settings.temporal_address)
        return settings.temporal_address, None
    port = free_port("127.0.0.1", settings.temporal_port)
    ui_port = free_port("127.0.0.1", settings.temporal_ui_port)
    for wanted, got, what in (
        (settings.temporal_port, port, "Temporal"),
        (settings.temporal_ui_port, ui_port, "Temporal UI"),
    ):
        if wanted != got:
            print(f"port {wanted} is taken: {what} uses {got}", flush=True)
    db_file = settings.data_dir / "temporal.db"
    command = dev_server_command(db_file, port, ui_port)
    process = group.start("temporal", command, env, settings.data_dir / "temporal.log")
    address = f"127.0.0.1:{port}"
    wait_until_healthy(address, process)
    (settings.data_dir / EMBEDDED_ADDRESS_FILE).write_text(address)
    return address, f"http://127.0.0.1:{ui_port}"


def _wait_for_api(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + API_READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the API exited with code {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"the API at {url} did not become ready in {API_READY_TIMEOUT_S} s")


def _announce(
    settings: Settings,
    api_url: str,
    ui_url: str | None,
    temporal_address: str,
    api_port: int,
    key: str,
) -> None:
    notes = []
    if api_port != settings.port:
        notes.append(f"(port {settings.port} was taken)")
    lines = [
        "",
        "docsort is running.",
        f"  API:          {api_url} {' '.join(notes)}".rstrip(),
        f"  API docs:     {api_url}/docs",
        f"  Temporal:     {temporal_address}",
        f"  Temporal UI:  {ui_url or 'served by your Temporal deployment'}",
        f"  Data:         {settings.data_dir}",
        f"  API key:      {key}   (also in {settings.data_dir / API_KEY_FILE})",
        "",
        "Try it:",
        f"  curl -H 'Authorization: Bearer {key}' {api_url}/api/v1/projects",
        "Press Ctrl-C to stop.",
        "",
    ]
    print("\n".join(lines), flush=True)
