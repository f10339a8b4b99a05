"""Bad requests get a 4xx with a message naming what is wrong, never a 500 or a hang."""

from __future__ import annotations

import io
import os

import httpx
import pytest
from llama_cloud import AuthenticationError, LlamaCloud, NotFoundError, UnprocessableEntityError

from tests.conftest import TEST_UPLOAD_LIMIT, new_api_key
from tests.e2e.helpers import wait_for_v1_job
from tests.support.documents import INVOICE_TEXT, RULES
from tests.support.stack import Stack


def _client(stack: Stack, key: str) -> LlamaCloud:
    return LlamaCloud(base_url=stack.base_url, api_key=key, max_retries=0)


def _upload(client: LlamaCloud, name: str = "a.txt", content: bytes = INVOICE_TEXT.encode()) -> str:
    return client.files.create(file=(name, io.BytesIO(content)), purpose="classify").id


def test_missing_or_wrong_key_is_401(stack: Stack) -> None:
    assert httpx.get(f"{stack.base_url}/api/v1/beta/files").status_code == 401
    with pytest.raises(AuthenticationError):
        _client(stack, "ds-not-a-real-key").files.list()


def test_public_paths_need_no_key(stack: Stack) -> None:
    for path in ("/healthz", "/readyz", "/openapi.json", "/docs"):
        assert httpx.get(f"{stack.base_url}{path}").status_code == 200, path


def test_other_projects_objects_are_404(stack: Stack, api_key: str) -> None:
    owner = _client(stack, api_key)
    file_id = _upload(owner)
    job = owner.classifier.jobs.create(file_ids=[file_id], rules=RULES)
    stranger = _client(stack, new_api_key(stack))
    with pytest.raises(NotFoundError):
        stranger.classifier.jobs.get(job.id)
    with pytest.raises(NotFoundError):
        stranger.files.get(file_id)
    with pytest.raises(NotFoundError):
        stranger.classifier.jobs.create(file_ids=[file_id], rules=RULES)
    own_project = owner.get("/api/v1/projects", cast_to=object)
    assert isinstance(own_project, list) and len(own_project) == 1
    with pytest.raises(NotFoundError):
        owner.classifier.jobs.list(project_id="prj-00000000-0000-0000-0000-000000000000")
    assert [j.id for j in owner.classifier.jobs.list(project_id=own_project[0]["id"])] == [job.id]


def test_too_short_description_is_422_naming_the_rule(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client)
    with pytest.raises(UnprocessableEntityError) as err:
        client.classifier.jobs.create(
            file_ids=[file_id], rules=[RULES[0], {"type": "memo", "description": "short"}]
        )
    detail = err.value.body["detail"]  # type: ignore[index]
    assert detail[0]["loc"] == ["body", "rules", 1, "description"]


