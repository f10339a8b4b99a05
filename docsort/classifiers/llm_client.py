"""One chat-completions request to an OpenAI-compatible provider, with its errors sorted.

The `openai` client is used (it speaks every OpenAI-compatible server and Azure's v1 API)
with `max_retries=0`: retrying is Temporal's job, so every failure comes back at once as a
`ProviderUnavailable` (worth retrying later: 429, 5xx, timeouts, connection errors; with
the `Retry-After` delay when the provider gave one) or a `ProviderRefused` (any other 4xx: the same
request would fail again). The API key is never logged and is removed from error messages.
"""

from __future__ import annotations

import time
from typing import Any

import openai

from docsort.classifiers.llm_prompt import SCHEMA_NAME
from docsort.classifiers.llm_provider import LlmProvider
from docsort.logging import get_logger
from docsort.retry_after import retry_after_seconds

log = get_logger(__name__)
RETRYABLE_STATUSES = frozenset({429})
MAX_RETRY_AFTER_S = 600.0
_MESSAGE_CHARS = 300
# Words in a 400's message that say the provider does not take a JSON-schema response format.
_SCHEMA_UNSUPPORTED = ("response_format", "json_schema", "json schema", "structured output")


class ProviderError(Exception):
    """A request that got no usable answer; `message` is safe to show and to log."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ProviderUnavailable(ProviderError):
    """Worth trying again later; `retry_after_s` is the provider's own delay, if it gave one."""

    def __init__(
        self, message: str, status: int | None = None, retry_after_s: float | None = None
    ) -> None:
        super().__init__(message, status)
        self.retry_after_s = retry_after_s


class ProviderRefused(ProviderError):
    """The provider refused the request itself (a 4xx other than 429)."""


class LlmClient:
    """Sends chat-completions requests to one provider and returns the answer's text."""

    def __init__(self, name: str, provider: LlmProvider) -> None:
        self.name = name
        self.provider = provider
        self.json_schema = provider.supports_json_schema
        self._secret = provider.api_key.get_secret_value()
        self._client = openai.AsyncOpenAI(
            base_url=provider.base_url,
            api_key=self._secret or "none",
            timeout=provider.timeout_s,
            max_retries=0,
            default_query=provider.default_query or None,
        )

    async def complete(self, messages: list[dict[str, Any]], schema: dict[str, Any]) -> str:
        """The text of the model's answer to `messages`, asked for JSON matching `schema`.

        A provider that rejects a JSON-schema response format is asked again, and from then
        on, in JSON mode (the answer is validated by the caller either way).
        """
        if self.json_schema:
            try:
                return await self._request(messages, _schema_format(schema))
            except ProviderRefused as err:
                if err.status != 400 or not _mentions_schema(err.message):
                    raise
                self.json_schema = False
                log.warning("llm provider has no json schema output", provider=self.name)
        return await self._request(messages, {"type": "json_object"})

    async def close(self) -> None:
        """Close the connection pool."""
        await self._client.close()

    async def _request(self, messages: list[dict[str, Any]], response_format: Any) -> str:
        started = time.monotonic()
        try:
            response = await self._client.chat.completions.create(
                model=self.provider.model,
                messages=messages,  # type: ignore[arg-type]
                temperature=self.provider.temperature,
                max_completion_tokens=self.provider.max_output_tokens,
                response_format=response_format,
            )
        except openai.APITimeoutError:
            raise ProviderUnavailable(
                f"LLM provider {self.name!r} did not answer within {self.provider.timeout_s:g} s"
            ) from None
        except openai.APIConnectionError as err:
            raise ProviderUnavailable(
                f"LLM provider {self.name!r} cannot be reached: {self._safe(str(err))}"
            ) from None
        except openai.APIStatusError as err:
            raise self._status_error(err) from None
        elapsed_ms = round((time.monotonic() - started) * 1000)
        if not response.choices:
            log.info("llm answer without choices", provider=self.name, elapsed_ms=elapsed_ms)
            return ""
        choice = response.choices[0]
        log.debug(
            "llm answered",
            provider=self.name,
            model=self.provider.model,
            elapsed_ms=elapsed_ms,
            finish_reason=choice.finish_reason,
        )
        return choice.message.content or ""

    def _status_error(self, err: openai.APIStatusError) -> ProviderError:
        status = err.status_code
        message = (
            f"LLM provider {self.name!r} answered {status}: {self._safe(err.message)}".rstrip()
        )
        if status in RETRYABLE_STATUSES or status >= 500:
            retry_after = retry_after_seconds(err.response.headers, maximum=MAX_RETRY_AFTER_S)
            log.info(
                "llm provider unavailable",
                provider=self.name,
                status=status,
                retry_after_s=retry_after,
            )
            return ProviderUnavailable(message, status, retry_after)
        log.warning("llm provider refused the request", provider=self.name, status=status)
        return ProviderRefused(message, status)

    def _safe(self, text: str) -> str:
        """`text` without the API key, cut to a readable length."""
        if self._secret:
            text = text.replace(self._secret, "***")
        return text[:_MESSAGE_CHARS]


def _schema_format(schema: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "json_schema",
        "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": schema},
    }


def _mentions_schema(message: str) -> bool:
    lowered = message.lower()
    return any(word in lowered for word in _SCHEMA_UNSUPPORTED)
