"""A real webhook receiver for tests: an HTTP server in a thread that records every request.

Its answer is chosen per path: `/ok` answers 200; `/fail/<n>` answers 500 to the first n
attempts of each event and 200 after; `/status/<code>` always answers that code;
`/busy/<seconds>` answers 429 with `Retry-After` once per event, then 200.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Received:
    """One request the receiver got, and what it answered."""

    path: str
    headers: dict[str, str]
    body: bytes
    answered: int
    at: float

    @property
    def event(self) -> dict[str, Any]:
        """The event wrapper, decoded from either output format."""
        decoded = json.loads(self.body)
        wrapper: dict[str, Any] = json.loads(decoded) if isinstance(decoded, str) else decoded
        return wrapper


@dataclass
class Receiver:
    """Listens on 127.0.0.1:`port` (0: any free port) until `stop`."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    _seen: Counter[tuple[str, str]] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        """Bind and serve in a background thread."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep connections alive, as real receivers do

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                code, extra = receiver._answer(self.path, self.headers.get("LC-Event-Id", ""))
                with receiver._lock:
                    receiver.received.append(
                        Received(self.path, dict(self.headers), body, code, time.time())
                    )
                self.send_response(code)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._server = _Server(("127.0.0.1", self.port), Handler)
        self.port = int(self._server.server_address[1])
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def url(self, path: str) -> str:
        """The URL of `path` on this receiver."""
        return f"http://127.0.0.1:{self.port}{path}"

    def requests_for(self, object_id: str) -> list[Received]:
        """Every request whose event is about `object_id`, in arrival order."""
        with self._lock:
            found = list(self.received)
        return [r for r in found if _object_id(r.event["data"]) == object_id]

    def wait_for(
        self, object_id: str, count: int, *, accepted: bool = True, timeout_s: float = 90.0
    ) -> list[Received]:
        """Block until `count` requests about the object were answered (2xx if `accepted`)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            found = [
                r for r in self.requests_for(object_id) if not accepted or 200 <= r.answered < 300
            ]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise TimeoutError(f"{count} requests about {object_id} did not arrive")

    def accepted_events(self) -> int:
        """How many distinct events were answered with a 2xx."""
        with self._lock:
            found = list(self.received)
        return len({r.headers.get("LC-Event-Id") for r in found if 200 <= r.answered < 300})

    def wait_accepted(self, count: int, timeout_s: float = 600.0) -> None:
        """Block until `count` distinct events were accepted."""
        deadline = time.monotonic() + timeout_s
        while self.accepted_events() < count:
            if time.monotonic() > deadline:
                raise TimeoutError(f"only {self.accepted_events()} of {count} events arrived")
            time.sleep(0.01)

    def _answer(self, path: str, event_id: str) -> tuple[int, dict[str, str]]:
        with self._lock:
            self._seen[(path, event_id)] += 1
            attempt = self._seen[(path, event_id)]
        parts = path.strip("/").split("/")
        if parts[0] == "fail":
            return (500 if attempt <= int(parts[1]) else 200), {}
        if parts[0] == "status":
            return int(parts[1]), {}
        if parts[0] == "busy" and attempt == 1:
            return 429, {"Retry-After": parts[1]}
        return 200, {}


class _Server(ThreadingHTTPServer):
    request_queue_size = 256  # many deliveries connect at once
    daemon_threads = True


def _object_id(data: dict[str, Any]) -> str:
    """The id of the job or batch an event's `data` shows (a v1 batch nests it in `job`)."""
    return str(data["job"]["id"] if "job" in data else data["id"])
