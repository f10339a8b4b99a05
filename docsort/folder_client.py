"""`docsort classify`: classify a folder of files through a running docsort, from the shell.

Uploads the files (folders recursively) into a new directory, runs a v1 batch over it, shows
progress, and writes one row per file (`path, type, confidence, reasoning, error`).
"""

from __future__ import annotations

import csv
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import httpx
import yaml

from docsort.bootstrap import API_KEY_FILE
from docsort.settings import Settings
from docsort.supervisor import API_URL_FILE

EXIT_ALL_CLASSIFIED = 0
EXIT_RUN_FAILED = 1
EXIT_SOME_FAILED = 2
POLL_S = 0.5
TERMINAL = ("completed", "failed", "cancelled")


class RunFailed(Exception):
    """The run itself could not go on (bad input, server unreachable, batch failed)."""


@dataclass(frozen=True)
class Target:
    """Where the docsort API is and the key to use."""

    base_url: str
    api_key: str


@dataclass(frozen=True)
class Row:
    """One output row."""

    path: str
    type: str | None
    confidence: float | None
    reasoning: str | None
    error: str | None


def resolve_target(base_url: str | None, api_key: str | None, settings: Settings) -> Target:
    """Flags, else DOCSORT_BASE_URL / DOCSORT_API_KEY, else the local `docsort up`'s files."""
    data_dir = settings.data_dir
    url = base_url or os.environ.get("DOCSORT_BASE_URL") or _read(data_dir / API_URL_FILE)
    key = api_key or os.environ.get("DOCSORT_API_KEY") or _read(data_dir / API_KEY_FILE)
    if not url or not key:
        raise RunFailed(
            "no docsort to talk to: pass --base-url and --api-key (or set DOCSORT_BASE_URL and "
            f"DOCSORT_API_KEY), or start `docsort up` with its data in {data_dir}"
        )
    return Target(base_url=url.rstrip("/"), api_key=key)


