"""Every setting, from the environment (documented in README.md, "Settings")."""

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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

    db_pool_size: int = Field(default=10, ge=1, le=100)
    db_max_overflow: int = Field(default=5, ge=0, le=100)
    db_pool_timeout_s: float = Field(default=10.0, gt=0)
    db_pool_recycle_s: int = Field(default=1800, gt=0)
    db_statement_timeout_ms: int = Field(default=15_000, ge=100)
    db_connect_timeout_s: float = Field(default=10.0, gt=0)

    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)
    migrate_on_start: bool = True


@lru_cache
def get_settings() -> Settings:
    return Settings()
