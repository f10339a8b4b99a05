"""Drives docsort's v2 surfaces with the newest llama-cloud SDK (run by its own venv's python).

Usage: python sdk_flow_v2.py --base-url URL --api-key KEY --rules-json JSON
                             --text-file PATH [--slow-file PATH]
Prints one JSON object of observations; the test asserts on them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import time
from pathlib import Path
from typing import Any

# Imported by name: this file runs in the newest SDK's venv, while type checks see the test venv's.
SDK: Any = importlib.import_module("llama_cloud")


def main() -> None:
    """Run the flow and print what was observed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--rules-json", required=True)
    parser.add_argument("--text-file", required=True, type=Path)
    parser.add_argument("--slow-file", type=Path)
    args = parser.parse_args()
    rules = json.loads(args.rules_json)
    client: Any = SDK.LlamaCloud(base_url=args.base_url, api_key=args.api_key, max_retries=0)
    seen: dict[str, Any] = {"sdk_version": SDK.__version__}

    with args.text_file.open("rb") as handle:
        file = client.files.create(file=(args.text_file.name, handle), purpose="classify")
    seen["file_name"] = client.files.retrieve(file.id).name

    inline = client.classify.create(file_input=file.id, configuration={"rules": rules})
    done = client.classify.wait_for_completion(inline.id, polling_interval=0.1, backoff="constant")
    seen["inline"] = {"status": done.status, "type": done.result.type, "parse": done.parse_job_id}

    config = client.configurations.create(
        name="sdk-219", parameters={"product_type": "classify_v2", "rules": rules}
    )
    renamed = client.configurations.update(config.id, name="sdk-219-renamed")
    seen["config"] = {"same_id": renamed.id == config.id, "name": renamed.name}
    by_id = client.classify.create(file_input=file.id, configuration_id=config.id)
    by_id_done = client.classify.wait_for_completion(by_id.id, polling_interval=0.1)
    seen["by_config"] = {
        "status": by_id_done.status,
        "type": by_id_done.result.type,
        "rules": len(by_id_done.configuration.rules),
    }

    first = client.classify.create(
        file_input=file.id, configuration={"rules": rules}, transaction_id="sdk-219-tx"
    )
    replay = client.classify.create(
        file_input=file.id, configuration={"rules": rules[:1]}, transaction_id="sdk-219-tx"
    )
    seen["replay_same_id"] = replay.id == first.id

    seen["listed"] = [job.id for job in client.classify.list(page_size=1)]
    seen["created"] = [inline.id, by_id.id, first.id]

    client.classify.wait_for_completion(first.id, polling_interval=0.1)
    deleted = client.classify.delete(first.id)
    seen["deleted"] = deleted.id == first.id

    if args.slow_file:
        with args.slow_file.open("rb") as handle:
            slow = client.files.create(file=(args.slow_file.name, handle), purpose="classify")
        job = client.classify.create(file_input=slow.id, configuration={"rules": rules})
        status = job.status
        deadline = time.monotonic() + 30
        while status != "RUNNING" and time.monotonic() < deadline:
            time.sleep(0.05)
            status = client.classify.get(job.id).status
        seen["slow_status_before_cancel"] = status
        seen["cancel_status"] = client.classify.cancel(job.id).status
        time.sleep(3)
        seen["status_after_cancel"] = client.classify.get(job.id).status
        seen["cancelled_job"] = job.id
    seen["batch"] = _batch(client, config.id, args.text_file)
    client.configurations.delete(config.id)
    print(json.dumps(seen))


def _batch(client: Any, configuration_id: str, text_file: Path) -> dict[str, Any]:
    """A v2 batch over a directory of three copies of the text file, with expand=results."""
    directory = client.beta.directories.create(name="sdk-219-batch")
    for i in range(3):
        client.beta.directories.files.upload(
            directory.id, upload_file=(f"copy-{i}.txt", text_file.read_bytes() + f" {i}".encode())
        )
    batch = client.batches.create(
        source_directory_id=directory.id,
        config={"job": {"type": "classify_v2", "configuration_id": configuration_id}},
    )
    deadline = time.monotonic() + 60
    current = client.batches.get(batch.id)
    while (
        current.status not in ("COMPLETED", "FAILED", "CANCELLED") and time.monotonic() < deadline
    ):
        time.sleep(0.1)
        current = client.batches.get(batch.id)
    try:
        client.batches.cancel(batch.id)
        cancel_finished = "accepted"
    except SDK.BadRequestError as err:
        cancel_finished = f"refused {err.status_code}"
    expanded = client.batches.get(batch.id, expand=["results"])
    extra = expanded.model_extra or {}
    job_ids = [r.job_reference.id for r in expanded.results or [] if r.job_reference]
    return {
        "id": batch.id,
        "status": expanded.status,
        "type": expanded.config.job.type,
        "counters": [extra.get(k) for k in ("total_items", "processed_items", "failed_items")],
        "types": [client.classify.get(job_id).result.type for job_id in job_ids],
        "listed": [b.id for b in client.batches.list(source_directory_id=directory.id)],
        "cancel_finished": cancel_finished,
    }


if __name__ == "__main__":
    main()
