"""Operations endpoints over real HTTP: /healthz, /readyz (and its 503s), /metrics."""

from __future__ import annotations

import io
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
from llama_cloud import LlamaCloud

from docsort.store.migrate import upgrade_database
from tests.conftest import new_api_key, sqlite_url
from tests.support.metrics import metric_value, scrape
from tests.support.s3 import MotoServer
from tests.support.stack import Stack, free_port


def test_healthz_readyz_and_metrics_answer_on_a_running_stack(stack: Stack) -> None:
    assert httpx.get(f"{stack.base_url}/healthz").json() == {"status": "ok"}
    assert httpx.get(f"{stack.base_url}/readyz").json() == {"status": "ready"}
    samples = scrape(f"{stack.base_url}/metrics")
    names = {sample.name for sample in samples}
    assert "process_cpu_seconds_total" in names
    assert metric_value(samples, "docsort_jobs") >= 0


def test_readyz_is_503_when_the_database_is_unreachable(
    tmp_path: Path, temporal_address: str
) -> None:
    closed = f"postgresql+asyncpg://docsort@127.0.0.1:{free_port()}/docsort"
    with _api_alone(tmp_path, closed, temporal_address) as api:
        base_url = api.base_url
        ready = httpx.get(f"{base_url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert "database unreachable" in ready.json()["detail"]


def test_readyz_is_503_when_the_blob_store_refuses_the_credentials(
    tmp_path: Path, temporal_address: str, s3_server: MotoServer
) -> None:
    env = s3_server.env(s3_server.new_bucket())
    env["DOCSORT_S3_SECRET_ACCESS_KEY"] = "not-the-secret"
    with _api_alone(tmp_path, sqlite_url(tmp_path), temporal_address, env) as api:
        base_url = api.base_url
        ready = httpx.get(f"{base_url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert "blob store unreachable" in ready.json()["detail"]


def test_readyz_is_503_when_temporal_is_unreachable(tmp_path: Path) -> None:
    nowhere = f"127.0.0.1:{free_port()}"
    with _api_alone(tmp_path, sqlite_url(tmp_path), nowhere) as api:
        base_url = api.base_url
        ready = httpx.get(f"{base_url}/readyz", timeout=30)
        assert ready.status_code == 503
        assert "temporal unreachable" in ready.json()["detail"]


def test_operations_endpoints_can_be_turned_off(tmp_path: Path, temporal_address: str) -> None:
    off = {"DOCSORT_ENABLE_METRICS": "false", "DOCSORT_ENABLE_READYZ": "false"}
    with _api_alone(tmp_path, sqlite_url(tmp_path), temporal_address, off) as api:
        base_url = api.base_url
        assert httpx.get(f"{base_url}/metrics").status_code == 404
        assert httpx.get(f"{base_url}/readyz").status_code == 404


def test_s3_presigned_download_urls_when_asked(
    tmp_path: Path, temporal_address: str, s3_server: MotoServer
) -> None:
    env = {**s3_server.env(s3_server.new_bucket()), "DOCSORT_S3_PRESIGNED_DOWNLOADS": "true"}
    with _api_alone(tmp_path, sqlite_url(tmp_path), temporal_address, env) as api:
        client = LlamaCloud(base_url=api.base_url, api_key=new_api_key(api), max_retries=0)
        uploaded = client.files.create(file=("a.txt", io.BytesIO(b"hello")), purpose="classify")
        link = client.files.get(uploaded.id, expires_at_seconds=120)
    query = parse_qs(urlparse(link.url).query)
    assert link.url.startswith(f"{s3_server.endpoint_url}/")
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["120"]


@contextmanager
def _api_alone(
    data_dir: Path,
    database_url: str,
    temporal_address: str,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """`docsort api` alone (no worker), once it answers /healthz."""
    if database_url.startswith("sqlite"):
        upgrade_database(database_url)
    stack = Stack(
        data_dir=data_dir,
        database_url=database_url,
        temporal_address=temporal_address,
        extra_env=extra_env or {},
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "docsort", "api"],
        env=stack.env,
        stdout=(data_dir / "api.log").open("ab"),
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, f"the API exited; see {data_dir}/api.log"
            assert time.monotonic() < deadline, "the API did not answer /healthz"
            try:
                if httpx.get(f"{stack.base_url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield stack
    finally:
        process.terminate()
        process.wait(20)
