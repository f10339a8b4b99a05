"""A real S3-compatible HTTP server for tests: moto's server mode, with authentication on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import boto3
import httpx
from botocore.config import Config

from tests.support.stack import free_port

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

REGION = "us-east-1"
# moto has no root credentials: it lets this many actions through unauthenticated, and checks
# every request after them. Exactly the three bootstrap calls below (create the user, give it a
# policy, create its access key) use them; everything docsort does is authenticated.
BOOTSTRAP_ACTIONS = 3
READY_TIMEOUT_S = 30.0


@dataclass
class MotoServer:
    """`python -m moto.server` on a free 127.0.0.1 port, with an IAM user's access key."""

    log_path: Path
    port: int = field(default_factory=free_port)
    access_key_id: str = ""
    secret_access_key: str = ""
    process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint_url(self) -> str:
        """Where the server answers."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MotoServer:
        """Start the server, wait until it answers, then create the user and its key."""
        env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(BOOTSTRAP_ACTIONS)}
        for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
            env.pop(name, None)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            env=env,
            stdout=self.log_path.open("ab"),
            stderr=subprocess.STDOUT,
        )
        self._wait_ready()
        self._create_access_key()
        return self

    def stop(self) -> None:
        """Stop the server."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def client(self, secret: str | None = None) -> S3Client:
        """A boto3 S3 client with the user's key (or a different secret), SigV4."""
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=secret or self.secret_access_key,
            config=Config(signature_version="s3v4"),
        )

    def new_bucket(self) -> str:
        """Create a fresh bucket (one per test keeps tests apart) and return its name."""
        name = f"docsort-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def env(self, bucket: str, prefix: str = "") -> dict[str, str]:
        """The `DOCSORT_*` settings that put a docsort process's blobs in `bucket`."""
        return {
            "DOCSORT_BLOB_BACKEND": "s3",
            "DOCSORT_S3_BUCKET": bucket,
            "DOCSORT_S3_PREFIX": prefix,
            "DOCSORT_S3_ENDPOINT_URL": self.endpoint_url,
            "DOCSORT_S3_REGION": REGION,
            "DOCSORT_S3_ACCESS_KEY_ID": self.access_key_id,
            "DOCSORT_S3_SECRET_ACCESS_KEY": self.secret_access_key,
        }

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"moto exited with {self.process.returncode}; see {self.log_path}"
                )
            try:
                httpx.get(f"{self.endpoint_url}/moto-api/", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise TimeoutError("the moto server did not start")

    def _create_access_key(self) -> None:
        iam = boto3.client(
            "iam",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id="bootstrap",
            aws_secret_access_key="bootstrap",
            config=Config(signature_version="s3v4"),
        )
        policy = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
        }
        iam.create_user(UserName="docsort")
        iam.put_user_policy(
            UserName="docsort", PolicyName="docsort-s3", PolicyDocument=json.dumps(policy)
        )
        key = iam.create_access_key(UserName="docsort")["AccessKey"]
        self.access_key_id = key["AccessKeyId"]
        self.secret_access_key = key["SecretAccessKey"]
