"""webhooks

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 09:37:01.826639
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "webhook_configs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("events", sa.JSON(), nullable=True),
        sa.Column("headers", sa.JSON(), nullable=True),
        sa.Column("output_format", sa.String(length=8), nullable=True),
        sa.Column("signing_secret", sa.String(length=512), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_webhook_configs_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_configs")),
    )
    with op.batch_alter_table("webhook_configs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_configs_project_created", ["project_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_configs_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("object_id", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("url", sa.String(length=2048), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("latency_ms", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_webhook_deliveries_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            "ix_webhook_deliveries_object", ["object_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_webhook_deliveries_project_id"), ["project_id"], unique=False
        )

    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhooks", sa.JSON(), nullable=True))

    with op.batch_alter_table("classifier_jobs_v1", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhooks", sa.JSON(), nullable=True))

    with op.batch_alter_table("classify_jobs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("webhooks", sa.JSON(), nullable=True))


def downgrade() -> None:

    with op.batch_alter_table("classify_jobs", schema=None) as batch_op:
        batch_op.drop_column("webhooks")

    with op.batch_alter_table("classifier_jobs_v1", schema=None) as batch_op:
        batch_op.drop_column("webhooks")

    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_column("webhooks")

    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_deliveries_project_id"))
        batch_op.drop_index("ix_webhook_deliveries_object")

    op.drop_table("webhook_deliveries")
    with op.batch_alter_table("webhook_configs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_configs_project_id"))
        batch_op.drop_index("ix_webhook_configs_project_created")

    op.drop_table("webhook_configs")
