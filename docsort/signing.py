"""Short-lived signed URLs for file content (no bearer key needed; the signature authorises)."""

from __future__ import annotations

import hashlib
import hmac
import time


def sign(key: bytes, file_id: str, expires: int) -> str:
    """The signature of (file, expiry)."""
    message = f"{file_id}:{expires}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def verify(
    key: bytes, file_id: str, expires: int, signature: str, now: float | None = None
) -> bool:
    """Whether the signature is genuine and not yet expired."""
    if (now if now is not None else time.time()) > expires:
        return False
    return hmac.compare_digest(sign(key, file_id, expires), signature)
