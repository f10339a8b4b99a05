"""Webhook store tests run on every database backend, like the store's own tests."""

from __future__ import annotations

from tests.store.conftest import db, db_url

__all__ = ["db", "db_url"]
