"""LLM classification end to end: real API, worker, Temporal and database; the provider is a
local HTTP server speaking the chat-completions protocol with scripted answers."""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from llama_cloud import LlamaCloud
from PIL import Image

from tests.conftest import new_api_key
from tests.e2e.helpers import wait_for_v1_job
from tests.llm.conftest import MAX_ATTEMPTS, PROVIDER_KEY
from tests.support.documents import RULES, make_pdf
from tests.support.fake_llm import FakeChatServer, first_user_text, image_parts
from tests.support.stack import Stack

# One file per scenario of the fast job (the marker in its text picks the scripted answers).
FAST_SCENARIOS = (
    "good",
    "invalid-then-good",
    "rate-limited",
    "server-error",
    "outside-rules",
    "always-invalid",
    "refused",
)
RULE_TYPES = [rule["type"] for rule in RULES]


@dataclass
class FastJob:
    """The finished v1 job with one file per scenario, and each scenario's result item."""

    status: str
    items: dict[str, Any]


@pytest.fixture(scope="module")
def fast_job(llm_stack: Stack, fake_llm: FakeChatServer) -> FastJob:
    """One v1 FAST job over a document per scenario, run to its end."""
    client = LlamaCloud(base_url=llm_stack.base_url, api_key=new_api_key(llm_stack), max_retries=0)
    scenario_of: dict[str, str] = {}
    for scenario in FAST_SCENARIOS:
        text = f"INVOICE 17. Amount due: 120.00 EUR.\nscenario={scenario}\n"
        file = client.files.create(
            file=(f"{scenario}.txt", io.BytesIO(text.encode())), purpose="classify"
        )
        scenario_of[file.id] = scenario
    job = client.classifier.jobs.create(file_ids=list(scenario_of), rules=RULES)
    finished = wait_for_v1_job(client, job.id, timeout_s=120)
    results = client.classifier.jobs.get_results(job.id)
    return FastJob(
        status=finished.status,
        items={scenario_of[str(item.file_id)]: item for item in results.items},
    )


def test_good_answer_is_the_result_of_a_json_schema_request(
    fast_job: FastJob, fake_llm: FakeChatServer
) -> None:
    result = fast_job.items["good"].result
    assert result is not None
    assert (result.type, result.confidence) == ("invoice", 0.87)
    assert result.reasoning == "It asks for payment of an amount due."
    [request] = fake_llm.requests_for("good")
    body = request.body
    assert request.path == "/v1/chat/completions"
    assert body["model"] == "fake-model" and body["temperature"] == 0
    schema_format = body["response_format"]
    assert schema_format["type"] == "json_schema"
    type_schema = schema_format["json_schema"]["schema"]["properties"]["type"]
    assert type_schema["anyOf"] == [{"type": "string", "enum": RULE_TYPES}, {"type": "null"}]
    system = body["messages"][0]["content"]
    assert all(rule["type"] in system and rule["description"] in system for rule in RULES)
    assert "Amount due: 120.00 EUR" in first_user_text(body)


def test_invalid_json_is_asked_again_and_the_valid_answer_kept(
    fast_job: FastJob, fake_llm: FakeChatServer
) -> None:
    result = fast_job.items["invalid-then-good"].result
    assert result is not None and result.type == "recipe"
    first, second = fake_llm.requests_for("invalid-then-good")
    assert len(second.body["messages"]) == len(first.body["messages"]) + 2
    retry_note = second.body["messages"][-1]["content"]
    assert "not valid JSON" in retry_note


def test_429_is_retried_after_retry_after_then_succeeds(
    fast_job: FastJob, fake_llm: FakeChatServer
) -> None:
    result = fast_job.items["rate-limited"].result
    assert result is not None and result.type == "invoice"
    assert len(fake_llm.requests_for("rate-limited")) == 2


def test_persistent_500_fails_that_file_after_retries_and_job_is_partial_success(
    fast_job: FastJob, fake_llm: FakeChatServer
) -> None:
    assert fast_job.status == "PARTIAL_SUCCESS"
    item = fast_job.items["server-error"]
    assert item.result is None
    message = item.model_extra["error_message"]
    assert "500" in message and "the model crashed" in message
    assert len(fake_llm.requests_for("server-error")) == MAX_ATTEMPTS


def test_type_outside_the_rules_becomes_null_and_the_reasoning_says_so(
    fast_job: FastJob,
) -> None:
    result = fast_job.items["outside-rules"].result
    assert result is not None and result.type is None
    assert "'receipt'" in result.reasoning and "not one of the rule types" in result.reasoning
    assert "shop receipt" in result.reasoning


