"""Sorted lists at scale (issue 25): a deep page (90 % down the list) and the page back from it,
in each order, and what `with_total` costs, measured in-process on the service functions the
routes call (no HTTP: the HTTP cost is the rest of bench/run.py's figures, the same for every
order). `.venv/bin/python -m bench.sorting --scales 1000,1000000` makes (or reuses) databases
`<prefix>_<scale>` with bench/generate.py's rows and prints a table; bench/README.md, "Sorted
lists", holds the figures and why the paging is hand-written.
"""

import argparse
import asyncio
import statistics
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

import asyncpg
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from app.core.paging import PageParams, Sorting, encode_cursor
from app.core.principal import system_principal
from app.db.migrations import upgrade_to_head
from app.services import organisations
from app.services.partnerships import partnerships
from bench.generate import backfill, generate
from bench.run import plain, with_db

REPEAT = 30


async def prepare(server: str, name: str, scale: int) -> str:
    admin = await asyncpg.connect(plain(with_db(server, "postgres")))
    try:
        if not await admin.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    url = with_db(server, name)
    await asyncio.to_thread(upgrade_to_head, url)
    conn = await asyncpg.connect(plain(url))
    try:
        have = await conn.fetchval("SELECT count(*) FROM organisations WHERE NOT is_reference")
    finally:
        await conn.close()
    if have == scale:
        await backfill(plain(url), scale)
    elif not have:
        started = time.perf_counter()
        await generate(plain(url), scale)
        print(f"  generated {scale} organisations in {time.perf_counter() - started:.1f} s")
    conn = await asyncpg.connect(plain(url))
    try:
        await conn.execute("ANALYZE")
    finally:
        await conn.close()
    return url


def _sort_name(sorting: Sorting, sort: tuple[str, ...]) -> str:
    keys = sorting.keys(sort)
    return sorting.name + ":" + ",".join(("-" if d else "") + n for n, d in keys)


async def _deep_cursor(session: AsyncSession, sorting: Sorting, sort: tuple[str, ...]) -> str:
    """The cursor 90 % down the whole list in that order (found once, with OFFSET)."""
    keys = sorting.keys(sort)
    columns = [sorting.fields[n] for n, _ in keys] + [sorting.unique]
    descending = [d for _, d in keys] + [keys[-1][1]]
    total = await session.scalar(sa.select(sa.func.count()).select_from(sorting.unique.table))
    order = [c.desc() if d else c.asc() for c, d in zip(columns, descending, strict=True)]
    row = (
        await session.execute(
            sa.select(*columns).order_by(*order).offset(int((total or 0) * 0.9)).limit(1)
        )
    ).one()
    return encode_cursor(_sort_name(sorting, sort), list(row), "a")


async def _timed(call: Callable[[], Awaitable[Any]]) -> tuple[float, float]:
    times = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        await call()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.99) - 1 if len(times) > 1 else 0]


LISTS: dict[str, tuple[Sorting, list[tuple[str, ...]]]] = {
    "organisations": (
        organisations.SORTING,
        [("name",), ("-name",), ("-created_at",), ("updated_at",), ("name", "-created_at")],
    ),
    "partnerships": (
        partnerships.SORTING,
        [("title",), ("-title",), ("-updated_at",), ("title", "-created_at")],
    ),
}


async def bench_scale(url: str, scale: int) -> list[dict[str, Any]]:
    engine = create_async_engine(url)
    rows = []
    principal = system_principal("bench")
    try:
        async with AsyncSession(engine) as session:
            for name, (sorting, sorts) in LISTS.items():

                def page(params: PageParams, name: str = name) -> Awaitable[Any]:
                    if name == "organisations":
                        everyone = organisations.OrganisationFilters()
                        return organisations.list_organisations(session, everyone, params)
                    every = partnerships.PartnershipFilters()
                    return partnerships.list_partnerships(session, principal, every, params)

                for sort in sorts:
                    cursor = await _deep_cursor(session, sorting, sort)
                    deep = PageParams(limit=20, cursor=cursor, sort=sort)
                    result = await page(deep)
                    back = PageParams(limit=20, cursor=result[-1].prev_cursor, sort=sort)
                    first = await _timed(partial(page, PageParams(20, None, sort)))
                    deep_ms = await _timed(partial(page, deep))
                    back_ms = await _timed(partial(page, back))
                    rows.append(
                        {
                            "scale": scale,
                            "list": name,
                            "sort": ",".join(sort),
                            "first": first,
                            "deep": deep_ms,
                            "back": back_ms,
                        }
                    )
                total = await _timed(partial(page, PageParams(20, None, sorts[0], with_total=True)))
                plain_first = await _timed(partial(page, PageParams(20, None, sorts[0])))
                rows.append(
                    {
                        "scale": scale,
                        "list": name,
                        "sort": "with_total=true",
                        "first": total,
                        "deep": plain_first,
                        "back": (0.0, 0.0),
                    }
                )
    finally:
        await engine.dispose()
    return rows


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", default="1000,1000000")
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--prefix", default="bench_sorting")
    args = parser.parse_args()
    print("scale | list | sort | first page p50/p99 ms | deep page | page back")
    for scale in (int(s) for s in args.scales.split(",")):
        url = await prepare(args.server, f"{args.prefix}_{scale}", scale)
        async_url = url.replace("postgresql://", "postgresql+asyncpg://", 1)
        for r in await bench_scale(async_url, scale):
            cells = [f"{r[k][0]:.1f} / {r[k][1]:.1f}" for k in ("first", "deep", "back")]
            print(f"{r['scale']} | {r['list']} | {r['sort']} | " + " | ".join(cells), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
