"""A docsort stack whose FAST and MULTIMODAL modes are served by a fake chat-completions server."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from tests.conftest import new_api_key, sqlite_url
from tests.support.fake_llm import FakeChatServer, Reply, answer, completion, error
from tests.support.stack import Stack

# The provider's API key: sent on every request, never written to a log.
PROVIDER_KEY = "sk-docsort-test-4f9c2e7d1b"
PROVIDER = "fake"
MAX_ATTEMPTS = 3

SCENARIOS: dict[str, list[Reply]] = {
    "good": [answer("invoice", 0.87, "It asks for payment of an amount due.")],
    "invalid-then-good": [
        completion("Sure! The document is a recipe {"),
        answer("recipe", 0.8, "Ingredients and oven steps."),
    ],
    "rate-limited": [
        error(429, "Rate limit reached, retry later", {"Retry-After": "1"}),
        answer("invoice", 0.75, "An amount is due."),
    ],
    "server-error": [error(500, "the model crashed")],
    "outside-rules": [answer("receipt", 0.7, "It is a shop receipt.")],
    "always-invalid": [completion('{"type": "invoice"}')],
    "refused": [error(400, "This model's maximum context length is 100 tokens")],
    "no-schema": [
        error(400, "response_format of type json_schema is not supported by this model"),
        answer("match_report", 0.66, "A final score and a league table."),
    ],
    "pages": [answer("recipe", 0.9, "The pages show a recipe.")],
}


@pytest.fixture(scope="package")
def fake_llm() -> Iterator[FakeChatServer]:
    """The fake provider on 127.0.0.1, with every scenario scripted."""
    server = FakeChatServer(SCENARIOS).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="package")
def llm_stack(
    tmp_path_factory: pytest.TempPathFactory, temporal_address: str, fake_llm: FakeChatServer
) -> Iterator[Stack]:
    """API and worker whose FAST and MULTIMODAL jobs go to the fake provider."""
    data_dir = tmp_path_factory.mktemp("llm-stack")
    providers = {
        PROVIDER: {
            "base_url": fake_llm.base_url,
            "api_key": PROVIDER_KEY,
            "model": "fake-model",
            "timeout_s": 20,
            "max_concurrency": 4,
            "requests_per_second": 50,
            "max_input_tokens": 8000,
        }
    }
    running = Stack(
        data_dir=data_dir,
        database_url=sqlite_url(data_dir),
        temporal_address=temporal_address,
        extra_env={
            "DOCSORT_LLM_PROVIDERS": json.dumps(providers),
            "DOCSORT_CLASSIFIER_FAST_PROVIDER": PROVIDER,
            "DOCSORT_CLASSIFIER_MULTIMODAL_PROVIDER": PROVIDER,
            "DOCSORT_ACTIVITY_MAX_ATTEMPTS": str(MAX_ATTEMPTS),
            "DOCSORT_CLASSIFIER_ENGINE": "lexical",
            "DOCSORT_LOG_LEVEL": "DEBUG",
        },
    ).start()
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def llm_api_key(llm_stack: Stack) -> str:
    """A key of a fresh project in the LLM stack."""
    return new_api_key(llm_stack)
