"""Documents of every family through the real stack: a v1 job over a scan, Office files, an
e-mail and a ZIP bomb ends PARTIAL_SUCCESS, the bomb alone failing with a clear message."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from llama_cloud import LlamaCloud
from llama_cloud.types.classifier import ClassifierRuleParam

from tests.e2e.helpers import wait_for_v1_job
from tests.support.stack import Stack

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "datasets" / "parsing-corpus"
FILES = CORPUS / "files"
RULES: list[ClassifierRuleParam] = [
    {
        "type": "contract",
        "description": "An agreement between parties: services to deliver, obligations, "
        "termination notice, confidentiality and payment terms.",
    },
    {
        "type": "invoice",
        "description": "A bill or a list of bills: invoice numbers, customers, amounts due, "
        "dates and payment requests.",
    },
]


def test_v1_job_over_every_document_family_fails_only_the_zip_bomb(
    stack: Stack, api_key: str
) -> None:
    client = LlamaCloud(base_url=stack.base_url, api_key=api_key, max_retries=0)
    uploads = {
        "scan.pdf": _first_page(FILES / "scanned_en.pdf"),
        "report.docx": (FILES / "report.docx").read_bytes(),
        "invoices.xlsx": (FILES / "invoices.xlsx").read_bytes(),
        "mail.eml": (FILES / "mail.eml").read_bytes(),
        "zip_bomb.docx": (FILES / "zip_bomb_200mb.docx").read_bytes(),
    }
    file_ids = {
        name: client.files.create(file=(name, io.BytesIO(data)), purpose="classify").id
        for name, data in uploads.items()
    }

    job = client.classifier.jobs.create(file_ids=list(file_ids.values()), rules=RULES)
    finished = wait_for_v1_job(client, job.id, timeout_s=180)

    assert finished.status == "PARTIAL_SUCCESS"
    items = {item.file_id: item for item in client.classifier.jobs.get_results(job.id).items}
    assert set(items) == set(file_ids.values())
    classified = [name for name, file_id in file_ids.items() if items[file_id].result is not None]
    assert classified == ["scan.pdf", "report.docx", "invoices.xlsx", "mail.eml"]
    bomb = items[file_ids["zip_bomb.docx"]]
    assert bomb.result is None
    message = (bomb.model_extra or {}).get("error_message")
    assert message is not None
    assert "ZIP bomb" in message
    assert "over the limit" in message


def _first_page(path: Path) -> bytes:
    """Page 1 of a scanned PDF as a PDF of its own (the whole file is over the test stack's
    upload limit); the page's image is copied as it is."""
    source = pdfium.PdfDocument(str(path))
    single = pdfium.PdfDocument.new()
    try:
        single.import_pages(source, [0])
        buffer = io.BytesIO()
        single.save(buffer)
        return buffer.getvalue()
    finally:
        single.close()
        source.close()
