"""The hybrid engine classifies with no network at all: the model is the installed package."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

# Runs in a child process. The audit hook refuses every socket connection and name lookup even
# where a network namespace cannot be made; under `unshare -n` there is no network anyway.
CHILD = textwrap.dedent(
    """
    import socket, sys

    def refuse(event, args):
        if event in ("socket.connect", "socket.getaddrinfo", "socket.sendto"):
            raise OSError(f"network blocked by the test: {event}")

    sys.addaudithook(refuse)
    try:
        socket.create_connection(("pypi.org", 443), timeout=2)
        sys.exit("a connection went through")
    except OSError:
        pass

    from docsort.classifiers import Rule
    from docsort.classifiers.factory import build_classifier
    from docsort.settings import Settings

    rules = [
        Rule(type="invoice", description="A bill asking a customer to pay an amount due."),
        Rule(type="recipe", description="Cooking steps with ingredients and oven temperature."),
    ]
    text = "Invoice 88. Amount due: 120.00 EUR within 14 days. Please pay by bank transfer."
    result = build_classifier(Settings(classifier_engine="hybrid")).classify(text, rules)
    print(result.type, round(result.confidence, 2))
    """
)


def test_classifies_with_networking_unavailable_to_the_process() -> None:
    command = [sys.executable, "-c", CHILD]
    if shutil.which("unshare") and _namespaces_allowed():
        command = ["unshare", "--net", *command]
    env = {"PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "0", "HOME": "/nonexistent"}
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    kind, confidence = done.stdout.split()
    assert kind == "invoice" and float(confidence) >= 0.5


def _namespaces_allowed() -> bool:
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, timeout=10)
    return probe.returncode == 0
