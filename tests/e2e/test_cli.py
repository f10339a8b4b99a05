"""`docsort up` and `docsort keys create` as a user runs them."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psutil

from tests.support.stack import free_port

BANNER_TIMEOUT_S = 90.0


def _start_up(
    data_dir: Path, port: int, temporal_port: int, ui_port: int, *extra: str
) -> tuple[subprocess.Popen[str], dict[str, str]]:
    env = {
        **os.environ,
        "DOCSORT_TEMPORAL_PORT": str(temporal_port),
        "DOCSORT_TEMPORAL_UI_PORT": str(ui_port),
        "DOCSORT_LOG_LEVEL": "WARNING",
    }
    for name in ("DOCSORT_TEMPORAL_ADDRESS", "DOCSORT_DATABASE_URL", "DOCSORT_DATA_DIR"):
        env.pop(name, None)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "docsort",
            "up",
            "--data-dir",
            str(data_dir),
            "--port",
            str(port),
            *extra,
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=(data_dir.parent / "up-stderr.log").open("w"),
        text=True,
    )
    found: dict[str, str] = {}
    deadline = time.monotonic() + BANNER_TIMEOUT_S
    assert process.stdout is not None
    while time.monotonic() < deadline and "key" not in found:
        line = process.stdout.readline()
        if not line:
            break
        for label, name in (
            ("API:", "api"),
            ("API docs:", "docs"),
            ("Temporal UI:", "ui"),
            ("API key:", "key"),
        ):
            match = re.match(rf"\s+{re.escape(label)}\s+(\S+)", line)
            if match and name not in found:
                found[name] = match.group(1)
    if "key" not in found:
        errors = (data_dir.parent / "up-stderr.log").read_text()[-2000:]
        raise AssertionError(f"docsort up printed no banner; exit={process.poll()}\n{errors}")
    return process, found


def _stop(process: subprocess.Popen[str]) -> None:
    children = psutil.Process(process.pid).children(recursive=True)
    process.send_signal(signal.SIGTERM)
    assert process.wait(60) == 0
    _, alive = psutil.wait_procs(children, timeout=10)
    assert not alive, f"left running: {[p.pid for p in alive]}"


def test_up_serves_everything_and_keeps_state_across_restarts(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    port, temporal_port, ui_port = free_port(), free_port(), free_port()
    process, banner = _start_up(data_dir, port, temporal_port, ui_port)
    try:
        assert banner["api"] == f"http://127.0.0.1:{port}"
        assert banner["docs"].endswith("/docs")
        assert httpx.get(banner["ui"], timeout=10).status_code == 200
        key_file = data_dir / "api-key"
        assert key_file.read_text().strip() == banner["key"]
        assert key_file.stat().st_mode & 0o777 == 0o600
        headers = {"Authorization": f"Bearer {banner['key']}"}
        uploaded = httpx.post(
            f"{banner['api']}/api/v1/beta/files",
            headers=headers,
            files={"file": ("a.txt", b"an invoice: amount due 12 EUR, tax 2 EUR, payment terms")},
            data={"purpose": "classify"},
        ).json()
        job = httpx.post(
            f"{banner['api']}/api/v1/classifier/jobs",
            headers=headers,
            json={
                "file_ids": [uploaded["id"]],
                "rules": [{"type": "invoice", "description": "a bill with an amount due and tax"}],
            },
        ).json()
        deadline = time.monotonic() + 60
        while (
            httpx.get(
                f"{banner['api']}/api/v1/classifier/jobs/{job['id']}", headers=headers
            ).json()["status"]
            == "PENDING"
        ):
            assert time.monotonic() < deadline
            time.sleep(0.3)
    finally:
        _stop(process)

    process, again = _start_up(data_dir, port, temporal_port, ui_port)
    try:
        assert again["key"] == banner["key"]
        headers = {"Authorization": f"Bearer {again['key']}"}
        kept = httpx.get(
            f"{again['api']}/api/v1/classifier/jobs/{job['id']}", headers=headers
        ).json()
        assert kept["status"] == "SUCCESS"
        results = httpx.get(
            f"{again['api']}/api/v1/classifier/jobs/{job['id']}/results", headers=headers
        ).json()
        assert results["items"][0]["result"]["type"] == "invoice"
        folder = tmp_path / "folder"
        folder.mkdir()
        (folder / "bill.txt").write_text("invoice: amount due 40 EUR, tax 8 EUR, payment terms")
        rules = tmp_path / "rules.json"
        rules.write_text(
            '[{"type": "invoice", "description": "a bill with an amount due and tax"}]'
        )
        local = subprocess.run(
            [
                sys.executable,
                "-m",
                "docsort",
                "classify",
                str(folder),
                "--rules",
                str(rules),
                "--data-dir",
                str(data_dir),
            ],
            env={k: v for k, v in os.environ.items() if not k.startswith("DOCSORT_")},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert local.returncode == 0, local.stderr
        assert "bill.txt,invoice," in local.stdout
        new_key = (
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "docsort",
                    "keys",
                    "create",
                    "--project",
                    "team-b",
                    "--data-dir",
                    str(data_dir),
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )
        other = httpx.get(
            f"{again['api']}/api/v1/projects", headers={"Authorization": f"Bearer {new_key}"}
        )
        assert other.status_code == 200 and other.json()[0]["name"] == "team-b"
        hidden = httpx.get(
            f"{again['api']}/api/v1/classifier/jobs/{job['id']}",
            headers={"Authorization": f"Bearer {new_key}"},
        )
        assert hidden.status_code == 404
    finally:
        _stop(process)


def test_up_moves_to_the_next_free_port_and_says_so(tmp_path: Path) -> None:
    import socket

    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen()
    taken = busy.getsockname()[1]
    process, banner = _start_up(tmp_path / "data", taken, free_port(), free_port())
    try:
        assert banner["api"] != f"http://127.0.0.1:{taken}"
        assert httpx.get(f"{banner['api']}/healthz").status_code == 200
    finally:
        _stop(process)
        busy.close()


def test_up_uses_an_existing_temporal_when_given_one(tmp_path: Path, temporal_address: str) -> None:
    process, banner = _start_up(
        tmp_path / "data",
        free_port(),
        free_port(),
        free_port(),
        "--temporal-address",
        temporal_address,
    )
    try:
        assert "temporal.db" not in {p.name for p in (tmp_path / "data").iterdir()}
        ready = httpx.get(f"{banner['api']}/readyz")
        assert ready.status_code == 200
    finally:
        _stop(process)