def test_answer_that_never_validates_fails_the_file_with_the_reason(
    fast_job: FastJob, fake_llm: FakeChatServer
) -> None:
    item = fast_job.items["always-invalid"]
    assert item.result is None
    message = item.model_extra["error_message"]
    assert "not valid after 3 attempts" in message and "'confidence'" in message
    # Re-asked within one activity; a document error is not retried by Temporal.
    assert len(fake_llm.requests_for("always-invalid")) == 3


def test_4xx_other_than_429_is_not_retried(fast_job: FastJob, fake_llm: FakeChatServer) -> None:
    item = fast_job.items["refused"]
    assert item.result is None
    assert "400" in item.model_extra["error_message"]
    assert "maximum context length" in item.model_extra["error_message"]
    assert len(fake_llm.requests_for("refused")) == 1


def test_the_api_key_is_sent_but_never_logged(
    fast_job: FastJob, fake_llm: FakeChatServer, llm_stack: Stack
) -> None:
    [request] = fake_llm.requests_for("good")
    assert request.headers["authorization"] == f"Bearer {PROVIDER_KEY}"
    logs = [path.read_text(errors="replace") for path in llm_stack.data_dir.glob("*.log")]
    assert logs and any("llm" in text for text in logs)
    assert not any(PROVIDER_KEY in text for text in logs)
    assert not any("Amount due: 120.00 EUR" in text for text in logs)


def test_sdk_multimodal_job_sends_images_of_exactly_the_selected_pages(
    llm_stack: Stack, llm_api_key: str, fake_llm: FakeChatServer
) -> None:
    sizes = [(300, 600), (400, 400), (600, 300), (500, 250)]
    pages = [[f"Recipe card {n}: flour, eggs, oven 180 C.", "scenario=pages"] for n in range(1, 5)]
    client = LlamaCloud(base_url=llm_stack.base_url, api_key=llm_api_key, max_retries=0)
    file = client.files.create(
        file=("cards.pdf", io.BytesIO(make_pdf(pages, sizes))), purpose="classify"
    )
    job = client.classifier.jobs.create(
        file_ids=[file.id],
        rules=RULES,
        mode="MULTIMODAL",
        parsing_configuration={"target_pages": [1, 3]},  # 0-based: pages 2 and 4
    )
    assert job.mode == "MULTIMODAL"
    assert wait_for_v1_job(client, job.id).status == "SUCCESS"
    [item] = client.classifier.jobs.get_results(job.id).items
    assert item.result is not None and item.result.type == "recipe"

    [request] = fake_llm.requests_for("pages")
    text = first_user_text(request.body)
    assert "Recipe card 2" in text and "Recipe card 4" in text
    assert "Recipe card 1" not in text and "Recipe card 3" not in text
    images = image_parts(request.body)
    assert [label for label, _ in images] == ["Image of page 2:", "Image of page 4:"]
    for (_, url), (width, height) in zip(images, [sizes[1], sizes[3]], strict=True):
        assert url.startswith("data:image/png;base64,")
        image = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
        assert image.format == "PNG"
        assert abs(image.width / image.height - width / height) < 0.02


def test_v2_fast_job_is_classified_by_the_provider(
    llm_stack: Stack, llm_api_key: str, fake_llm: FakeChatServer
) -> None:
    client = LlamaCloud(base_url=llm_stack.base_url, api_key=llm_api_key, max_retries=0)
    file = client.files.create(
        file=("match.txt", io.BytesIO(b"Rovers 3 - 1 United.\nexpect=match_report\n")),
        purpose="classify",
    )
    job = client.classify.create(file_input=file.id, configuration={"rules": RULES})
    done = client.classify.wait_for_completion(job.id, timeout=60)
    assert done.result is not None and done.result.type == "match_report"


def test_provider_without_json_schema_is_asked_in_json_mode(
    llm_stack: Stack, llm_api_key: str, fake_llm: FakeChatServer
) -> None:
    headers = {"Authorization": f"Bearer {llm_api_key}"}
    upload = httpx.post(
        f"{llm_stack.base_url}/api/v1/beta/files",
        headers=headers,
        files={"file": ("m.txt", b"Final score 2-2.\nscenario=no-schema\n")},
        data={"purpose": "classify"},
    )
    upload.raise_for_status()
    client = LlamaCloud(base_url=llm_stack.base_url, api_key=llm_api_key, max_retries=0)
    job = client.classifier.jobs.create(file_ids=[upload.json()["id"]], rules=RULES)
    assert wait_for_v1_job(client, job.id).status == "SUCCESS"
    first, second = fake_llm.requests_for("no-schema")
    assert first.body["response_format"]["type"] == "json_schema"
    assert second.body["response_format"] == {"type": "json_object"}
