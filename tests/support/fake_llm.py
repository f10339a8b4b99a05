"""A small real HTTP server speaking the chat-completions wire protocol, answering from a script.

Each request is matched to a scenario by a `scenario=NAME` marker in the document text (the
first user message); the scenario's replies are given in order, the last one repeating. A
document without a marker gets an answer naming the type of its `expect=TYPE` marker (or null).
Every request body is recorded. Runs on 127.0.0.1 in a background thread.
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SCENARIO = re.compile(r"scenario=([A-Za-z0-9_-]+)")
_EXPECT = re.compile(r"expect=([A-Za-z0-9_-]+)")


@dataclass(frozen=True)
class Reply:
    """One scripted HTTP answer."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


def completion(content: str) -> Reply:
    """A 200 chat completion whose message content is `content`."""
    return Reply(
        body={
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": "fake-model",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
        }
    )


def answer(type_: str | None, confidence: float = 0.9, reasoning: str = "It fits.") -> Reply:
    """A 200 completion whose content is a valid classification."""
    return completion(json.dumps({"type": type_, "confidence": confidence, "reasoning": reasoning}))


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    """An OpenAI-style error answer."""
    return Reply(
        status=status,
        body={"error": {"message": message, "type": "fake_error", "code": None}},
        headers=headers or {},
    )


@dataclass
class Recorded:
    """One request the server received."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]
    scenario: str | None


class FakeChatServer:
    """The server; `scenarios` maps a name to its replies, `delay_s` delays every answer."""

    def __init__(self, scenarios: dict[str, list[Reply]] | None = None, delay_s: float = 0.0):
        self.scenarios = scenarios or {}
        self.delay_s = delay_s
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._served: dict[str, int] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """The OpenAI-style base URL (ends in /v1)."""
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def start(self) -> FakeChatServer:
        """Serve in the background."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def requests_for(self, scenario: str) -> list[Recorded]:
        """The recorded requests of one scenario, in arrival order."""
        with self._lock:
            return [r for r in self.requests if r.scenario == scenario]

    def _reply(self, body: dict[str, Any], path: str, headers: dict[str, str]) -> Reply:
        text = first_user_text(body)
        found = _SCENARIO.search(text)
        scenario = found.group(1) if found else None
        with self._lock:
            self.requests.append(Recorded(path, headers, body, scenario))
            if scenario is None or scenario not in self.scenarios:
                expected = _EXPECT.search(text)
                return answer(expected.group(1) if expected else None)
            replies = self.scenarios[scenario]
            index = self._served.get(scenario, 0)
            self._served[scenario] = index + 1
            return replies[min(index, len(replies) - 1)]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if not self.path.rstrip("/").endswith("/chat/completions"):
                    self._send(error(404, f"no route {self.path}"))
                    return
                with server._lock:
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    if server.delay_s:
                        time.sleep(server.delay_s)
                    body = json.loads(raw)
                    headers = {k.lower(): v for k, v in self.headers.items()}
                    self._send(server._reply(body, self.path, headers))
                finally:
                    with server._lock:
                        server.in_flight -= 1

            def _send(self, reply: Reply) -> None:
                payload = json.dumps(reply.body).encode()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def first_user_text(body: dict[str, Any]) -> str:
    """The text parts of the first user message of a chat-completions request."""
    for message in body.get("messages", []):
        if message.get("role") != "user":
            continue
        content = message.get("content")
        if isinstance(content, str):
            return content
        return "\n".join(p.get("text", "") for p in content or [] if p.get("type") == "text")
    return ""


def image_parts(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(label text before it, data URL) of every image part of the first user message."""
    for message in body.get("messages", []):
        if message.get("role") != "user" or isinstance(message.get("content"), str):
            continue
        found: list[tuple[str, str]] = []
        label = ""
        for part in message["content"]:
            if part.get("type") == "text":
                label = part.get("text", "")
            elif part.get("type") == "image_url":
                found.append((label, part["image_url"]["url"]))
        return found
    return []
