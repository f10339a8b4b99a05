"""One delivery attempt against a real local receiver: verdicts, redirects, the guard again."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import pytest_asyncio

from docsort.webhooks.guard import AllowList
from docsort.webhooks.http import AttemptResult, post_event
from tests.support.receiver import Receiver
from tests.support.stack import free_port

LOCAL = AllowList.parse("127.0.0.1/32")
BODY = b'{"event_id":"evt-1","event_type":"classify.success","sequence":1,"data":{"id":"x"}}'


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A receiver for one test."""
    running = Receiver().start()
    try:
        yield running
    finally:
        running.stop()


@pytest_asyncio.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """The HTTP client the delivery activity uses."""
    async with httpx.AsyncClient(follow_redirects=False, trust_env=False) as http:
        yield http


async def _post(client: httpx.AsyncClient, url: str, allow: AllowList = LOCAL) -> AttemptResult:
    headers = {"Content-Type": "application/json", "LC-Event-Id": "evt-1"}
    return await post_event(client, url, BODY, headers, allow, timeout_s=5)


async def test_answers_are_delivered_retryable_or_final(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    ok = await _post(client, receiver.url("/ok"))
    assert (ok.delivered, ok.status_code, ok.error) == (True, 200, None)
    assert receiver.received[0].body == BODY
    assert receiver.received[0].headers["Host"] == f"127.0.0.1:{receiver.port}"
    failing = await _post(client, receiver.url("/status/503"))
    assert (failing.delivered, failing.retryable, failing.error) == (False, True, "HTTP 503")
    for code in (408, 429):
        assert (await _post(client, receiver.url(f"/status/{code}"))).retryable
    for code in (400, 401, 404, 410, 422):
        refused = await _post(client, receiver.url(f"/status/{code}"))
        assert (refused.retryable, refused.status_code) == (False, code)
    busy = await _post(client, receiver.url("/busy/7"))
    assert (busy.status_code, busy.retryable, busy.retry_after_s) == (429, True, 7.0)


async def test_redirects_are_not_followed(client: httpx.AsyncClient, receiver: Receiver) -> None:
    moved = await _post(client, receiver.url("/status/307"))
    assert (moved.status_code, moved.delivered, moved.retryable) == (307, False, False)
    assert len(receiver.received) == 1


async def test_internal_addresses_are_refused_at_delivery_without_the_allow_list(
    client: httpx.AsyncClient, receiver: Receiver
) -> None:
    refused = await _post(client, receiver.url("/ok"), AllowList())
    assert (refused.delivered, refused.retryable, refused.status_code) == (False, False, None)
    assert refused.error is not None and "loopback" in refused.error
    assert receiver.received == []
    metadata = await _post(client, "http://169.254.169.254/latest/meta-data", AllowList())
    assert metadata.error is not None and "metadata" in metadata.error
    assert not (await _post(client, "file:///etc/passwd", AllowList())).retryable


async def test_a_receiver_that_is_down_is_retried(client: httpx.AsyncClient) -> None:
    down = await _post(client, f"http://127.0.0.1:{free_port()}/ok")
    assert (down.delivered, down.retryable, down.status_code) == (False, True, None)
    assert down.error is not None and "Connect" in down.error
    unresolved = await _post(client, "http://no-such-host.invalid/hook")
    assert (unresolved.retryable, unresolved.status_code) == (True, None)
