"""SQL statements per request of each benchmarked route, counted in-process on the same data."""

import os
import secrets
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager, nullcontext
from statistics import median
from typing import Any

import asyncpg
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.settings import Settings
from bench.wire import on_the_wire
from bench.writes import (
    Variant,
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


async def count_round_trips(url: str, token: str) -> dict[str, tuple[int, int, int]]:
    """Each route's round trips to PostgreSQL on the wire (bench/wire.py), ours and the twin's,
    in-process, for a request after two to warm up (the connection's prepared statements, the
    key kept in the process): the fewest of three, so that a round trip of the key cache's
    listener, which pings its connection every few seconds, is never taken for the route's.
    Per route: our round trips, the twin's, and the twin's statements (its other round trips
    are asyncpg's pool resetting each connection it is handed back)."""
    from bench import twin
    from bench.run import plain, routes_for, signed_in

    settings = Settings(
        database_url=url, rate_limit_anonymous_per_minute=1_000_000, worker_in_process=False
    )
    ours = create_app(settings, database_url=url)
    routes = await routes_for(url)
    counts: dict[str, list[Any]] = {name: [] for name in routes}
    previous = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = plain(url)  # the twin's pool reads it
    try:
        async with ours.router.lifespan_context(ours), twin.app.router.lifespan_context(twin.app):
            for app in (ours, twin.app):
                transport = ASGITransport(app=app)
                async with AsyncClient(transport=transport, base_url="http://bench") as http:
                    for name, path in routes.items():
                        headers = signed_in(path, token)
                        trips = []
                        for n in range(5):
                            with on_the_wire() as wire:
                                response = await http.get(path, headers=headers)
                                response.raise_for_status()
                            if n >= 2:
                                trips.append((wire.round_trips, wire.kinds().count("B")))
                        counts[name].append(min(trips))
    finally:
        if previous is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = previous
    return {name: (ours[0], twin[0], twin[1]) for name, (ours, twin) in counts.items()}


ROUNDS, BLOCK = 5, 20  # the in-process timing: rounds of a block of writes of each variant


async def count_writes(
    url: str, token: str, loads: dict[str, list[Write]]
) -> dict[str, dict[str, Any]]:
    """Each write variant's statements (those the app sends: the fan-out trigger's are the
    database's own) and the rows it adds to each table, for one write after one to warm up; and
    its CPU time a write in this process, which holds the client and the app, one write at a
    time: the median of `ROUNDS` blocks of `BLOCK` writes, the variants' blocks in turn, so that
    a busy machine weighs on each alike. The client's share is the same in every variant: the
    differences between variants are the app's."""
    from bench.run import plain

    settings = Settings(
        database_url=url,
        worker_in_process=False,
        webhook_allow_loopback=True,
        rate_limit_per_minute=100_000_000,
    )
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
                sent: dict[Variant, list[Write]] = {}
                for variant in variants(route):
                    sent[variant] = load
                    if variant.key == "fresh":
                        sent[variant] = with_fresh_keys(load)
                    elif variant.key == "replayed":
                        sent[variant] = await stored_keys(http, load, 1)
                    async with _as(variant, http, conn):
                        await _count_write(app, http, conn, sent[variant][0])  # warm up
                        counted = await _count_write(app, http, conn, sent[variant][0])
                    counts[row_name(route, variant)] = counted
                timings: dict[Variant, list[float]] = {variant: [] for variant in sent}
                for _ in range(ROUNDS):
                    for variant, writes in sent.items():
                        async with _as(variant, http, conn):
                            timings[variant].append(await _cpu_ms(http, writes))
                for variant, taken in timings.items():
                    counts[row_name(route, variant)]["cpu_ms"] = round(median(taken), 2)
    finally:
        await conn.close()
    return counts


@asynccontextmanager
async def _as(variant: Variant, http: AsyncClient, conn: asyncpg.Connection) -> AsyncIterator[None]:
    """The variant's conditions while the block runs: its subscription, or a part detached."""
    if variant.subscribed:
        await subscribe(http)
    try:
        with detached(variant.detached) if variant.detached else nullcontext():
            yield
    finally:
        if variant.subscribed:
            await unsubscribe(conn)


async def _cpu_ms(http: AsyncClient, writes: list[Write]) -> float:
    """CPU ms of this process a write, over `BLOCK` writes sent one after the other."""
    started = time.process_time()
    for n in range(BLOCK):
        path, headers, body = writes[n % len(writes)].request(secrets.token_hex(4))
        (await http.post(path, content=body, headers=headers)).raise_for_status()
    return (time.process_time() - started) * 1000 / BLOCK


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
