"""LLM throughput: a v1 job classified by a provider that takes a fixed time per request.

Starts the fake chat-completions server (every answer after `--latency-ms`, default 500), a
docsort stack whose FAST mode is served by it with `max_concurrency = --concurrency` N (and a
requests-per-second limit far above what is reached), uploads `--files` small text documents,
and times one v1 job over them from create to done. With N requests always in flight the ideal
is N / latency files per second; the ratio shows what the workflows, parsing and database around
the requests cost. Run: `python bench/llm.py [--concurrency 8] [--files 200]`.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llama_cloud import LlamaCloud

from bench.common import running_stack
from docsort.logging import configure_logging
from docsort.settings import Settings
from tests.support.documents import INVOICE_TEXT, RULES
from tests.support.fake_llm import FakeChatServer

POLL_S = 0.1
# v1 jobs are deprecated in the SDK in favour of v2; docsort serves both.
warnings.filterwarnings(
    "ignore", message="Please use `client.classify", category=DeprecationWarning
)


def main() -> None:
    """Run the job and print docsort's files/s beside the ideal N / latency."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--latency-ms", type=int, default=500)
    args = parser.parse_args()
    configure_logging(Settings(log_level="WARNING"))
    latency_s = args.latency_ms / 1000
    fake = FakeChatServer(delay_s=latency_s).start()
    providers = {
        "bench": {
            "base_url": fake.base_url,
            "api_key": "bench-key",
            "model": "fake-model",
            "max_concurrency": args.concurrency,
            "requests_per_second": 1000,
        }
    }
    env = {
        "DOCSORT_LLM_PROVIDERS": json.dumps(providers),
        "DOCSORT_CLASSIFIER_FAST_PROVIDER": "bench",
        "DOCSORT_CLASSIFIER_ENGINE": "lexical",
        "DOCSORT_BATCH_MAX_IN_FLIGHT": str(max(20, 2 * args.concurrency)),
    }
    try:
        with (
            tempfile.TemporaryDirectory(prefix="docsort-llm-bench-") as tmp,
            running_stack(Path(tmp), extra_env=env) as running,
        ):
            client = LlamaCloud(base_url=running.stack.base_url, api_key=running.key)
            file_ids = [
                client.files.create(
                    file=(f"doc-{i}.txt", io.BytesIO(f"{INVOICE_TEXT}\nref {i}\n".encode())),
                    purpose="classify",
                ).id
                for i in range(args.files)
            ]
            start = time.perf_counter()
            job = client.classifier.jobs.create(file_ids=file_ids, rules=RULES)
            while (status := client.classifier.jobs.get(job.id).status) == "PENDING":
                time.sleep(POLL_S)
            elapsed = time.perf_counter() - start
            assert status == "SUCCESS", status
    finally:
        fake.stop()
    rate = args.files / elapsed
    ideal = args.concurrency / latency_s
    print(
        f"{args.files} files, provider latency {args.latency_ms} ms, concurrency "
        f"{args.concurrency} (seen in flight at most: {fake.max_in_flight})"
    )
    print(f"docsort: {rate:.2f} files/s in {elapsed:.1f} s; ideal {ideal:.2f} files/s")
    print(
        f"RESULT concurrency={args.concurrency} files={args.files} latency_ms={args.latency_ms} "
        f"docsort_files_per_s={rate:.2f} ideal_files_per_s={ideal:.2f} ratio={rate / ideal:.3f} "
        f"max_in_flight={fake.max_in_flight}"
    )


if __name__ == "__main__":
    main()
