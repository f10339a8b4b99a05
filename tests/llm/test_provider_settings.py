"""Provider settings: names, the mode → task queue choice, and the key kept secret."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from docsort.settings import Settings

PROVIDERS = {
    "local": {"base_url": "http://127.0.0.1:9/v1", "model": "m", "api_key": "sk-hidden"},
    "cloud": {"base_url": "http://127.0.0.1:9/v1", "model": "m2", "requests_per_second": 2},
}


def test_each_mode_goes_to_its_provider_queue_or_the_embedded_one() -> None:
    settings = Settings(
        task_queue_prefix="ds",
        llm_providers=PROVIDERS,
        classifier_multimodal_provider="cloud",
    )
    assert settings.classify_task_queue_for("FAST") == "ds-classify"
    assert settings.classify_task_queue_for("MULTIMODAL") == "ds-llm-cloud"
    fast = settings.model_copy(update={"classifier_fast_provider": "local"})
    assert fast.classify_task_queue_for("FAST") == "ds-llm-local"
    assert settings.llm_providers["cloud"].requests_per_second == 2


def test_providers_come_from_json_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "DOCSORT_LLM_PROVIDERS",
        '{"vllm": {"base_url": "http://127.0.0.1:9/v1", "model": "qwen", "max_concurrency": 16}}',
    )
    monkeypatch.setenv("DOCSORT_CLASSIFIER_FAST_PROVIDER", "vllm")
    settings = Settings()
    assert settings.llm_providers["vllm"].max_concurrency == 16
    assert settings.classify_task_queue_for("FAST").endswith("-llm-vllm")


def test_an_unknown_provider_or_a_bad_name_is_refused_at_start() -> None:
    with pytest.raises(ValidationError, match="not in llm_providers"):
        Settings(classifier_fast_provider="nowhere")
    with pytest.raises(ValidationError, match="provider name"):
        Settings(llm_providers={"Bad Name": PROVIDERS["local"]})
    with pytest.raises(ValidationError):
        Settings(llm_providers={"x": {"base_url": "http://h", "model": "m", "colour": 1}})


def test_the_api_key_does_not_show_in_the_settings_repr() -> None:
    settings = Settings(llm_providers=PROVIDERS)
    assert "sk-hidden" not in repr(settings)
    assert settings.llm_providers["local"].api_key.get_secret_value() == "sk-hidden"