def load_rules(path: Path) -> list[dict[str, str]]:
    """A list of `{type, description}` from a JSON or YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RunFailed(f"cannot read the rules file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (ValueError, yaml.YAMLError) as exc:
        raise RunFailed(f"{path} is not valid JSON or YAML: {exc}") from exc
    if isinstance(data, dict) and "rules" in data:
        data = data["rules"]
    if not isinstance(data, list) or not all(
        isinstance(r, dict) and {"type", "description"} <= set(r) for r in data
    ):
        raise RunFailed(f"{path} must hold a list of {{type, description}} rules")
    return [{"type": str(r["type"]), "description": str(r["description"])} for r in data]


def collect_files(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """(file, unique id) for every file given or found below a given folder, sorted."""
    found: list[tuple[Path, str]] = []
    for root in paths:
        if root.is_file():
            found.append((root, str(root)))
        elif root.is_dir():
            found += [(p, str(p)) for p in sorted(root.rglob("*")) if p.is_file()]
        else:
            raise RunFailed(f"{root} is neither a file nor a folder")
    if not found:
        raise RunFailed("no files to classify")
    return found


class FolderRun:
    """One classification run of local files through the HTTP API."""

    def __init__(self, target: Target, *, timeout_s: float = 120.0) -> None:
        self.http = httpx.Client(
            base_url=target.base_url,
            headers={"Authorization": f"Bearer {target.api_key}"},
            timeout=timeout_s,
        )
        self.batch_id: str | None = None

    def upload(self, files: list[tuple[Path, str]]) -> tuple[str, dict[str, str]]:
        """A new directory holding the files; also directory-file id → local path."""
        stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        directory = self._call(
            "POST", "/api/v1/beta/directories", json={"name": f"classify {stamp}"}
        )
        paths: dict[str, str] = {}
        for index, (path, unique_id) in enumerate(files, start=1):
            with path.open("rb") as handle:
                added = self._call(
                    "POST",
                    f"/api/v1/beta/directories/{directory['id']}/files/upload",
                    files={"upload_file": (path.name, handle)},
                    data={"unique_id": unique_id},
                )
            paths[added["id"]] = str(path)
            _progress(f"uploaded {index}/{len(files)}", final=index == len(files))
        return str(directory["id"]), paths

    def start(self, directory_id: str, rules: list[dict[str, str]], mode: str) -> str:
        """Start a v1 batch classifying the directory."""
        job = self._call(
            "POST",
            "/api/v1/beta/batch-processing",
            json={"job_config": {"rules": rules, "mode": mode}, "directory_id": directory_id},
        )
        self.batch_id = str(job["id"])
        return self.batch_id

    def wait(self) -> dict[str, Any]:
        """Poll the batch to its end, showing done / failed / files per second / ETA."""
        assert self.batch_id is not None
        started = time.monotonic()
        while True:
            job = self._call("GET", f"/api/v1/beta/batch-processing/{self.batch_id}")["job"]
            done, total = int(job.get("processed_items") or 0), int(job["total_items"])
            elapsed = max(time.monotonic() - started, 1e-6)
            rate = done / elapsed
            eta = f"{(total - done) / rate:.0f}s" if rate > 0 else "?"
            _progress(
                f"{done}/{total} done, {job.get('failed_items') or 0} failed, "
                f"{job.get('skipped_items') or 0} skipped, {rate:.1f} files/s, ETA {eta}",
                final=job["status"] in TERMINAL,
            )
            if job["status"] in TERMINAL:
                return dict(job)
            time.sleep(POLL_S)

    def cancel(self) -> None:
        """Cancel the running batch."""
        if self.batch_id is not None:
            self._call(
                "POST",
                f"/api/v1/beta/batch-processing/{self.batch_id}/cancel",
                json={"reason": "interrupted from the command line"},
            )

    def rows(self, paths: dict[str, str]) -> list[Row]:
        """One row per file: its result, or why it has none."""
        assert self.batch_id is not None
        items = list(self._items())
        results = self._results([i["job_id"] for i in items if i.get("job_id")])
        rows = []
        for item in items:
            path = paths.get(item["item_id"], item["item_name"])
            found = results.get(item.get("job_id") or "")
            if item["status"] == "completed" and found and found.get("result"):
                result = found["result"]
                rows.append(
                    Row(path, result["type"], result["confidence"], result["reasoning"], None)
                )
                continue
            error = item.get("error_message") or (found or {}).get("error_message")
            if item["status"] == "skipped":
                error = f"skipped: {item.get('skip_reason')}"
            rows.append(Row(path, None, None, None, error or item["status"]))
        return rows

    def _items(self) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            page = self._call(
                "GET",
                f"/api/v1/beta/batch-processing/{self.batch_id}/items",
                params={"limit": 1000, "offset": offset},
            )
            yield from page["items"]
            offset += len(page["items"])
            if not page["items"] or offset >= page["total_size"]:
                return

    def _results(self, job_ids: list[str]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        for start in range(0, len(job_ids), 100):
            chunk = job_ids[start : start + 100]
            page = self._call(
                "GET", "/api/v2/classify", params={"job_ids": chunk, "page_size": 1000}
            )
            found.update({job["id"]: job for job in page["items"]})
        return found

    def _call(self, method: str, path: str, **kwargs: Any) -> Any:
        try:
            response = self.http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise RunFailed(f"cannot reach docsort at {self.http.base_url}: {exc}") from exc
        if response.status_code >= 400:
            try:
                detail = response.json().get("detail")
            except ValueError:
                detail = response.text
            raise RunFailed(f"{method} {path} answered {response.status_code}: {detail}")
        return response.json() if response.content else None


def write_rows(rows: list[Row], output: Path | None) -> None:
    """CSV (default, to stdout without --output) or JSON lines (`.jsonl` output)."""
    if output is not None and output.suffix.lower() == ".jsonl":
        with output.open("w", encoding="utf-8") as lines:
            for row in rows:
                lines.write(json.dumps(row.__dict__, ensure_ascii=False) + "\n")
        return
    handle: TextIO = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        writer = csv.writer(handle)
        writer.writerow(["path", "type", "confidence", "reasoning", "error"])
        for row in rows:
            writer.writerow(
                [
                    row.path,
                    row.type or "",
                    row.confidence or "",
                    row.reasoning or "",
                    row.error or "",
                ]
            )
    finally:
        if output is not None:
            handle.close()


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


_last_line_at = 0.0
LINE_EVERY_S = 5.0


def _progress(message: str, *, final: bool) -> None:
    """A progress bar on a terminal; otherwise a line every few seconds and at the end."""
    global _last_line_at
    if sys.stderr.isatty():
        sys.stderr.write(f"\r\033[K{message}" + ("\n" if final else ""))
    elif final or time.monotonic() - _last_line_at >= LINE_EVERY_S:
        _last_line_at = time.monotonic()
        sys.stderr.write(message + "\n")
    sys.stderr.flush()
