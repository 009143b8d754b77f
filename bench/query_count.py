"""SQL statements per request of each benchmarked route, counted in-process on the same data."""

import secrets
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import asyncpg
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.settings import Settings
from bench.writes import (
    Write,
    detached,
    row_name,
    stored_keys,
    subscribe,
    table_rows,
    unsubscribe,
    variants,
    with_fresh_keys,
)


@contextmanager
def counting(engine: AsyncEngine) -> Iterator[list[str]]:
    """Collect every statement the engine sends while the block runs."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


async def count_queries(url: str, token: str) -> dict[str, int]:
    from bench.run import routes_for, signed_in  # the same paths as the load runs

    settings = Settings(database_url=url, rate_limit_anonymous_per_minute=1_000_000)
    app = create_app(settings, database_url=url)
    counts = {}
    async with app.router.lifespan_context(app):
        transport = ASGITransport(app=app)
        async with AsyncClient(transport=transport, base_url="http://bench") as http:
            for name, path in (await routes_for(url)).items():
                headers = signed_in(path, token)
                await http.get(path, headers=headers)  # warm: the pool's first connection
                with counting(app.state.engine) as statements:
                    response = await http.get(path, headers=headers)
                    response.raise_for_status()
                counts[name] = len(statements)
    return counts


async def count_writes(
    url: str, token: str, loads: dict[str, list[Write]]
) -> dict[str, dict[str, Any]]:
    """Each write variant's statements (those the app sends: the fan-out trigger's are the
    database's own) and the rows it adds to each table, for one write after one to warm up."""
    from bench.run import plain

    settings = Settings(database_url=url, worker_in_process=False, webhook_allow_loopback=True)
    app = create_app(settings, database_url=url)
    counts: dict[str, dict[str, Any]] = {}
    conn = await asyncpg.connect(plain(url))
    signed = {"Authorization": f"Bearer {token}"}
    transport = ASGITransport(app=app)
    try:
        async with (
            app.router.lifespan_context(app),
            AsyncClient(transport=transport, base_url="http://bench", headers=signed) as http,
        ):
            for route, load in loads.items():
                for variant in variants(route):
                    sent = load
                    if variant.key == "fresh":
                        sent = with_fresh_keys(load)
                    elif variant.key == "replayed":
                        sent = await stored_keys(http, load, 1)
                    if variant.subscribed:
                        await subscribe(http)
                    with detached(variant.detached) if variant.detached else nullcontext():
                        await _count_write(app, http, conn, sent[0])  # warm up
                        counted = await _count_write(app, http, conn, sent[0])
                    if variant.subscribed:
                        await unsubscribe(conn)
                    counts[row_name(route, variant)] = counted
    finally:
        await conn.close()
    return counts


async def _count_write(
    app: Any, http: AsyncClient, conn: asyncpg.Connection, write: Write
) -> dict[str, Any]:
    path, headers, body = write.request(secrets.token_hex(4))
    before = await table_rows(conn)
    with counting(app.state.engine) as statements:
        response = await http.post(path, content=body, headers=headers)
        response.raise_for_status()
    after = await table_rows(conn)
    added = {table: after[table] - before[table] for table in after}
    return {"statements": len(statements), "rows": {t: n for t, n in added.items() if n}}
