"""The `docsort` command: up, api, worker, migrate, keys create."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docsort.settings import Settings


def main(argv: Sequence[str] | None = None) -> None:
    """Parse the command line and run the chosen command."""
    args = _parser().parse_args(argv)
    settings = Settings(**_overrides(args))
    from docsort.logging import configure_logging

    configure_logging(settings)
    args.run(settings, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="docsort", description="Durable document classification")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="run Temporal, the worker and the API on this machine")
    _common(up)
    _http(up)
    up.add_argument(
        "--temporal-address", help="use this Temporal (host:port) instead of embedding one"
    )
    up.set_defaults(run=_run_up)

    api = commands.add_parser("api", help="serve the HTTP API")
    _common(api)
    _http(api)
    api.add_argument("--temporal-address", help="Temporal frontend host:port")
    api.set_defaults(run=_run_api)

    worker = commands.add_parser("worker", help="run a worker")
    _common(worker)
    worker.add_argument("--temporal-address", help="Temporal frontend host:port")
    worker.add_argument(
        "--queues",
        default="workflows,parse,classify,llm,webhooks",
        help="comma-separated task-queue kinds to poll (workflows, parse, classify, llm: "
        "every configured LLM provider's queue, webhooks: deliveries to receivers)",
    )
    worker.set_defaults(run=_run_worker)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    _common(migrate)
    migrate.set_defaults(run=_run_migrate)

    classify = commands.add_parser(
        "classify", help="classify local files (folders recursively) through a running docsort"
    )
    classify.add_argument("paths", nargs="+", type=Path, help="files and folders")
    classify.add_argument("--rules", required=True, type=Path, help="JSON or YAML list of rules")
    classify.add_argument("--mode", choices=["FAST", "MULTIMODAL"], default="FAST")
    classify.add_argument(
        "--output", type=Path, help="results.csv or results.jsonl (default: CSV on stdout)"
    )
    classify.add_argument(
        "--base-url", help="docsort API URL (default: DOCSORT_BASE_URL, else `docsort up`'s)"
    )
    classify.add_argument(
        "--api-key", help="API key (default: DOCSORT_API_KEY, else `docsort up`'s)"
    )
    classify.add_argument(
        "--cancel-on-interrupt",
        action="store_true",
        help="Ctrl-C cancels the batch without asking (default without a terminal: leave it)",
    )
    _common(classify)
    classify.set_defaults(run=_run_classify)

    keys = commands.add_parser("keys", help="manage API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True)
    create = key_commands.add_parser("create", help="create a key (and the project if needed)")
    _common(create)
    create.add_argument("--project", required=True, help="project name")
    create.set_defaults(run=_run_keys_create)
    return parser


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", help="data directory (default ./docsort-data)")


def _http(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="API bind address (default 127.0.0.1)")
    parser.add_argument("--port", type=int, help="API port (default 8000)")


def _overrides(args: argparse.Namespace) -> dict[str, Any]:
    names = {
        "data_dir": "data_dir",
        "host": "host",
        "port": "port",
        "temporal_address": "temporal_address",
    }
    return {
        key: getattr(args, attr)
        for key, attr in names.items()
        if getattr(args, attr, None) is not None
    }


def _run_migrate(settings: Settings, _: argparse.Namespace) -> None:
    from docsort.store.migrate import upgrade_database

    upgrade_database(settings.resolved_database_url)
    print("database is up to date", file=sys.stderr)
    if settings.blob_backend == "s3" and settings.s3_create_bucket:
        from docsort.blobs import s3_store_from_settings

        created = s3_store_from_settings(settings).ensure_bucket()
        print(f"bucket {settings.s3_bucket} {'created' if created else 'exists'}", file=sys.stderr)


def _run_keys_create(settings: Settings, args: argparse.Namespace) -> None:
    from docsort.bootstrap import create_key
    from docsort.store.migrate import upgrade_database

    upgrade_database(settings.resolved_database_url)
    key = asyncio.run(create_key(settings, args.project))
    print(f"created an API key for project {args.project!r}:", file=sys.stderr)
    print(key)


def _run_api(settings: Settings, _: argparse.Namespace) -> None:
    import uvicorn

    from api.app import create_app

    uvicorn.run(create_app(settings), host=settings.host, port=settings.port, log_config=None)


def _run_worker(settings: Settings, args: argparse.Namespace) -> None:
    from docsort.temporal import connect_with_retry
    from worker import run_worker

    queues = [q.strip() for q in args.queues.split(",") if q.strip()]

    async def _main() -> None:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            if task is not None:
                loop.add_signal_handler(signum, task.cancel)
        client = await connect_with_retry(settings)
        await run_worker(settings, client, queues)

    with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt):
        asyncio.run(_main())


def _run_classify(settings: Settings, args: argparse.Namespace) -> None:
    from docsort import folder_client as fc

    run: fc.FolderRun | None = None
    try:
        target = fc.resolve_target(args.base_url, args.api_key, settings)
        rules = fc.load_rules(args.rules)
        files = fc.collect_files(args.paths)
        run = fc.FolderRun(target)
        try:
            directory_id, paths = run.upload(files)
            batch_id = run.start(directory_id, rules, args.mode)
            print(f"batch {batch_id} started over {len(files)} files", file=sys.stderr)
            job = run.wait()
        except KeyboardInterrupt:
            _interrupted(run, args.cancel_on_interrupt)
            sys.exit(fc.EXIT_RUN_FAILED)
        if job["status"] != "completed":
            raise fc.RunFailed(
                f"batch {batch_id} ended {job['status']}: {job.get('error_message')}"
            )
        rows = run.rows(paths)
        fc.write_rows(rows, args.output)
    except fc.RunFailed as exc:
        print(f"docsort classify: {exc}", file=sys.stderr)
        sys.exit(fc.EXIT_RUN_FAILED)
    failed = sum(1 for row in rows if row.error)
    if failed:
        print(f"{failed} of {len(rows)} files could not be classified", file=sys.stderr)
    sys.exit(fc.EXIT_SOME_FAILED if failed else fc.EXIT_ALL_CLASSIFIED)


def _interrupted(run: Any, cancel_without_asking: bool) -> None:
    batch_id = run.batch_id
    if batch_id is None:
        print("\ninterrupted before the batch started; nothing runs on the server", file=sys.stderr)
        return
    cancel = cancel_without_asking
    if not cancel and sys.stdin.isatty():
        answer = input(f"\ncancel batch {batch_id}? [y/N] ").strip().lower()
        cancel = answer in ("y", "yes")
    if cancel:
        run.cancel()
        print(f"batch {batch_id} cancelled", file=sys.stderr)
    else:
        print(f"\nbatch {batch_id} keeps running on the server", file=sys.stderr)


def _run_up(settings: Settings, _: argparse.Namespace) -> None:
    from docsort.supervisor import run_stack

    sys.exit(run_stack(settings))
