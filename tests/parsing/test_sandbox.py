"""The sandbox: parsing runs in a child process that limits cannot outgrow or outlive."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
import pytest

from docsort.parsing import forkserver
from docsort.parsing.dispatch import parse_path
from docsort.parsing.errors import DocumentError
from docsort.parsing.models import ParsedDocument, ParseLimits, ParseRequest
from docsort.parsing.sandbox import parse_document, parse_document_with_usage
from tests.parsing.support import ALL, LIMITS, no_children_left, sandbox_children


def test_sandboxed_parse_returns_the_same_document_as_in_process(corpus_dir: Path) -> None:
    path = corpus_dir / "multilang_de_ru_zh_ar.pdf"

    sandboxed = parse_document(path, ParseRequest(pages=[2, 4]), LIMITS)

    assert sandboxed == parse_path(path, ParseRequest(pages=[2, 4]), LIMITS)
    assert "Москва" in sandboxed.text
    assert no_children_left()


def test_relative_path_is_parsed_from_any_working_directory(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(corpus_dir)

    document = parse_document(Path("notes.txt"), ALL, LIMITS)

    assert document.detected_type == "txt"
    assert "DS-00500" in document.text


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("encrypted_user_password.pdf", "password", "the document is password-protected"),
        (
            "plain_archive.zip",
            "unsupported_type",
            "unsupported type: ZIP archive (application/zip)",
        ),
        ("zero_bytes.pdf", "empty", "the document is empty (0 bytes)"),
    ],
)
def test_document_error_in_the_child_is_raised_again_in_the_parent(
    corpus_dir: Path, name: str, kind: str, message: str
) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(corpus_dir / name, ALL, LIMITS)

    assert (caught.value.kind, str(caught.value)) == (kind, message)


def test_page_out_of_range_in_the_child_is_raised_in_the_parent(corpus_dir: Path) -> None:
    with pytest.raises(DocumentError) as caught:
        parse_document(corpus_dir / "pages_500.pdf", ParseRequest(pages=[501]), LIMITS)

    assert caught.value.kind == "page_out_of_range"
    assert str(caught.value) == "page 501 is beyond the document's 500 pages"


def test_child_over_the_memory_limit_fails_with_resource_limit_and_parent_lives_on(
    corpus_dir: Path,
) -> None:
    # The flate bomb inflates to 256 MiB (about 550 MB resident when parsed unconstrained).
    limits = ParseLimits(memory_mb=300)

    with pytest.raises(DocumentError) as caught:
        parse_document(corpus_dir / "flate_bomb_256mb.pdf", ALL, limits)

    assert caught.value.kind == "resource_limit"
    assert "memory limit (300 MB)" in str(caught.value)
    assert no_children_left()
    after = parse_document(corpus_dir / "notes.txt", ALL, limits)
    assert "DS-00500" in after.text


def test_memory_error_inside_the_child_is_reported_as_resource_limit(tmp_path: Path) -> None:
    # 65 MB of text, decoded and cleaned in full (no text cap), cannot fit in 200 MB.
    big = tmp_path / "big.txt"
    big.write_bytes(b"lorem ipsum dolor sit amet\n" * 2_400_000)
    limits = ParseLimits(memory_mb=200, max_text_chars=100_000_000)

    with pytest.raises(DocumentError) as caught:
        parse_document(big, ALL, limits)

    assert (caught.value.kind, str(caught.value)) == (
        "resource_limit",
        "parsing exceeded the memory limit (200 MB)",
    )
    assert no_children_left()


def test_small_document_parses_under_a_tight_memory_limit(corpus_dir: Path) -> None:
    # A generous text cap must not make the reader reserve memory the file does not need.
    limits = ParseLimits(memory_mb=150, max_text_chars=100_000_000)

    document = parse_document(corpus_dir / "notes.txt", ALL, limits)

    assert "DS-00500" in document.text


def test_same_bomb_parses_within_the_default_memory_limit(corpus_dir: Path) -> None:
    document = parse_document(corpus_dir / "flate_bomb_256mb.pdf", ALL, LIMITS)

    assert "AFTER-THE-BOMB" in document.text


def test_child_over_the_timeout_is_killed_with_its_process_group(corpus_dir: Path) -> None:
    # Inflating the flate bomb takes several tenths of a second; the limit is below that.
    limits = ParseLimits(timeout_s=0.2)
    started = time.monotonic()

    with pytest.raises(DocumentError) as caught:
        parse_document(corpus_dir / "flate_bomb_256mb.pdf", ALL, limits)

    elapsed = time.monotonic() - started
    assert caught.value.kind == "resource_limit"
    assert str(caught.value) == "parsing took longer than 0.2 s and was stopped"
    assert elapsed < 3.0
    assert no_children_left()


def test_child_that_hangs_forever_is_stopped_at_the_timeout(tmp_path: Path) -> None:
    # Opening a FIFO nobody writes to blocks the child for good, as a hung mount would.
    fifo = tmp_path / "never-written.pdf"
    os.mkfifo(fifo)
    started = time.monotonic()

    with pytest.raises(DocumentError) as caught:
        parse_document(fifo, ALL, ParseLimits(timeout_s=1.0))

    elapsed = time.monotonic() - started
    assert (caught.value.kind, str(caught.value)) == (
        "resource_limit",
        "parsing took longer than 1 s and was stopped",
    )
    assert 1.0 <= elapsed < 4.0
    assert no_children_left()


def test_unexpected_child_failure_is_a_runtime_error_with_the_child_stderr(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "vanished.pdf"

    with pytest.raises(RuntimeError) as caught:
        parse_document(missing, ALL, LIMITS)

    assert not isinstance(caught.value, DocumentError)
    assert "FileNotFoundError" in str(caught.value)
    assert "vanished.pdf" in str(caught.value)
    assert no_children_left()


def test_parses_from_several_threads_at_once_each_get_their_own_result(
    corpus_dir: Path,
) -> None:
    names = ["born_digital_en.pdf", "page.html", "notes_latin1.txt", "table.csv"]

    def parse(name: str) -> ParsedDocument:
        return parse_document(corpus_dir / name, ALL, LIMITS)

    with ThreadPoolExecutor(max_workers=4) as pool:
        documents = list(pool.map(parse, names))

    assert [d.detected_type for d in documents] == ["pdf", "html", "txt", "csv"]
    assert "DS-00100" in documents[0].text
    assert "HTML-TABLE-MARKER" in documents[1].text
    assert "LATIN1-MARKER" in documents[2].text
    assert "200.50" in documents[3].text
    assert no_children_left()


# --- the zygote -----------------------------------------------------------------------------------


def test_parsing_a_small_file_costs_milliseconds_once_the_zygote_runs(corpus_dir: Path) -> None:
    parse_document(corpus_dir / "notes.txt", ALL, LIMITS)

    _, usage = parse_document_with_usage(corpus_dir / "notes.txt", ALL, LIMITS)

    assert usage.elapsed_s < 0.1


def test_zygote_that_died_is_replaced_and_parsing_goes_on(corpus_dir: Path) -> None:
    old_pid = forkserver.shared_server().pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGKILL)
    _wait_until(lambda: not psutil.pid_exists(old_pid) or _is_zombie(old_pid))

    document = parse_document(corpus_dir / "notes.txt", ALL, LIMITS)

    assert "DS-00500" in document.text
    assert forkserver.shared_server().pid != old_pid
    assert no_children_left()


def test_zygote_that_stops_answering_is_replaced(
    corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(forkserver, "_GRACE_S", 0.5)
    monkeypatch.setattr(forkserver, "_STOP_TIMEOUT_S", 0.5)
    old_pid = forkserver.shared_server().pid
    assert old_pid is not None
    os.kill(old_pid, signal.SIGSTOP)  # alive, but it will never answer again
    started = time.monotonic()

    document = parse_document(corpus_dir / "notes.txt", ALL, ParseLimits(timeout_s=1.0))

    assert "DS-00500" in document.text
    assert time.monotonic() - started < 5.0
    assert forkserver.shared_server().pid != old_pid
    _wait_until(lambda: not psutil.pid_exists(old_pid) or _is_zombie(old_pid))
    assert no_children_left()


def test_zygote_killed_mid_parse_takes_its_children_along(tmp_path: Path) -> None:
    fifo = tmp_path / "never-written.pdf"
    os.mkfifo(fifo)
    zygote = forkserver.shared_server()
    assert zygote.pid is not None
    with ThreadPoolExecutor(max_workers=1) as pool:
        pending = pool.submit(parse_document, fifo, ALL, ParseLimits(timeout_s=2.0))
        _wait_until(lambda: len(sandbox_children()) == 1)
        (child,) = sandbox_children()
        os.kill(zygote.pid, signal.SIGKILL)

        with pytest.raises(DocumentError) as caught:
            pending.result(timeout=30)

    # The call went to a fresh zygote, whose child hung on the FIFO until the timeout.
    assert caught.value.kind == "resource_limit"
    assert not psutil.pid_exists(child.pid) or _is_zombie(child.pid)
    assert no_children_left()


def test_temporary_files_of_a_killed_child_are_removed(
    corpus_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))

    # Killed in the middle of OCR, with the page image written to its temporary directory.
    with pytest.raises(DocumentError) as caught:
        parse_document(corpus_dir / "scan_en.png", ALL, ParseLimits(timeout_s=0.4))

    assert caught.value.kind == "resource_limit"
    assert list(temp_root.iterdir()) == []


def test_zygote_and_its_children_stop_at_interpreter_exit(tmp_path: Path) -> None:
    script = (
        "import threading, time\n"
        "from pathlib import Path\n"
        "from docsort.parsing import forkserver\n"
        "from docsort.parsing.models import ParseLimits, ParseRequest\n"
        "from docsort.parsing.sandbox import parse_document\n"
        "from tests.parsing.support import sandbox_children\n"
        "def hang():\n"
        f"    parse_document(Path({str(_fifo(tmp_path))!r}), ParseRequest(), "
        "ParseLimits(timeout_s=60))\n"
        "threading.Thread(target=hang, daemon=True).start()\n"
        "while not sandbox_children():\n"
        "    time.sleep(0.01)\n"
        "print('PIDS', forkserver._server.pid, sandbox_children()[0].pid, flush=True)\n"
    )
    started = time.monotonic()

    finished = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        timeout=30,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )

    (line,) = [line for line in finished.stdout.splitlines() if line.startswith(b"PIDS ")]
    zygote_pid, child_pid = (int(pid) for pid in line.split()[1:])
    assert time.monotonic() - started < 20
    _wait_until(lambda: not psutil.pid_exists(zygote_pid) and not psutil.pid_exists(child_pid))


def _fifo(directory: Path) -> Path:
    fifo = directory / "never-written.txt"
    if not fifo.exists():
        os.mkfifo(fifo)
    return fifo


def _is_zombie(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def _wait_until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.01)
