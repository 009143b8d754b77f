"""SQL statements per request of each benchmarked route, counted in-process on the same data."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from app.main import create_app
from app.settings import Settings


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
