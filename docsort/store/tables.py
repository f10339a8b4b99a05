"""The database schema (DESIGN.md §6): one table per stored concept, every row scoped by project."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with a stable constraint naming convention for migrations."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Timestamps:
    """Creation and update times."""

    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Project(Timestamps, Base):
    """A tenant: every other row belongs to one."""

    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    organization_id: Mapped[str] = mapped_column(String(64))


class ApiKey(Timestamps, Base):
    """A bearer key, stored as a SHA-256 hash with a short display prefix."""

    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


class StoredFile(Timestamps, Base):
    """An uploaded document; its bytes live in blob storage under `blob_key`."""

    __tablename__ = "files"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(1024))
    purpose: Mapped[str | None] = mapped_column(String(32))
    external_file_id: Mapped[str | None] = mapped_column(String(1024))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    detected_type: Mapped[str] = mapped_column(String(64))
    mime_type: Mapped[str] = mapped_column(String(255))
    blob_key: Mapped[str] = mapped_column(String(512))

    __table_args__ = (Index("ix_files_project_created", "project_id", "created_at", "id"),)


class RuleSet(Timestamps, Base):
    """A resolved classification configuration (rules, mode, parsing options), shared by jobs."""

    __tablename__ = "rule_sets"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON)


class ParseJob(Timestamps, Base):
    """Text extracted from one file with one effective parse setting; reused when it matches."""

    __tablename__ = "parse_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id", ondelete="CASCADE"))
    settings_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    page_count: Mapped[int | None] = mapped_column(Integer)
    pages: Mapped[list[int] | None] = mapped_column(JSON)
    warnings: Mapped[list[str] | None] = mapped_column(JSON)
    text_blob_key: Mapped[str | None] = mapped_column(String(512))
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (
        UniqueConstraint("file_id", "settings_hash", name="uq_parse_jobs_file_settings"),
    )


class V1Job(Timestamps, Base):
    """A v1 classifier job; its per-file work is its ClassifyJob rows."""

    __tablename__ = "classifier_jobs_v1"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    rule_set_id: Mapped[str] = mapped_column(ForeignKey("rule_sets.id"))
    status: Mapped[str] = mapped_column(String(32))
    file_count: Mapped[int] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    effective_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    webhooks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_v1_jobs_project_created", "project_id", "created_at", "id"),)


class ClassifyJob(Timestamps, Base):
    """One document classified against one rule set: a v2 job, or one file of a v1 job or batch."""

    __tablename__ = "classify_jobs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    rule_set_id: Mapped[str] = mapped_column(ForeignKey("rule_sets.id"))
    configuration_id: Mapped[str | None] = mapped_column(String(64))
    file_input: Mapped[str] = mapped_column(String(64))
    document_input_type: Mapped[str] = mapped_column(String(16))
    file_id: Mapped[str | None] = mapped_column(String(64), index=True)
    parse_job_id: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    result_type: Mapped[str | None] = mapped_column(String(64))
    result_confidence: Mapped[float | None] = mapped_column(Float)
    result_reasoning: Mapped[str | None] = mapped_column(Text)
    error_kind: Mapped[str | None] = mapped_column(String(32))
    error_message: Mapped[str | None] = mapped_column(Text)
    transaction_id: Mapped[str | None] = mapped_column(String(255))
    parent_kind: Mapped[str | None] = mapped_column(String(16))
    parent_id: Mapped[str | None] = mapped_column(String(64))
    position: Mapped[int | None] = mapped_column(Integer)
    webhooks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("project_id", "transaction_id", name="uq_classify_jobs_transaction"),
        UniqueConstraint("parent_id", "position", name="uq_classify_jobs_parent_position"),
        Index("ix_classify_jobs_parent_status", "parent_id", "status"),
        Index("ix_classify_jobs_project_created", "project_id", "created_at", "id"),
    )


class Configuration(Timestamps, Base):
    """A saved product configuration (`cfg-…`), upserted by (project, name, product type)."""

    __tablename__ = "configurations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    product_type: Mapped[str] = mapped_column(String(32))
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON)

    __table_args__ = (
        UniqueConstraint("project_id", "name", "product_type", name="uq_configurations_name"),
        Index("ix_configurations_project_created", "project_id", "created_at", "id"),
    )


class Directory(Timestamps, Base):
    """A folder of files (`dir-…`) that batches run over; deleted softly."""

    __tablename__ = "directories"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(16), default="user")
    system_metadata: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    __table_args__ = (Index("ix_directories_project_created", "project_id", "created_at", "id"),)


class DirectoryFile(Timestamps, Base):
    """A file placed in a directory (its own `dfl-…` id); `unique_id` is unique among live ones."""

    __tablename__ = "directory_files"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    directory_id: Mapped[str] = mapped_column(ForeignKey("directories.id"))
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    file_id: Mapped[str] = mapped_column(ForeignKey("files.id"))
    display_name: Mapped[str] = mapped_column(String(1024))
    unique_id: Mapped[str] = mapped_column(String(1024))
    metadata_: Mapped[dict[str, Any] | None] = mapped_column("metadata", JSON)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    __table_args__ = (
        Index("ix_directory_files_listing", "directory_id", "created_at", "id"),
        Index(
            "uq_directory_files_live_unique_id",
            "directory_id",
            "unique_id",
            unique=True,
            sqlite_where=text("deleted_at IS NULL"),
            postgresql_where=text("deleted_at IS NULL"),
        ),
    )


class Batch(Timestamps, Base):
    """A batch over a directory or a list of items: v1 (`bjb-…`) or v2 (`bat-…`)."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    user_id: Mapped[str] = mapped_column(String(64))
    api: Mapped[str] = mapped_column(String(4))
    job_type: Mapped[str] = mapped_column(String(16))
    job_config: Mapped[dict[str, Any]] = mapped_column(JSON)
    rule_set_id: Mapped[str | None] = mapped_column(ForeignKey("rule_sets.id"))
    parsing: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    configuration_id: Mapped[str | None] = mapped_column(String(64))
    directory_id: Mapped[str | None] = mapped_column(String(64), index=True)
    item_ids: Mapped[list[str] | None] = mapped_column(JSON)
    page_size: Mapped[int] = mapped_column(Integer)
    continue_as_new_threshold: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16))
    total_items: Mapped[int] = mapped_column(Integer)
    error_message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    webhooks: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_batches_project_created", "project_id", "created_at", "id"),)


