"""batches

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:06:56.990405
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "batches",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("api", sa.String(length=4), nullable=False),
        sa.Column("job_type", sa.String(length=16), nullable=False),
        sa.Column("job_config", sa.JSON(), nullable=False),
        sa.Column("rule_set_id", sa.String(length=64), nullable=True),
        sa.Column("parsing", sa.JSON(), nullable=True),
        sa.Column("configuration_id", sa.String(length=64), nullable=True),
        sa.Column("directory_id", sa.String(length=64), nullable=True),
        sa.Column("item_ids", sa.JSON(), nullable=True),
        sa.Column("page_size", sa.Integer(), nullable=False),
        sa.Column("continue_as_new_threshold", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total_items", sa.Integer(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_batches_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["rule_set_id"], ["rule_sets.id"], name=op.f("fk_batches_rule_set_id_rule_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batches")),
    )
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_batches_directory_id"), ["directory_id"], unique=False)
        batch_op.create_index(
            "ix_batches_project_created", ["project_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_batches_project_id"), ["project_id"], unique=False)

    op.create_table(
        "batch_items",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("batch_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=True),
        sa.Column("item_name", sa.String(length=1024), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=True),
        sa.Column("skip_reason", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["batches.id"],
            name=op.f("fk_batch_items_batch_id_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_batch_items")),
        sa.UniqueConstraint("batch_id", "item_id", name="uq_batch_items_item"),
        sa.UniqueConstraint("batch_id", "position", name="uq_batch_items_position"),
    )
    with op.batch_alter_table("batch_items", schema=None) as batch_op:
        batch_op.create_index("ix_batch_items_batch_status", ["batch_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_batch_items_item_id"), ["item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_batch_items_job_id"), ["job_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("batch_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batch_items_job_id"))
        batch_op.drop_index(batch_op.f("ix_batch_items_item_id"))
        batch_op.drop_index("ix_batch_items_batch_status")

    op.drop_table("batch_items")
    with op.batch_alter_table("batches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_batches_project_id"))
        batch_op.drop_index("ix_batches_project_created")
        batch_op.drop_index(batch_op.f("ix_batches_directory_id"))

    op.drop_table("batches")
