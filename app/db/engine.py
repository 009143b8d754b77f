"""The async engine and session factory, with deliberate pool and timeout settings."""

import time
from typing import Any

from sqlalchemy import event, exc
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
    engine = create_async_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
        pool_timeout=settings.db_pool_timeout_s,
        # Connections older than this are replaced, so a load balancer's idle cut never hands a
        # dead connection to a request; the liveness check below catches the rest.
        pool_recycle=settings.db_pool_recycle_s,
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
    if settings.db_pool_pre_ping:
        check_liveness(engine, settings.db_pool_ping_after_idle_s)
    return engine


def check_liveness(engine: AsyncEngine, ping_after_idle_s: float) -> None:
    """SQLAlchemy's `pool_pre_ping`, without its cost under load.

    Its ping is three round trips on asyncpg (BEGIN, an empty statement, ROLLBACK), on every
    checkout: twice the round trips of a read by id. Here a connection is pinged only when it
    sat idle in the pool for longer than `ping_after_idle_s`; one handed back a moment ago has
    just answered (HikariCP's alive-bypass window, 500 ms there, is the same idea). A connection
    the server closed (a restart, a failover, `pg_terminate_backend`) is refused with no round
    trip, whatever its age, once the event loop has seen its socket close: asyncpg then marks
    it closed. What this gives up: a connection used within the window whose peer vanished
    without closing the socket (a network cut) is handed out, and its request fails, where the
    ping would have caught it; the pool then discards it. Either way a dead connection is a
    `DisconnectionError`, on which the pool throws it away and hands out another (only that one;
    the pre-ping discarded the whole pool)."""

    @event.listens_for(engine.sync_engine, "connect")
    @event.listens_for(engine.sync_engine, "checkin")
    def _stamp(dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _check(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if record.driver_connection.is_closed():
            raise exc.DisconnectionError("the server closed the connection")
        if time.monotonic() - record.info.get("idle_since", 0.0) > ping_after_idle_s:
            try:
                dbapi_connection.ping()
            except Exception as error:
                raise exc.DisconnectionError("the connection did not answer") from error


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
