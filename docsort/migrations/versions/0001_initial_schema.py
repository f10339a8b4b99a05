"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-24 08:31:21.731073
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:

    op.create_table(
        "projects",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("organization_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_projects")),
        sa.UniqueConstraint("name", name=op.f("uq_projects_name")),
    )
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=16), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_api_keys_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_api_keys_key_hash")),
    )
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_api_keys_project_id"), ["project_id"], unique=False)

    op.create_table(
        "files",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=1024), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=True),
        sa.Column("external_file_id", sa.String(length=1024), nullable=True),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("detected_type", sa.String(length=64), nullable=False),
        sa.Column("mime_type", sa.String(length=255), nullable=False),
        sa.Column("blob_key", sa.String(length=512), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_files_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(
            "ix_files_project_created", ["project_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_files_project_id"), ["project_id"], unique=False)

    op.create_table(
        "rule_sets",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("config", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_rule_sets_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rule_sets")),
    )
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_rule_sets_project_id"), ["project_id"], unique=False)

    op.create_table(
        "classifier_jobs_v1",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("rule_set_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("effective_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_classifier_jobs_v1_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["rule_set_id"],
            ["rule_sets.id"],
            name=op.f("fk_classifier_jobs_v1_rule_set_id_rule_sets"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classifier_jobs_v1")),
    )
    with op.batch_alter_table("classifier_jobs_v1", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_classifier_jobs_v1_project_id"), ["project_id"], unique=False
        )
        batch_op.create_index(
            "ix_v1_jobs_project_created", ["project_id", "created_at", "id"], unique=False
        )

    op.create_table(
        "classify_jobs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("rule_set_id", sa.String(length=64), nullable=False),
        sa.Column("configuration_id", sa.String(length=64), nullable=True),
        sa.Column("file_input", sa.String(length=64), nullable=False),
        sa.Column("document_input_type", sa.String(length=16), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=True),
        sa.Column("parse_job_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("result_type", sa.String(length=64), nullable=True),
        sa.Column("result_confidence", sa.Float(), nullable=True),
        sa.Column("result_reasoning", sa.Text(), nullable=True),
        sa.Column("error_kind", sa.String(length=32), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("transaction_id", sa.String(length=255), nullable=True),
        sa.Column("parent_kind", sa.String(length=16), nullable=True),
        sa.Column("parent_id", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_classify_jobs_project_id_projects")
        ),
        sa.ForeignKeyConstraint(
            ["rule_set_id"], ["rule_sets.id"], name=op.f("fk_classify_jobs_rule_set_id_rule_sets")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_classify_jobs")),
        sa.UniqueConstraint("parent_id", "position", name="uq_classify_jobs_parent_position"),
        sa.UniqueConstraint("project_id", "transaction_id", name="uq_classify_jobs_transaction"),
    )
    with op.batch_alter_table("classify_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_classify_jobs_file_id"), ["file_id"], unique=False)
        batch_op.create_index(
            "ix_classify_jobs_parent_status", ["parent_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_classify_jobs_project_created", ["project_id", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_classify_jobs_project_id"), ["project_id"], unique=False
        )

    op.create_table(
        "parse_jobs",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("project_id", sa.String(length=64), nullable=False),
        sa.Column("file_id", sa.String(length=64), nullable=False),
        sa.Column("settings_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("pages", sa.JSON(), nullable=True),
        sa.Column("text_blob_key", sa.String(length=512), nullable=True),
        sa.Column("error_kind", sa.String(length=32), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["file_id"], ["files.id"], name=op.f("fk_parse_jobs_file_id_files"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["project_id"], ["projects.id"], name=op.f("fk_parse_jobs_project_id_projects")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_parse_jobs")),
        sa.UniqueConstraint("file_id", "settings_hash", name="uq_parse_jobs_file_settings"),
    )
    with op.batch_alter_table("parse_jobs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_parse_jobs_project_id"), ["project_id"], unique=False)


def downgrade() -> None:

    with op.batch_alter_table("parse_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_parse_jobs_project_id"))

    op.drop_table("parse_jobs")
    with op.batch_alter_table("classify_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_classify_jobs_project_id"))
        batch_op.drop_index("ix_classify_jobs_project_created")
        batch_op.drop_index("ix_classify_jobs_parent_status")
        batch_op.drop_index(batch_op.f("ix_classify_jobs_file_id"))

    op.drop_table("classify_jobs")
    with op.batch_alter_table("classifier_jobs_v1", schema=None) as batch_op:
        batch_op.drop_index("ix_v1_jobs_project_created")
        batch_op.drop_index(batch_op.f("ix_classifier_jobs_v1_project_id"))

    op.drop_table("classifier_jobs_v1")
    with op.batch_alter_table("rule_sets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_rule_sets_project_id"))

    op.drop_table("rule_sets")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_files_project_id"))
        batch_op.drop_index("ix_files_project_created")

    op.drop_table("files")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_api_keys_project_id"))

    op.drop_table("api_keys")
    op.drop_table("projects")
