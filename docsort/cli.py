"""The `docsort` command: up, api, worker, migrate, keys create."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
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
        default="workflows,parse,classify",
        help="comma-separated task-queue kinds to poll (workflows, parse, classify)",
    )
    worker.set_defaults(run=_run_worker)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date")
    _common(migrate)
    migrate.set_defaults(run=_run_migrate)

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


def _run_up(settings: Settings, _: argparse.Namespace) -> None:
    from docsort.supervisor import run_stack

    sys.exit(run_stack(settings))
