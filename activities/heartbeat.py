"""Run blocking work off the event loop while heartbeating, so a lost worker is noticed fast."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from temporalio import activity

P = ParamSpec("P")
R = TypeVar("R")
HEARTBEAT_EVERY_S = 3.0


async def in_thread_with_heartbeat(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """`fn(*args, **kwargs)` on a worker thread; heartbeats every few seconds until it returns."""
    task = asyncio.ensure_future(asyncio.to_thread(fn, *args, **kwargs))
    while True:
        done, _ = await asyncio.wait({task}, timeout=HEARTBEAT_EVERY_S)
        if done:
            return task.result()
        activity.heartbeat()
