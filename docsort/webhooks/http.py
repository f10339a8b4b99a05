"""One delivery attempt over HTTP: the address guard again, a pinned POST, a verdict.

The host is resolved and checked right before the request, and the request goes to the address
that was checked (the `Host` header and TLS server name stay the URL's), so a DNS answer that
changes between the check and the connection cannot point docsort at an internal address.
Redirects are never followed.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx

from docsort.retry_after import retry_after_seconds
from docsort.webhooks.guard import (
    AllowList,
    IpAddress,
    UnresolvedWebhookHost,
    UnsafeWebhookUrl,
    check_webhook_url,
)

RETRYABLE_CLIENT_ERRORS = frozenset({408, 429})
MAX_ERROR_CHARS = 500


@dataclass(frozen=True)
class AttemptResult:
    """How one attempt went: `delivered`, or whether trying again may help, and when."""

    status_code: int | None
    latency_ms: int
    error: str | None
    delivered: bool
    retryable: bool
    retry_after_s: float | None = None


async def post_event(
    client: httpx.AsyncClient,
    url: str,
    raw_body: bytes,
    headers: dict[str, str],
    allow: AllowList,
    timeout_s: float,
) -> AttemptResult:
    """POST the body to the endpoint once and classify the outcome (never raises for HTTP)."""
    started = time.monotonic()
    try:
        if _literal_host(url):  # nothing to look up: no thread hop
            addresses = check_webhook_url(url, allow)
        else:
            addresses = await asyncio.to_thread(check_webhook_url, url, allow)
    except UnsafeWebhookUrl as exc:
        retryable = isinstance(exc, UnresolvedWebhookHost)
        return AttemptResult(None, _ms(started), str(exc), False, retryable)
    target, extensions, host_header = _pinned(url, addresses[0])
    try:
        response = await client.post(
            target,
            content=raw_body,
            headers={**headers, "Host": host_header},
            extensions=extensions,
            timeout=timeout_s,
            follow_redirects=False,
        )
    except httpx.TimeoutException:
        return AttemptResult(None, _ms(started), f"no answer within {timeout_s:g} s", False, True)
    except httpx.HTTPError as exc:
        return AttemptResult(None, _ms(started), _error(exc), False, True)
    return _verdict(response, _ms(started))


def _verdict(response: httpx.Response, latency_ms: int) -> AttemptResult:
    code = response.status_code
    if 200 <= code < 300:
        return AttemptResult(code, latency_ms, None, True, False)
    if 300 <= code < 400:
        location = response.headers.get("location", "")
        error = f"redirect to {location!r} not followed"[:MAX_ERROR_CHARS]
        return AttemptResult(code, latency_ms, error, False, False)
    retryable = code >= 500 or code in RETRYABLE_CLIENT_ERRORS
    wait = retry_after_seconds(response.headers) if retryable else None
    text = response.text[:200].strip()
    error = (f"HTTP {code}: {text}" if text else f"HTTP {code}")[:MAX_ERROR_CHARS]
    return AttemptResult(code, latency_ms, error, False, retryable, wait)


def _pinned(url: str, address: IpAddress) -> tuple[str, dict[str, Any], str]:
    """The URL with the checked address as host, the TLS server name, and the Host header."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = f"{literal}:{parts.port}" if parts.port else literal
    host_header = parts.netloc.rsplit("@", 1)[-1]
    extensions: dict[str, Any] = {"sni_hostname": host} if parts.scheme == "https" else {}
    return urlunsplit(parts._replace(netloc=netloc)), extensions, host_header


def _literal_host(url: str) -> bool:
    try:
        ipaddress.ip_address(urlsplit(url).hostname or "")
    except ValueError:
        return False
    return True


def _error(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:MAX_ERROR_CHARS]


def _ms(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
