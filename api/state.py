"""What the API process holds for its lifetime: settings, database, blobs, Temporal client."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass, field

from temporalio.client import Client

from docsort.blobs import BlobStore
from docsort.settings import Settings
from docsort.store.database import Database
from docsort.temporal import connect
from docsort.webhooks.guard import AllowList

SECRET_FILE = "secret"


@dataclass
class AppState:
    """Shared by every request; created at start-up and closed at shutdown."""

    settings: Settings
    db: Database
    blobs: BlobStore
    signing_key: bytes
    temporal: Client | None = None
    temporal_error: str | None = field(default=None)
    webhook_allow: AllowList = field(default_factory=AllowList)
    _connect_lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def temporal_client(self) -> Client:
        """The shared Temporal client, connecting (again) if the first attempt failed."""
        if self.temporal is None:
            async with self._connect_lock:
                if self.temporal is None:
                    try:
                        self.temporal = await connect(self.settings)
                        self.temporal_error = None
                    except Exception as exc:
                        self.temporal_error = str(exc)
                        raise
        return self.temporal


def load_signing_key(settings: Settings) -> bytes:
    """The HMAC key for signed URLs: from the settings, else a secret kept in the data dir."""
    if settings.signing_secret:
        return settings.signing_secret.encode()
    path = settings.data_dir / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        if not path.read_text().strip():
            path.write_text(secrets.token_hex(32))
    return path.read_text().strip().encode()
