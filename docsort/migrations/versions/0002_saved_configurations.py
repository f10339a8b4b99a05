"""saved configurations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 08:57:15.849740
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "configurations",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("product_type", sa.String(length=32), nullable=False),
        sa.Column("parameters", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_configurations_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_configurations")),
        sa.UniqueConstraint("project_id", "name", "product_type", name="uq_configurations_name"),
    )
    with op.batch_alter_table("configurations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_configurations_project_created", ["project_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_configurations_project_id"), ["project_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("configurations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_configurations_project_id"))
        batch_op.drop_index("ix_configurations_project_created")

    op.drop_table("configurations")