class BatchItem(Timestamps, Base):
    """One file taken into a batch, recorded as the batch dispatches it."""

    __tablename__ = "batch_items"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    batch_id: Mapped[str] = mapped_column(ForeignKey("batches.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(64), index=True)
    file_id: Mapped[str | None] = mapped_column(String(64))
    item_name: Mapped[str] = mapped_column(String(1024))
    status: Mapped[str] = mapped_column(String(16))
    job_id: Mapped[str | None] = mapped_column(String(64), index=True)
    skip_reason: Mapped[str | None] = mapped_column(String(64))
    error_message: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("batch_id", "position", name="uq_batch_items_position"),
        UniqueConstraint("batch_id", "item_id", name="uq_batch_items_item"),
        Index("ix_batch_items_batch_status", "batch_id", "status"),
    )


class WebhookConfig(Timestamps, Base):
    """A saved webhook endpoint (`whc-…`) that jobs and batches reference by id."""

    __tablename__ = "webhook_configs"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[list[str] | None] = mapped_column(JSON)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    output_format: Mapped[str | None] = mapped_column(String(8))
    signing_secret: Mapped[str | None] = mapped_column(String(512))

    __table_args__ = (
        Index("ix_webhook_configs_project_created", "project_id", "created_at", "id"),
    )


class WebhookDelivery(Base):
    """One attempt to deliver an event to an endpoint."""

    __tablename__ = "webhook_deliveries"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    object_id: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    url: Mapped[str] = mapped_column(String(2048))
    attempt: Mapped[int] = mapped_column(Integer)
    status_code: Mapped[int | None] = mapped_column(Integer)
    latency_ms: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    __table_args__ = (Index("ix_webhook_deliveries_object", "object_id", "created_at", "id"),)


class WebhookEvent(Base):
    """An event of a job or batch with webhooks (the outbox), written with the status change.

    `data` is the object as GET showed it at the transition; `dispatched_at` is set once a
    delivery workflow was started for every endpoint the event goes to.
    """

    __tablename__ = "webhook_events"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    object_kind: Mapped[str] = mapped_column(String(16))
    object_id: Mapped[str] = mapped_column(String(64))
    event_type: Mapped[str] = mapped_column(String(64))
    sequence: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    __table_args__ = (
        UniqueConstraint("object_id", "sequence", name="uq_webhook_events_sequence"),
        UniqueConstraint("object_id", "event_type", name="uq_webhook_events_type"),
        # The sweep's look-up of events no workflow handed out (a small part of the table).
        Index(
            "ix_webhook_events_undispatched",
            "created_at",
            sqlite_where=text("dispatched_at IS NULL"),
            postgresql_where=text("dispatched_at IS NULL"),
        ),
    )
