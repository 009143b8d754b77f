"""The async engine and session factory, with deliberate pool and timeout settings."""

import re
import time
from functools import lru_cache
from typing import Any

from sqlalchemy import event, exc
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session

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
    begin_on_first_write(engine)
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


# A session that only reads until it writes (`reads_first`): its statements are sent without
# BEGIN and COMMIT until the first that writes or locks, which opens the transaction.
READS_FIRST = "reads_first"
_BEGIN_ON_WRITE = "begin_on_write"

# What must run inside the transaction: anything but a SELECT (or a WITH of SELECTs), a lock
# (`FOR UPDATE`, `FOR SHARE`, ...), an advisory lock, a sequence or setting changed, a NOTIFY.
# A false alarm only costs the BEGIN and COMMIT this saves.
_WRITES = re.compile(
    r"^\s*(?!SELECT\b|WITH\b)|\b(?:INSERT|UPDATE|DELETE|MERGE|SHARE)\b"
    r"|advisory|nextval|setval|set_config|notify",
    re.IGNORECASE,
)


@lru_cache(maxsize=2048)
def _writes(statement: str) -> bool:
    return _WRITES.search(statement) is not None


def reads_first(session: AsyncSession) -> None:
    """Send the session's reads without a transaction, until it writes.

    A read-only request (a GET) otherwise pays two round trips of its two to four for BEGIN and
    COMMIT, which the raw twin never sends (bench/README.md). Without them each statement runs
    in a transaction of its own, which reads nothing differently: under READ COMMITTED, the
    isolation every request runs at, each statement of a transaction takes its own snapshot too.
    A GET that writes (a user's first sign-in and its audit event, an API key's last use, a
    calendar feed's bookkeeping) still writes in one transaction: the first statement that
    writes or locks opens it (BEGIN, on the asyncpg adapter's own lazy begin), and the route's
    commit closes it, so what it writes is as atomic as before. Only the reads before that
    statement are outside it, which under READ COMMITTED sees what they would have seen."""
    session.info[READS_FIRST] = True


class _Session(Session):
    """The project's sessions, whose transactions `reads_first` may start late."""


@event.listens_for(_Session, "after_begin")
def _begin_lazily(session: Session, transaction: Any, connection: Any) -> None:
    if session.info.get(READS_FIRST):
        adapter = connection.connection.dbapi_connection
        if getattr(adapter, "_transaction", True) is None:  # asyncpg's adapter, not yet begun
            adapter.isolation_level = "autocommit"
            connection.info[_BEGIN_ON_WRITE] = True


def begin_on_first_write(engine: AsyncEngine) -> None:
    """The engine's half of `reads_first`: a statement that writes ends the reads' autocommit
    before it is sent, and a connection goes back to the pool as it came."""

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if conn.info.get(_BEGIN_ON_WRITE) and _writes(statement):
            adapter = conn.connection.dbapi_connection
            adapter.isolation_level = adapter._isolation_setting
            del conn.info[_BEGIN_ON_WRITE]

    @event.listens_for(engine.sync_engine, "checkin")
    def _reset(dbapi_connection: Any, record: Any) -> None:
        if record is not None and record.info.pop(_BEGIN_ON_WRITE, None):
            dbapi_connection.isolation_level = dbapi_connection._isolation_setting


def make_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, sync_session_class=_Session
    )
