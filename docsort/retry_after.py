"""How long a server asked to wait before the next try (`Retry-After`, `retry-after-ms`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(
    headers: Mapping[str, str], *, maximum: float | None = None, now: datetime | None = None
) -> float | None:
    """The wait the headers ask for, in seconds (≥ 0, at most `maximum`); None if they ask none.

    `retry-after-ms` (milliseconds) wins over `Retry-After`, which is seconds or an HTTP date.
    """
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return _bounded(float(millis) / 1000, maximum)
        except ValueError:
            pass
    value = (headers.get("retry-after") or "").strip()
    if not value:
        return None
    try:
        return _bounded(float(value), maximum)
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return _bounded((when - (now or datetime.now(UTC))).total_seconds(), maximum)


def _bounded(seconds: float, maximum: float | None) -> float | None:
    if seconds != seconds:  # NaN
        return None
    seconds = max(seconds, 0.0)
    return seconds if maximum is None else min(seconds, maximum)
