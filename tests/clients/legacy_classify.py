"""Classify local files with the older client, ``llama-cloud-services``' ``ClassifyClient``.

Run by the python of the venv that ``tests.clients.venvs.build_client_venv`` builds from
``LEGACY_CLIENT_REQUIREMENTS`` (``llama-cloud-services`` pins ``llama-cloud==0.1.46``, so it
cannot share the test venv)::

    python legacy_classify.py --base-url http://127.0.0.1:8000 --api-key KEY \\
        --project-id prj-... --rules-json '[{"type": "invoice", "description": "..."}]' \\
        a.pdf b.txt

The default method, ``classify_file_paths``, runs the client's whole v1 flow: one
``POST /api/v1/files`` per path, ``POST /api/v1/classifier/jobs``, polling
``GET /api/v1/classifier/jobs/{id}`` until a terminal status, then
``GET /api/v1/classifier/jobs/{id}/results``. On success one JSON object goes to stdout::

    {"job_id": str, "status": "SUCCESS" | "PARTIAL_SUCCESS" | "ERROR" | "CANCELLED",
     "error_message": str | null, "total_size": int | null, "next_page_token": str | null,
     "items": [{"file_path": str | null, "file_id": str | null, "file_name": str | null,
                "external_file_id": str | null, "classification_id": str,
                "classify_job_id": str, "type": str | null, "confidence": float | null,
                "reasoning": str | null}, ...]}

``items`` follows the order of the results response (the client keeps it). ``file_path``
is the path given on the command line for that file id (known from the uploads this
script saw); ``external_file_id`` is what the server echoed. On any failure the script
writes ``<ExceptionType>: <message>`` (plus the HTTP status and body for API errors) to
stderr and exits with 1; bad arguments exit with 2.

The client packages are imported dynamically so this file type-checks without them.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import warnings
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

METHODS = ("classify_file_paths", "classify", "aclassify_file_paths")


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--base-url", required=True, help="server root, e.g. http://127.0.0.1:8000")
    parser.add_argument("--api-key", required=True)
    parser.add_argument("--project-id", default=None, help="sent as ?project_id= on every call")
    parser.add_argument(
        "--rules-json",
        required=True,
        help='JSON list of {"type": str, "description": str}',
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="classify_file_paths",
        help="ClassifyClient entry point (all three run the same requests)",
    )
    parser.add_argument(
        "--polling-interval", type=float, default=0.2, help="seconds between job polls"
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds before polling gives up"
    )
    parser.add_argument(
        "--no-raise-on-error",
        action="store_true",
        help="report an ERROR job with its results instead of failing",
    )
    parser.add_argument("files", nargs="+", help="local file paths to classify")
    return parser.parse_args(argv)


def _rules_from_json(text: str) -> list[dict[str, str]]:
    data = json.loads(text)
    if not isinstance(data, list) or not data:
        raise ValueError("--rules-json must be a non-empty JSON list")
    rules: list[dict[str, str]] = []
    for index, rule in enumerate(data):
        if not (
            isinstance(rule, dict)
            and isinstance(rule.get("type"), str)
            and isinstance(rule.get("description"), str)
        ):
            raise ValueError(f"rule {index} needs string 'type' and 'description'")
        rules.append({"type": rule["type"], "description": rule["description"]})
    return rules


def _value(obj: Any) -> Any:
    """The plain value of an enum member (status), or the object itself."""
    return getattr(obj, "value", obj)


def _run(args: argparse.Namespace, rules_data: list[dict[str, str]]) -> dict[str, Any]:
    # The package warns on import that it is deprecated; that warning is expected.
    warnings.simplefilter("ignore", DeprecationWarning)
    types_mod = importlib.import_module("llama_cloud.types")
    classifier_mod = importlib.import_module("llama_cloud_services.beta.classifier")

    client: Any = classifier_mod.ClassifyClient.from_api_key(
        api_key=args.api_key, project_id=args.project_id, base_url=args.base_url
    )
    client.polling_interval = args.polling_interval
    client.polling_timeout = args.timeout
    rules = [types_mod.ClassifierRule(**rule) for rule in rules_data]

    # Observe, without changing them, the uploads (path -> File) and the last job poll.
    uploaded: dict[str, str] = {}
    final_job: list[Any] = []
    upload_content: Callable[..., Awaitable[Any]] = client.file_client.upload_content
    wait_for_job_completion: Callable[[str], Awaitable[Any]] = client.wait_for_job_completion

    async def recording_upload(file_input: Any, *rest: Any, **kwargs: Any) -> Any:
        file = await upload_content(file_input, *rest, **kwargs)
        uploaded[file.id] = str(file_input)
        return file

    async def recording_wait(job_id: str) -> Any:
        job = await wait_for_job_completion(job_id)
        final_job.append(job)
        return job

    client.file_client.upload_content = recording_upload
    client.wait_for_job_completion = recording_wait

    paths = list(args.files)
    raise_on_error = not args.no_raise_on_error
    if args.method == "classify_file_paths":
        results = client.classify_file_paths(rules, paths, raise_on_error=raise_on_error)
    elif args.method == "classify":
        results = client.classify(rules, paths, raise_on_error=raise_on_error)
    else:
        import asyncio

        results = asyncio.run(
            client.aclassify_file_paths(rules, paths, raise_on_error=raise_on_error)
        )

    job = final_job[-1] if final_job else None
    items: list[dict[str, Any]] = []
    for item in results.items:
        result = item.result
        file = item.file
        items.append(
            {
                "file_path": uploaded.get(item.file_id) if item.file_id else None,
                "file_id": item.file_id,
                "file_name": file.name,
                "external_file_id": file.external_file_id,
                "classification_id": item.id,
                "classify_job_id": item.classify_job_id,
                "type": result.type if result is not None else None,
                "confidence": result.confidence if result is not None else None,
                "reasoning": result.reasoning if result is not None else None,
            }
        )
    return {
        "job_id": job.id if job is not None else None,
        "status": _value(job.status) if job is not None else None,
        "error_message": job.error_message if job is not None else None,
        "total_size": results.total_size,
        "next_page_token": results.next_page_token,
        "items": items,
    }


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}"
    status_code = getattr(exc, "status_code", None)
    if status_code is not None and "status_code" not in text:
        text += f"\nstatus_code: {status_code}\nbody: {getattr(exc, 'body', None)!r}"
    return text


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        rules = _rules_from_json(args.rules_json)
    except ValueError as exc:
        sys.stderr.write(f"bad --rules-json: {exc}\n")
        return 2
    try:
        output = _run(args, rules)
    except Exception as exc:
        sys.stderr.write(_describe(exc) + "\n")
        return 1
    sys.stdout.write(json.dumps(output, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
