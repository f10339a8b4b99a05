"""Settings of one OpenAI-compatible LLM provider (`DOCSORT_LLM_PROVIDERS`, JSON by name)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field, SecretStr

PROVIDER_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class LlmProvider(BaseModel):
    """Where a chat-completions API is, which model to ask, and how hard to push it.

    `requests_per_second` is enforced by Temporal on the provider's task queue across all
    workers; `max_concurrency` caps requests in flight per worker process.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    base_url: str = Field(min_length=1, description="e.g. https://api.openai.com/v1")
    api_key: SecretStr = Field(default=SecretStr(""), description="empty: none is sent")
    model: str = Field(min_length=1)
    timeout_s: float = Field(default=60.0, gt=0, le=240, description="one request's timeout")
    max_concurrency: int = Field(default=4, ge=1, le=1000)
    requests_per_second: float = Field(default=10.0, gt=0)
    max_input_tokens: int = Field(
        default=16_000, ge=1000, description="prompt budget; text is cut by pages to fit"
    )
    max_output_tokens: int = Field(default=1000, ge=50)
    temperature: float = Field(default=0.0, ge=0, le=2)
    supports_json_schema: bool = Field(
        default=True, description="false: JSON mode plus validation (also found out on a 400)"
    )
    max_answer_attempts: int = Field(
        default=3, ge=1, le=10, description="asks per document while the answer does not validate"
    )
    default_query: dict[str, str] = Field(
        default_factory=dict, description="query parameters on every request (Azure api-version)"
    )


def check_provider_name(name: str) -> str:
    """`name` if it can be part of a task-queue name; ValueError otherwise."""
    if not PROVIDER_NAME.match(name):
        raise ValueError(
            f"LLM provider name {name!r} must be 1-40 lower-case letters, digits, '-' or '_'"
        )
    return name
