"""index of the events no delivery workflow was started for yet

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 18:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

UNDISPATCHED = sa.text("dispatched_at IS NULL")


def upgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_events_undispatched",
            ["created_at"],
            unique=False,
            sqlite_where=UNDISPATCHED,
            postgresql_where=UNDISPATCHED,
        )


def downgrade() -> None:
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_events_undispatched")
