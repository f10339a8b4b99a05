"""The v1 classify path end to end through the official llama-cloud SDK (2.13.0)."""

from __future__ import annotations

import io

import httpx
import llama_cloud
from llama_cloud import LlamaCloud

from tests.e2e.helpers import all_results, wait_for_v1_job
from tests.support.documents import (
    INVOICE_TEXT,
    RECIPE_PDF_LINES,
    RULES,
    five_documents,
    make_pdf,
)
from tests.support.stack import Stack


def test_sdk_version_is_the_pinned_one() -> None:
    assert llama_cloud.__version__ == "2.13.0"


def test_five_files_of_different_kinds_are_classified_and_paged(stack: Stack, api_key: str) -> None:
    client = LlamaCloud(base_url=stack.base_url, api_key=api_key, max_retries=0)
    docs = five_documents()
    uploaded = {}
    for name, (content, expected) in docs.items():
        file = client.files.create(file=(name, io.BytesIO(content)), purpose="classify")
        assert file.id.startswith("dfl-") and file.name == name
        uploaded[file.id] = (name, expected)

    job = client.classifier.jobs.create(file_ids=list(uploaded), rules=RULES)
    assert job.status == "PENDING"
    assert [r.type for r in job.rules] == [r["type"] for r in RULES]

    finished = wait_for_v1_job(client, job.id)
    assert finished.status == "SUCCESS"

    items, pages = all_results(client, job.id, page_size=2)
    assert pages == 3
    assert sorted(item.file_id for item in items) == sorted(uploaded)
    for item in items:
        name, expected = uploaded[item.file_id]
        assert item.classify_job_id == job.id
        assert item.result is not None, name
        assert item.result.type == expected, (name, item.result)
        assert 0.0 <= item.result.confidence <= 1.0
        assert expected in item.result.reasoning

    everything = client.classifier.jobs.get_results(job.id)
    assert len(everything.items) == 5 and everything.total_size == 5
    assert everything.next_page_token is None

    listed = [j.id for j in client.classifier.jobs.list()]
    assert job.id in listed


def test_files_are_listed_by_cursor_and_downloadable(stack: Stack, api_key: str) -> None:
    client = LlamaCloud(base_url=stack.base_url, api_key=api_key, max_retries=0)
    ids = [
        client.files.create(
            file=(f"note-{i}.txt", io.BytesIO(f"note {i}".encode())), purpose="user_data"
        ).id
        for i in range(5)
    ]
    first_page = client.files.list(page_size=2)
    assert len(first_page.items) == 2 and first_page.next_page_token
    assert [f.id for f in client.files.list(page_size=2)] == ids

    by_name = client.files.list(file_name="note-3.txt")
    assert [f.id for f in by_name.items] == [ids[3]]

    content = client.files.get(ids[1], expires_at_seconds=60)
    downloaded = httpx.get(content.url)
    assert downloaded.status_code == 200 and downloaded.content == b"note 1"
    tampered = httpx.get(content.url.replace("sig=", "sig=0"))
    assert tampered.status_code == 403

    client.files.delete(ids[0])
    assert ids[0] not in [f.id for f in client.files.list()]


def test_target_pages_and_max_pages_choose_what_is_classified(stack: Stack, api_key: str) -> None:
    client = LlamaCloud(base_url=stack.base_url, api_key=api_key, max_retries=0)
    recipe_page = RECIPE_PDF_LINES[0]
    invoice_page = INVOICE_TEXT.splitlines()
    pdf = make_pdf([recipe_page, recipe_page, invoice_page])
    file_id = client.files.create(file=("mixed.pdf", io.BytesIO(pdf)), purpose="classify").id

    def classify(parsing: dict[str, object]) -> tuple[str, object]:
        job = client.classifier.jobs.create(
            file_ids=[file_id],
            rules=RULES,
            parsing_configuration=parsing,  # type: ignore[arg-type]
        )
        finished = wait_for_v1_job(client, job.id)
        item = client.classifier.jobs.get_results(job.id).items[0]
        return finished.status, item.result.type if item.result else item.model_extra

    assert classify({"target_pages": [2]}) == ("SUCCESS", "invoice")
    assert classify({"max_pages": 2}) == ("SUCCESS", "recipe")
    status, failure = classify({"target_pages": [7]})
    assert status == "ERROR"
    assert "page 8 is beyond the document's 3 pages" in str(failure)
    echoed = client.classifier.jobs.create(
        file_ids=[file_id], rules=RULES, parsing_configuration={"target_pages": [2, 0, 2]}
    )
    assert echoed.parsing_configuration is not None
    assert echoed.parsing_configuration.target_pages == [0, 2]
