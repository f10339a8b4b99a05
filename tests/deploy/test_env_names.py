"""Every `DOCSORT_*` name in the compose file and the Kubernetes manifests is a real setting.

Settings ignore unknown environment variables, so a misspelled name in a deployment file would
be dropped silently; these tests load each process's environment into the settings instead.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from docsort.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PREFIX = "DOCSORT_"
# Compose interpolation (`${NAME:-default}`, `${NAME:?message}`): a stand-in value.
INTERPOLATION = re.compile(r"\$\{[A-Z0-9_]+(?::?[-?][^}]*)?\}")


def test_compose_environment_blocks_are_known_settings() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    docsort_services = 0
    for name, service in compose["services"].items():
        env = _as_dict(service.get("environment", {}))
        if not any(key.startswith(PREFIX) for key in env):
            continue
        docsort_services += 1
        _load_into_settings(f"compose service {name}", env)
    assert docsort_services >= 4, "expected migrate, api and two workers"


def test_kubernetes_environments_are_known_settings() -> None:
    documents = [
        doc
        for path in sorted((DEPLOY / "kubernetes").glob("*.yaml"))
        for doc in yaml.safe_load_all(path.read_text())
        if doc
    ]
    sources = {
        (doc["kind"], doc["metadata"]["name"]): _as_dict(
            doc.get("data", {}) | doc.get("stringData", {})
        )
        for doc in documents
        if doc["kind"] in ("ConfigMap", "Secret")
    }
    containers = 0
    for doc in documents:
        for container in _containers(doc):
            env: dict[str, str] = {}
            for source in container.get("envFrom", []):
                if "configMapRef" in source:
                    env |= sources[("ConfigMap", source["configMapRef"]["name"])]
                if "secretRef" in source:
                    env |= sources[("Secret", source["secretRef"]["name"])]
            env |= {item["name"]: item.get("value", "") for item in container.get("env", [])}
            containers += 1
            _load_into_settings(f"{doc['kind']} {doc['metadata']['name']}", env)
    assert containers >= 4, "expected the migrate job, the API and two worker deployments"


def test_an_unknown_name_is_caught() -> None:
    with pytest.raises(AssertionError, match="DOCSORT_S3_BUKET"):
        _load_into_settings("example", {"DOCSORT_S3_BUKET": "files"})


def _load_into_settings(where: str, env: dict[str, str]) -> Settings:
    known = {PREFIX + name.upper() for name in Settings.model_fields}
    names = {key for key in env if key.startswith(PREFIX)}
    unknown = sorted(names - known)
    assert not unknown, f"{where}: unknown settings {unknown}"
    values: dict[str, Any] = {
        key.removeprefix(PREFIX).lower(): INTERPOLATION.sub("x", str(env[key])) for key in names
    }
    return Settings(**values)


def _as_dict(env: dict[str, Any] | list[str]) -> dict[str, str]:
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def _containers(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    result: list[dict[str, Any]] = pod.get("containers", []) + pod.get("initContainers", [])
    return result
