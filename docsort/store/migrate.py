"""Schema migrations (Alembic), run by `docsort migrate` and at `docsort up`."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    """An Alembic configuration pointing at docsort's migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_database(database_url: str) -> None:
    """Bring the database schema to the newest revision (blocking; call off the event loop)."""
    if database_url.startswith("sqlite"):
        _ensure_sqlite_parent(database_url)
    command.upgrade(alembic_config(database_url), "head")


def _ensure_sqlite_parent(database_url: str) -> None:
    path = database_url.split(":///", 1)[-1]
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