def test_no_rules_is_422(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    with pytest.raises(UnprocessableEntityError) as err:
        client.classifier.jobs.create(file_ids=[_upload(client)], rules=[])
    assert "at least one rule" in str(err.value)


def test_duplicate_rule_types_and_file_ids_are_422(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client)
    with pytest.raises(UnprocessableEntityError, match="unique"):
        client.classifier.jobs.create(file_ids=[file_id], rules=[RULES[0], RULES[0]])
    with pytest.raises(UnprocessableEntityError, match="listed twice"):
        client.classifier.jobs.create(file_ids=[file_id, file_id], rules=RULES)


def test_unknown_file_id_is_404_naming_it(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    with pytest.raises(NotFoundError, match="dfl-missing"):
        client.classifier.jobs.create(file_ids=[_upload(client), "dfl-missing"], rules=RULES)


def test_multimodal_without_provider_and_bad_parsing_options_are_422(
    stack: Stack, api_key: str
) -> None:
    client = _client(stack, api_key)
    file_id = _upload(client)
    with pytest.raises(UnprocessableEntityError, match="multimodal"):
        client.classifier.jobs.create(file_ids=[file_id], rules=RULES, mode="MULTIMODAL")
    for bad in (
        {"lang": "xx-not-a-language"},
        {"target_pages": [-1]},
        {"max_pages": 0},
        {"pages": [1]},
    ):
        with pytest.raises(UnprocessableEntityError):
            client.classifier.jobs.create(
                file_ids=[file_id],
                rules=RULES,
                parsing_configuration=bad,  # type: ignore[arg-type]
            )


def test_oversize_upload_is_413(stack: Stack, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}"}
    big = os.urandom(TEST_UPLOAD_LIMIT + 1)
    declared = httpx.post(
        f"{stack.base_url}/api/v1/beta/files",
        headers=headers,
        files={"file": ("big.bin", big)},
        data={"purpose": "classify"},
    )
    assert declared.status_code == 413
    assert "upload limit" in declared.json()["detail"]

    def chunks() -> object:
        yield b'--b\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nclassify\r\n'
        yield b'--b\r\nContent-Disposition: form-data; name="file"; filename="x"\r\n\r\n'
        for _ in range(4):
            yield os.urandom(TEST_UPLOAD_LIMIT // 2 + 1)
        yield b"\r\n--b--\r\n"

    streamed = httpx.post(
        f"{stack.base_url}/api/v1/beta/files",
        headers={**headers, "Content-Type": "multipart/form-data; boundary=b"},
        content=chunks(),  # type: ignore[arg-type]
    )
    assert streamed.status_code == 413


def test_bad_upload_fields_are_422(stack: Stack, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}"}
    no_purpose = httpx.post(
        f"{stack.base_url}/api/v1/beta/files", headers=headers, files={"file": ("a.txt", b"hi")}
    )
    assert no_purpose.status_code == 422 and no_purpose.json()["detail"][0]["loc"][-1] == "purpose"
    wrong_purpose = httpx.post(
        f"{stack.base_url}/api/v1/beta/files",
        headers=headers,
        files={"file": ("a.txt", b"hi")},
        data={"purpose": "nonsense"},
    )
    assert wrong_purpose.status_code == 422


def test_non_json_body_is_422(stack: Stack, api_key: str) -> None:
    response = httpx.post(
        f"{stack.base_url}/api/v1/classifier/jobs",
        headers={"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
        content=b"{not json",
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)


def test_bad_page_token_and_page_size_are_422(stack: Stack, api_key: str) -> None:
    headers = {"Authorization": f"Bearer {api_key}"}
    bad_token = httpx.get(f"{stack.base_url}/api/v1/beta/files?page_token=zzz", headers=headers)
    assert bad_token.status_code == 422
    bad_size = httpx.get(f"{stack.base_url}/api/v1/beta/files?page_size=0", headers=headers)
    assert bad_size.status_code == 422


def test_random_bytes_file_fails_alone_and_job_is_partial_success(
    stack: Stack, api_key: str
) -> None:
    client = _client(stack, api_key)
    good = _upload(client, "invoice.txt")
    garbage = _upload(client, "report.pdf", os.urandom(4096))
    job = client.classifier.jobs.create(file_ids=[good, garbage], rules=RULES)
    assert wait_for_v1_job(client, job.id).status == "PARTIAL_SUCCESS"
    items = {item.file_id: item for item in client.classifier.jobs.get_results(job.id).items}
    good_result = items[good].result
    assert good_result is not None and good_result.type == "invoice"
    failed = items[garbage]
    assert failed.result is None
    message = (failed.model_extra or {}).get("error_message")
    assert message and "unsupported type" in message


def test_job_of_only_failing_files_is_error(stack: Stack, api_key: str) -> None:
    client = _client(stack, api_key)
    garbage = _upload(client, "x.bin", os.urandom(2048))
    job = client.classifier.jobs.create(file_ids=[garbage], rules=RULES)
    finished = wait_for_v1_job(client, job.id)
    assert finished.status == "ERROR"
    assert finished.error_message
