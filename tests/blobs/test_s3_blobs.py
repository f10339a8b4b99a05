"""What only the S3 backend does: prefixes, SigV4 with real credentials, presigned URLs."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from botocore.exceptions import ClientError

from docsort.blobs import S3BlobStore, blob_store_from_settings
from docsort.settings import Settings
from tests.blobs.conftest import s3_store
from tests.support.s3 import REGION, MotoServer


def test_wrong_secret_is_refused_by_the_server(s3_server: MotoServer) -> None:
    bucket = s3_server.new_bucket()
    right = s3_store(s3_server, bucket)
    right.put_bytes("files/p/one", b"data")
    wrong = s3_store(s3_server, bucket, secret="not-the-secret")
    with pytest.raises(ClientError) as refused:
        wrong.get_bytes("files/p/one")
    assert refused.value.response["Error"]["Code"] == "SignatureDoesNotMatch"
    with pytest.raises(ClientError):
        wrong.put_bytes("files/p/two", b"x")
    with pytest.raises(ClientError):
        wrong.ping()
    assert right.get_bytes("files/p/one") == b"data"


def test_unknown_access_key_is_refused_after_the_bootstrap(s3_server: MotoServer) -> None:
    bucket = s3_server.new_bucket()
    stranger = S3BlobStore(
        bucket,
        endpoint_url=s3_server.endpoint_url,
        region=REGION,
        access_key_id="AKIAUNKNOWNKEY000000",
        secret_access_key="whatever",
    )
    with pytest.raises(ClientError) as refused:
        stranger.put_bytes("files/p/one", b"x")
    assert refused.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_keys_live_under_the_prefix(s3_server: MotoServer) -> None:
    bucket = s3_server.new_bucket()
    s3_store(s3_server, bucket, prefix="/docsort/prod/").put_bytes("files/p/one", b"a")
    listed = s3_server.client().list_objects_v2(Bucket=bucket)
    assert [obj["Key"] for obj in listed.get("Contents", [])] == ["docsort/prod/files/p/one"]
    with pytest.raises(FileNotFoundError):
        s3_store(s3_server, bucket, prefix="docsort/other").get_bytes("files/p/one")


def test_presigned_urls_use_sigv4(s3_server: MotoServer) -> None:
    store = s3_store(s3_server, s3_server.new_bucket())
    url = store.presigned_url("files/p/one", 600, filename="a.pdf", media_type="application/pdf")
    assert url is not None
    query = parse_qs(urlparse(url).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["600"]
    assert "X-Amz-Signature" in query and "Signature" not in query
    assert query["response-content-disposition"] == ['attachment; filename="a.pdf"']


def test_settings_choose_the_s3_backend(s3_server: MotoServer) -> None:
    bucket = s3_server.new_bucket()
    env = s3_server.env(bucket)
    fields: dict[str, Any] = {k.removeprefix("DOCSORT_").lower(): v for k, v in env.items()}
    settings = Settings(**fields)
    store = blob_store_from_settings(settings)
    assert isinstance(store, S3BlobStore)
    store.put_bytes("files/p/one", b"via settings")
    assert s3_store(s3_server, bucket).get_bytes("files/p/one") == b"via settings"
    assert s3_server.secret_access_key not in repr(settings)


def test_missing_bucket_is_created_once(s3_server: MotoServer) -> None:
    store = s3_store(s3_server, f"{s3_server.new_bucket()}-new")
    assert store.ensure_bucket() is True
    assert store.ensure_bucket() is False
    store.ping()


def test_s3_backend_needs_a_bucket_and_a_whole_key_pair() -> None:
    with pytest.raises(ValueError, match="S3_BUCKET"):
        Settings(blob_backend="s3")
    with pytest.raises(ValueError, match="ACCESS_KEY"):
        Settings(blob_backend="s3", s3_bucket="b", s3_access_key_id="AKIA")
