"""Settings for a production deployment: Temporal TLS and API key, `docsort migrate` with S3."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from docsort.settings import Settings
from docsort.temporal import connect, tls_config
from tests.conftest import sqlite_url
from tests.support.s3 import MotoServer


def test_client_certificate_and_ca_files_are_read_into_the_tls_config(tmp_path: Path) -> None:
    files = {name: tmp_path / f"{name}.pem" for name in ("cert", "key", "ca")}
    for name, path in files.items():
        path.write_bytes(f"-----{name}-----".encode())
    tls = tls_config(
        Settings(
            temporal_tls_client_cert=files["cert"],
            temporal_tls_client_key=files["key"],
            temporal_tls_server_ca=files["ca"],
            temporal_tls_server_name="temporal.internal",
        )
    )
    assert not isinstance(tls, bool)
    assert tls.client_cert == b"-----cert-----"
    assert tls.client_private_key == b"-----key-----"
    assert tls.server_root_ca_cert == b"-----ca-----"
    assert tls.domain == "temporal.internal"


def test_tls_is_off_by_default_and_on_with_an_api_key() -> None:
    assert tls_config(Settings()) is False
    assert tls_config(Settings(temporal_tls=True)) is True
    assert tls_config(Settings(temporal_api_key="cloud-key")) is True


def test_a_client_certificate_needs_its_key(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="TLS_CLIENT_CERT"):
        Settings(temporal_tls_client_cert=tmp_path / "cert.pem")


async def test_tls_setting_reaches_the_connection(temporal_address: str) -> None:
    plain = await connect(Settings(temporal_address=temporal_address))
    assert await plain.service_client.check_health()
    with pytest.raises(RuntimeError):  # the dev server speaks plaintext: the handshake fails
        await connect(Settings(temporal_address=temporal_address, temporal_tls=True))


def test_migrate_creates_the_bucket_when_asked(tmp_path: Path, s3_server: MotoServer) -> None:
    bucket = f"{s3_server.new_bucket()}-made-by-migrate"
    env = {
        **s3_server.env(bucket),
        "DOCSORT_DATA_DIR": str(tmp_path),
        "DOCSORT_DATABASE_URL": sqlite_url(tmp_path),
        "DOCSORT_S3_CREATE_BUCKET": "true",
    }
    done = subprocess.run(
        [sys.executable, "-m", "docsort", "migrate"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert f"bucket {bucket} created" in done.stderr
    s3_server.client().head_bucket(Bucket=bucket)
