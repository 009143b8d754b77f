"""A read-only request's statements are sent without BEGIN and COMMIT until one writes or locks,
which opens the transaction the rest of the request runs in (`reads_first`, app/db/engine.py).

`now()` is the time its transaction began: the same for two statements of one transaction, and
not for two sent outside one."""

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.db.engine import make_engine, make_sessionmaker, reads_first
from app.settings import Settings
from tests.conftest import plain_dsn

NOW = text("SELECT now()")
LOCK = 160_516  # an advisory lock no other test takes


async def one_transaction(session: AsyncSession) -> bool:
    """Whether two statements, one after the other, run in one transaction."""
    return bool(await session.scalar(NOW) == await session.scalar(NOW))


async def lock_held(database_url: str) -> bool:
    other = await asyncpg.connect(plain_dsn(database_url))
    try:
        return bool(
            await other.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = $1", LOCK
            )
        )
    finally:
        await other.close()


async def test_reads_run_alone_until_a_statement_locks(
    database_url: str, settings: Settings
) -> None:
    engine = make_engine(database_url, settings.model_copy(update={"db_pool_size": 1}))
    sessions = make_sessionmaker(engine)
    try:
        async with sessions() as session:
            reads_first(session)
            assert not await one_transaction(session)
            await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": LOCK})
            assert await one_transaction(session)  # in the transaction the lock opened
            assert await lock_held(database_url)  # held until the commit, not released at once
            await session.commit()
        assert not await lock_held(database_url)
        async with sessions() as session:  # the pool's one connection, back as it came
            assert await one_transaction(session)
    finally:
        await engine.dispose()


async def test_without_it_a_session_reads_in_one_transaction(
    database_url: str, settings: Settings
) -> None:
    engine = make_engine(database_url, settings)
    try:
        async with make_sessionmaker(engine)() as session:
            assert await one_transaction(session)
    finally:
        await engine.dispose()


async def test_a_write_and_what_follows_it_are_one_transaction(
    database_url: str, settings: Settings
) -> None:
    engine = make_engine(database_url, settings)
    try:
        async with make_sessionmaker(engine)() as session:
            reads_first(session)
            assert not await one_transaction(session)
            await session.execute(text("CREATE TEMPORARY TABLE reads_first_probe (x int)"))
            await session.execute(text("INSERT INTO reads_first_probe VALUES (1)"))
            assert await session.scalar(text("SELECT count(*) FROM reads_first_probe")) == 1
            await session.rollback()  # undoes the table with its row: they were one transaction
            assert (
                await session.scalar(text("SELECT to_regclass('pg_temp.reads_first_probe')"))
                is None
            )
    finally:
        await engine.dispose()
