"""Identifiers of every stored object (contract §13)."""

from __future__ import annotations

import uuid


def new_id(prefix: str) -> str:
    """A fresh id such as `dfl-<uuid4>`; an empty prefix gives a bare uuid4."""
    value = str(uuid.uuid4())
    return f"{prefix}-{value}" if prefix else value


def file_id() -> str:
    """Id of an uploaded file."""
    return new_id("dfl")


def project_id() -> str:
    """Id of a project."""
    return new_id("prj")


def classify_job_id() -> str:
    """Id of one document classified against one rule set."""
    return new_id("cls")


def parse_job_id() -> str:
    """Id of one text extraction."""
    return new_id("pjb")


def v1_job_id() -> str:
    """Id of a v1 classifier job: a bare uuid, as the v1 API documents."""
    return new_id("")


def api_key_id() -> str:
    """Id of an API key (also the `user_id` shown on jobs it creates)."""
    return new_id("key")


def rule_set_id() -> str:
    """Id of a resolved classification configuration."""
    return new_id("rls")
