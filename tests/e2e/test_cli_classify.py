"""`docsort classify` on a folder, as a person runs it from a shell."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import yaml

from docsort.folder_client import load_rules
from tests.support.documents import (
    INVOICE_CSV,
    INVOICE_TEXT,
    MATCH_HTML,
    RECIPE_PDF_LINES,
    RECIPE_TEXT,
    RULES,
    make_pdf,
)
from tests.support.stack import Stack

KINDS = [
    ("txt", INVOICE_TEXT.encode(), "invoice"),
    ("md", RECIPE_TEXT.encode(), "recipe"),
    ("html", MATCH_HTML.encode(), "match_report"),
    ("csv", INVOICE_CSV.encode(), "invoice"),
    ("pdf", make_pdf(RECIPE_PDF_LINES), "recipe"),
]


def _folder(root: Path, count: int) -> dict[str, str]:
    expected = {}
    for i in range(count):
        ext, content, label = KINDS[i % len(KINDS)]
        sub = root / ("a" if i % 2 else "b")
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"doc-{i:02d}.{ext}"
        path.write_bytes(content if ext == "pdf" else content + f"\nref {i}".encode())
        expected[str(path)] = label
    return expected


def _classify(stack: Stack, api_key: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DOCSORT_BASE_URL": stack.base_url, "DOCSORT_API_KEY": api_key}
    return subprocess.run(
        [sys.executable, "-m", "docsort", "classify", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_folder_of_thirty_mixed_files_gives_one_row_each_and_exit_code_two_for_a_bad_one(
    stack: Stack, api_key: str, tmp_path: Path
) -> None:
    expected = _folder(tmp_path / "docs", 29)
    broken = tmp_path / "docs" / "a" / "broken.pdf"
    broken.write_bytes(os.urandom(5000))
    rules = tmp_path / "rules.yaml"
    rules.write_text(yaml.safe_dump(list(RULES)))
    output = tmp_path / "results.csv"
    done = _classify(
        stack, api_key, str(tmp_path / "docs"), "--rules", str(rules), "--output", str(output)
    )
    assert done.returncode == 2, done.stderr
    assert "1 of 30 files could not be classified" in done.stderr
    with output.open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 30
    by_path = {row["path"]: row for row in rows}
    for path, label in expected.items():
        assert by_path[path]["type"] == label, by_path[path]
        assert 0 <= float(by_path[path]["confidence"]) <= 1 and by_path[path]["reasoning"]
    assert "unsupported type" in by_path[str(broken)]["error"]


def test_all_classified_exits_zero_with_json_lines_and_bad_rules_exit_one(
    stack: Stack, api_key: str, tmp_path: Path
) -> None:
    expected = _folder(tmp_path / "docs", 5)
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES))
    output = tmp_path / "out.jsonl"
    done = _classify(
        stack, api_key, str(tmp_path / "docs"), "--rules", str(rules), "--output", str(output)
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in output.read_text().splitlines()]
    assert {line["path"]: line["type"] for line in lines} == expected
    bad_rules = tmp_path / "bad.yaml"
    bad_rules.write_text("just: a mapping")
    failed = _classify(stack, api_key, str(tmp_path / "docs"), "--rules", str(bad_rules))
    assert failed.returncode == 1 and "rules" in failed.stderr
    nowhere = subprocess.run(
        [
            sys.executable,
            "-m",
            "docsort",
            "classify",
            str(tmp_path),
            "--rules",
            str(rules),
            "--data-dir",
            str(tmp_path / "empty"),
        ],
        env={k: v for k, v in os.environ.items() if not k.startswith("DOCSORT_")},
        capture_output=True,
        text=True,
    )
    assert nowhere.returncode == 1 and "--base-url" in nowhere.stderr


def test_dataset_rules_files_load_as_they_are(datasets_dir: Path) -> None:
    rules = load_rules(datasets_dir / "bbc_news" / "rules.json")
    assert len(rules) == 5 and {"type", "description"} == set(rules[0])


def test_interrupt_without_a_terminal_leaves_the_batch_running_unless_asked_to_cancel(
    stack: Stack, api_key: str, tmp_path: Path, datasets_dir: Path
) -> None:
    scan = datasets_dir / "parsing-corpus" / "files" / "scanned_en.pdf"
    folder = tmp_path / "scans"
    folder.mkdir()
    for i in range(3):
        (folder / f"scan-{i}.pdf").write_bytes(scan.read_bytes())
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps(RULES))
    env = {**os.environ, "DOCSORT_BASE_URL": stack.base_url, "DOCSORT_API_KEY": api_key}
    for extra, expected in (([], "keeps running"), (["--cancel-on-interrupt"], "cancelled")):
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "docsort",
                "classify",
                str(folder),
                "--rules",
                str(rules),
                *extra,
            ],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        started = ""
        while "started" not in started:
            started = process.stderr.readline()
            assert started, "the CLI ended before starting its batch"
        process.send_signal(signal.SIGINT)
        _, rest = process.communicate(timeout=60)
        assert process.returncode == 1
        assert expected in rest
        batch_id = started.split()[1]
        status = httpx.get(
            f"{stack.base_url}/api/v1/beta/batch-processing/{batch_id}",
            headers={"Authorization": f"Bearer {api_key}"},
        ).json()["job"]["status"]
        assert status == ("cancelled" if extra else "running") or (
            not extra and status in ("dispatched", "completed")
        )
