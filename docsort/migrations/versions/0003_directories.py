"""directories

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24 09:04:39.691179
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "directories",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("type", sa.String(length=16), nullable=False),
        sa.Column("system_metadata", sa.JSON(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_directories_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directories")),
    )
    with op.batch_alter_table("directories", schema=None) as batch_op:
        batch_op.create_index(
            "ix_directories_project_created", ["project_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_directories_project_id"), ["project_id"], unique=False)

    op.create_table(
        "directory_files",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("directory_id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=1024), nullable=False),
        sa.Column("unique_id", sa.String(length=1024), nullable=False),
        sa.Column("metadata", sa.JSON(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["directory_id"],
            ["directories.id"],
            name=op.f("fk_directory_files_directory_id_directories"),
        ),
        sa.ForeignKeyConstraint(
            ["file_id"], ["files.id"], name=op.f("fk_directory_files_file_id_files")
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_directory_files_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_files")),
    )
    with op.batch_alter_table("directory_files", schema=None) as batch_op:
        batch_op.create_index(
            "ix_directory_files_listing", ["directory_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_directory_files_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            "uq_directory_files_live_unique_id",
            ["directory_id", "unique_id"],
            unique=True,
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )


def downgrade() -> None:

    with op.batch_alter_table("directory_files", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_directory_files_live_unique_id",
            sqlite_where=sa.text("deleted_at IS NULL"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        )
        batch_op.drop_index(batch_op.f("ix_directory_files_project_id"))
        batch_op.drop_index("ix_directory_files_listing")

    op.drop_table("directory_files")
    with op.batch_alter_table("directories", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directories_project_id"))
        batch_op.drop_index("ix_directories_project_created")

    op.drop_table("directories")
