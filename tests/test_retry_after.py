"""Reading how long a server asked to wait (LLM providers and webhook receivers)."""

from __future__ import annotations

from datetime import UTC, datetime

from docsort.retry_after import retry_after_seconds

NOW = datetime(2026, 12, 2, 14, 0, 0, tzinfo=UTC)


def test_retry_after_takes_seconds_milliseconds_or_an_http_date() -> None:
    assert retry_after_seconds({"retry-after": "120"}) == 120.0
    assert retry_after_seconds({"retry-after-ms": "250", "retry-after": "9"}) == 0.25
    date = "Wed, 02 Dec 2026 14:00:30 GMT"
    assert retry_after_seconds({"retry-after": date}, now=NOW) == 30.0


def test_a_date_in_the_past_is_no_wait_and_a_maximum_caps_it() -> None:
    assert retry_after_seconds({"retry-after": "Wed, 02 Dec 2026 13:00:00 GMT"}, now=NOW) == 0.0
    assert retry_after_seconds({"retry-after": "3600"}, maximum=600) == 600


def test_missing_or_unreadable_values_ask_no_wait() -> None:
    assert retry_after_seconds({}) is None
    assert retry_after_seconds({"retry-after": "soon"}) is None
    assert retry_after_seconds({"retry-after": "nan"}) is None
