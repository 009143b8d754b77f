"""Migrations build the whole schema: up from empty, down to nothing, up again, in agreement with
the models, and safely when several replicas migrate at once."""

import asyncio
import os
import re
import sys
from collections.abc import AsyncIterator

import asyncpg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import CheckConstraint, text
from sqlalchemy.ext.asyncio import create_async_engine

from app.db.migrations import (
    MIGRATION_LOCK_KEY,
    downgrade_to_base,
    head_revision,
    upgrade_to_head,
)
from app.models import metadata
from app.rules.partnerships import PROJECT_MAX_YEARS
from tests.conftest import create_database, drop_database, plain_dsn, worker_suffix


@pytest.fixture
async def scratch_url(server_url: str) -> AsyncIterator[str]:
    name = f"partnership_migrations{worker_suffix()}"
    url = await create_database(server_url, name)
    yield url
    await drop_database(server_url, name)


async def tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.scalars(
                text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            )
            return set(rows)
    finally:
        await engine.dispose()


async def model_differences(url: str) -> list[object]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(
                lambda sync: compare_metadata(
                    MigrationContext.configure(
                        sync, opts={"compare_type": True, "compare_server_default": True}
                    ),
                    metadata,
                )
            )
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade_and_no_drift(scratch_url: str) -> None:
    assert await tables(scratch_url) == set()
    await asyncio.to_thread(upgrade_to_head, scratch_url)
    assert await tables(scratch_url) == {*metadata.tables, "alembic_version"}
    await asyncio.to_thread(downgrade_to_base, scratch_url)
    assert await tables(scratch_url) == {"alembic_version"}
    await asyncio.to_thread(upgrade_to_head, scratch_url)
    assert await model_differences(scratch_url) == []


async def check_constraint_values(url: str) -> dict[str, set[str]]:
    """The quoted values each CHECK constraint of the migrated schema allows, by name."""
    engine = create_async_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'c'"
                )
            )
            return {name: set(re.findall(r"'([^']*)'", sql)) for name, sql in rows}
    finally:
        await engine.dispose()


async def test_check_constraints_match_the_models(database_url: str) -> None:
    # Autogenerate does not compare CHECK constraints; the enums behind them must not drift.
    migrated = await check_constraint_values(database_url)
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, CheckConstraint):
                name = str(constraint.name)
                modelled = set(re.findall(r"'([^']*)'", str(constraint.sqltext)))
                assert migrated[name] == modelled, name


async def migrate_in_a_process(url: str) -> int:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "app.cli",
        "migrate",
        env={**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"},
    )
    return await asyncio.wait_for(process.wait(), timeout=120)


async def test_replicas_migrating_at_once_do_not_race(scratch_url: str) -> None:
    # Three processes, as three replicas would be, start while the migration lock is held: none
    # may touch the schema until it is released, then they take turns and all succeed.
    holder = await asyncpg.connect(plain_dsn(scratch_url))
    try:
        await holder.execute("SELECT pg_advisory_lock($1)", MIGRATION_LOCK_KEY)
        replicas = [asyncio.create_task(migrate_in_a_process(scratch_url)) for _ in range(3)]
        await asyncio.sleep(3)
        assert not any(r.done() for r in replicas)
        assert await tables(scratch_url) == set()
        await holder.execute("SELECT pg_advisory_unlock($1)", MIGRATION_LOCK_KEY)
        codes = await asyncio.gather(*replicas)
    finally:
        await holder.close()
    assert codes == [0, 0, 0]
    engine = create_async_engine(scratch_url)
    try:
        async with engine.connect() as conn:
            version = await conn.scalar(text("SELECT version_num FROM alembic_version"))
            municipalities = await conn.scalar(
                text("SELECT count(*) FROM organisations WHERE type = 'municipality'")
            )
    finally:
        await engine.dispose()
    assert version == head_revision()
    assert municipalities == 290


async def test_the_database_states_a_projects_years_as_the_rule_does(database_url: str) -> None:
    # Budget lines and reports name a project year; the database refuses a year past the longest
    # project (PROJECT_MAX_YEARS) on its own, so the two must say the same.
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE contype = 'c' AND conname LIKE '%\\_year'"
                )
            )
            defs = {str(table): str(sql) for table, sql in rows}
    finally:
        await engine.dispose()
    assert set(defs) == {"application_budget_lines", "grant_budget_lines", "grant_reports"}
    for table, sql in defs.items():
        assert sql == f"CHECK (((year >= 1) AND (year <= {PROJECT_MAX_YEARS})))", table
