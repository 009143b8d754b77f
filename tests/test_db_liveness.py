"""A connection the database closed (a restart, a failover, an administrator's
`pg_terminate_backend`) is never handed to a request: the pool's checkout check throws it away
and opens another (app/db/engine.py). Without the check, the same sequence fails, which shows the
test can tell."""

import asyncio

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.engine import make_engine
from app.settings import Settings
from tests.conftest import plain_dsn


async def backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int(await conn.scalar(text("SELECT pg_backend_pid()")))


async def terminate(database_url: str, pid: int) -> None:
    admin = await asyncpg.connect(plain_dsn(database_url))
    try:
        assert await admin.fetchval("SELECT pg_terminate_backend($1, 5000)", pid)
    finally:
        await admin.close()
    await asyncio.sleep(0.2)  # the closed socket reaches the event loop


def one_connection(settings: Settings, **changes: object) -> Settings:
    return settings.model_copy(update={"db_pool_size": 1, "db_max_overflow": 0, **changes})


# 0: every checkout pings; 3600: none does, so only the closed socket can tell.
@pytest.mark.parametrize("ping_after_idle_s", [0.0, 3600.0])
async def test_a_connection_the_server_closed_is_replaced_on_checkout(
    database_url: str, settings: Settings, ping_after_idle_s: float
) -> None:
    engine = make_engine(
        database_url, one_connection(settings, db_pool_ping_after_idle_s=ping_after_idle_s)
    )
    try:
        first = await backend_pid(engine)
        assert await backend_pid(engine) == first  # the pool keeps its one connection
        await terminate(database_url, first)
        assert await backend_pid(engine) != first
    finally:
        await engine.dispose()


async def test_without_the_check_a_closed_connection_fails_the_request(
    database_url: str, settings: Settings
) -> None:
    engine = make_engine(database_url, one_connection(settings, db_pool_pre_ping=False))
    try:
        await terminate(database_url, await backend_pid(engine))
        with pytest.raises(DBAPIError):
            await backend_pid(engine)
    finally:
        await engine.dispose()
