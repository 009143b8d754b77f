"""The async engine and session factory, with deliberate pool and timeout settings."""

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from app.db.embedded import start_embedded_postgres, to_asyncpg_url
from app.settings import Settings


def resolve_database_url(settings: Settings) -> str:
    if settings.database_url:
        return to_asyncpg_url(settings.database_url)
    return start_embedded_postgres(settings.data_dir, settings.embedded_database_name)


def make_engine(url: str, settings: Settings) -> AsyncEngine:
    return create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        # Connections older than this are replaced, so a restarted server or a load balancer's
        # idle cut never hands a dead connection to a request; pre-ping catches the rest.
        pool_recycle=settings.db_pool_recycle_s,
        pool_pre_ping=settings.db_pool_pre_ping,
        connect_args={
            "timeout": settings.db_connect_timeout_s,
            "server_settings": {
                "application_name": "partnership-api",
                "statement_timeout": str(settings.db_statement_timeout_ms),
                "idle_in_transaction_session_timeout": str(settings.db_statement_timeout_ms * 4),
                "TimeZone": "UTC",
            },
        },
    )


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
