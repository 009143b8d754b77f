"""Every setting, from the environment (documented in README.md, "Settings")."""

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

# A list written as a comma-separated environment variable ("a,b"), not as JSON.
CommaList = Annotated[list[str], NoDecode]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", extra="ignore", frozen=True)

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL URL; unset means an embedded PostgreSQL in DATA_DIR/postgres.",
    )
    data_dir: Path = Field(default=Path(".data"), description="Local folder for embedded data.")
    embedded_database_name: str = "partnership"
    host: str = "127.0.0.1"
    port: int = 8000
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    forwarded_allow_ips: str = Field(
        default="127.0.0.1", description="Proxies whose X-Forwarded-* headers are trusted."
    )

    # One fixed pool of 15 (the connections a replica could open before, 10 + 5 of overflow):
    # an overflow connection is closed when it comes back to a full pool, so under more than ten
    # requests at once the pool kept opening and closing connections, and PostgreSQL kept
    # starting backends for them (bench/README.md, "A pool that keeps what it opens").
    db_pool_size: int = Field(default=15, ge=1, le=100)
    db_max_overflow: int = Field(default=0, ge=0, le=100)
    db_pool_timeout_s: float = Field(default=10.0, gt=0)
    db_pool_recycle_s: int = Field(default=1800, gt=0)
    db_statement_timeout_ms: int = Field(default=15_000, ge=100)
    db_connect_timeout_s: float = Field(default=10.0, gt=0)
    db_pool_pre_ping: bool = Field(
        default=True,
        description="Test a connection taken from the pool when it sat idle for longer than "
        "DB_POOL_PING_AFTER_IDLE_S, or the server closed it.",
    )
    db_pool_ping_after_idle_s: float = Field(default=0.5, ge=0)

    auth_cache_ttl_s: float = Field(
        default=30.0,
        ge=0,
        le=300,
        description="How long a verified API key or user is kept in the process at most; a "
        "change reaches every process at once through LISTEN/NOTIFY. 0: read on every request.",
    )
    workers: int = Field(
        default=1,
        ge=1,
        le=64,
        description="`serve`'s worker processes on the one port (uvicorn's workers); about one "
        "per core.",
    )

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    oidc_issuer: str | None = Field(default=None, description="Expected `iss` of access tokens.")
    oidc_audience: str | None = Field(default=None, description="Expected `aud` of access tokens.")
    oidc_jwks_url: str | None = Field(default=None, description="Where the signing keys are.")
    oidc_algorithms: CommaList = ["RS256", "ES256"]
    oidc_role_claim: str = "partnership_role"
    oidc_organisations_claim: str = "partnership_organisations"

    rate_limit_per_minute: int = Field(default=600, ge=1)
    rate_limit_anonymous_per_minute: int = Field(default=120, ge=1)
    redis_url: str | None = Field(default=None, description="Shared rate limits when set.")
    cors_origins: CommaList = Field(default_factory=list, description="Allowed browser origins.")

    @field_validator("oidc_algorithms", "cors_origins", mode="before")
    @classmethod
    def _split_commas(cls, value: object) -> object:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    migrate_on_start: bool = True

    storage_backend: Literal["local", "s3"] = Field(
        default="local", description="Where uploaded files go: a local folder or an S3 bucket."
    )
    storage_dir: Path | None = Field(
        default=None, description="The local folder for files (default DATA_DIR/files)."
    )
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = Field(
        default=None, description="An S3-compatible endpoint (MinIO, Ceph...); unset: AWS."
    )
    s3_region: str | None = None
    max_upload_bytes: int = Field(default=20 * 1024 * 1024, ge=1024)
    iati_reporting_org_ref: str | None = Field(
        default=None,
        min_length=3,
        description="ICLD's IATI organisation identifier, as registered. Until it is set the "
        "IATI export answers 503: identifiers built on a placeholder would change once it is.",
    )
    iati_reporting_org_type: str = Field(
        default="15", description="ICLD's IATI OrganisationType code (15: other public sector)."
    )
    public_base_url: str | None = Field(
        default=None,
        description="The service's public address, for links in exported documents (IATI).",
    )
    telemetry: bool = Field(
        default=False, description="FastAPI's OpenTelemetry spans, metrics and logs."
    )

    # Webhooks (docs/events.md)
    worker_in_process: bool = Field(
        default=True,
        description="`serve` runs one webhook worker in its own process; with dedicated "
        "`partnership-api worker` processes, set it false.",
    )
    worker_concurrency: int = Field(default=10, ge=1, le=100)
    worker_polling_interval_s: float = Field(
        default=5.0, gt=0, description="How often a worker looks for jobs due (retries)."
    )
    webhook_allow_loopback: bool = Field(
        default=False,
        description="Accept webhook targets on loopback (127.0.0.0/8, ::1), over http too: for "
        "tests and the demo. Private, link-local and metadata addresses are refused always.",
    )
    webhook_connect_timeout_s: float = Field(default=5.0, gt=0)
    webhook_read_timeout_s: float = Field(default=10.0, gt=0)
    webhook_retry_base_s: float = Field(
        default=30.0, gt=0, description="The first retry's delay; each next one doubles it."
    )
    webhook_retry_max_delay_s: float = Field(default=3600.0, gt=0)
    webhook_max_attempts: int = Field(
        default=30, ge=1, description="About a day with the default delays."
    )
    webhook_secret_grace_s: int = Field(
        default=86400, ge=0, description="How long a rotated secret still signs deliveries."
    )
    event_retention_days: int = Field(
        default=90,
        ge=1,
        description="How long events, webhook delivery attempts and finished jobs are kept; a "
        "delivery still pending keeps its event.",
    )


@lru_cache
def get_settings() -> Settings:
    return Settings()
