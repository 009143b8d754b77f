"""Round trips to PostgreSQL on the wire, on every read route of the OpenAPI document (beside
tests/test_query_counts.py, which counts statements): what a request sends that no statement
count shows (a statement prepared again, a ping, a lookup of the caller's key) shows here.
Counted by bench/wire.py (a write to a PostgreSQL socket is a round trip); never timed.

With the caller's key kept in the process (as in a served app whose listener is connected:
app/services/access/principals.py), a read's round trips, after one to warm up, are exactly the
statements its route sends, every one prepared once per connection: no key lookup, no ping, no
statement prepared again. A served app adds its BEGIN and COMMIT (`make bench` counts them, and
the twin's, on the wire: bench/README.md).
"""

from collections.abc import Iterator
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker

from bench.wire import on_the_wire
from tests.test_query_counts import (
    MOST_STATEMENTS,
    cost,
    demo,
    expansions,
    fill,
    reads,
    with_query,
)

__all__ = ["demo"]  # the fixture, shared with the statement counts

KEY_LOOKUP = "WHERE api_keys.prefix ="


@pytest.fixture
def served(demo: AsyncClient, connection: AsyncConnection) -> Iterator[None]:
    """The app as served: it keeps verified keys (as when its listener is connected), and its
    sessions join the test's transaction without a savepoint of their own. A savepoint's name
    changes with every request, so each would be prepared anew (two round trips, and statements
    pushed out of the connection's cache of prepared ones, each closed with one more): the
    suite's ceremony, not a served request's, whose BEGIN and COMMIT are one simple query each."""
    app = demo._transport.app  # type: ignore[attr-defined]
    joined = app.state.sessionmaker
    app.state.sessionmaker = async_sessionmaker(
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="rollback_only",
    )
    app.state.principals.connected(True)
    yield
    app.state.principals.connected(False)
    app.state.sessionmaker = joined


async def wire(
    connection: AsyncConnection, client: AsyncClient, path: str
) -> tuple[int, list[str]]:
    """The round trips of one GET after one to warm up, and the statements SQLAlchemy sent."""
    assert (await client.get(path)).status_code == 200, path
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", record)
    try:
        with on_the_wire() as counted:
            response = await client.get(path)
    finally:
        event.remove(sync, "before_cursor_execute", record)
    assert response.status_code == 200, (path, response.text)
    return counted.round_trips, seen


async def test_every_read_sends_its_statements_and_nothing_else(
    demo: AsyncClient, served: None, connection: AsyncConnection
) -> None:
    routes = reads(demo)
    assert len(routes) >= 60
    extra = {}
    for template in routes:
        for path in (await fill(demo, template))[:2]:
            for expand in expansions(demo, template)[:2]:
                trips, statements = await wire(connection, demo, with_query(path, expand))
                assert not any(KEY_LOOKUP in s for s in statements), path
                if trips != len(statements):
                    extra[with_query(path, expand)] = (trips, len(statements))
                # the statement counts' bound, less the savepoint, its release and the key
                assert trips <= MOST_STATEMENTS - 3 + cost(expand), (path, expand, trips)
    assert not extra, extra


# Reads answered in one statement (bench/README.md, "One statement per answer"): the rows with
# what their answers show beside them (partner-side parties, hosts' sides and participants,
# budget lines, reports filed, implementers), aggregated in the query, the scope in it too.
ONE_STATEMENT = [
    "/api/v1/partnerships",
    "/api/v1/partnerships/{partnership_id}",
    "/api/v1/partnerships/{partnership_id}/meetings",
    "/api/v1/partnerships/{partnership_id}/meetings/{meeting_id}",
    "/api/v1/applications",
    "/api/v1/applications/{application_id}",
    "/api/v1/grants",
    "/api/v1/grants/{grant_id}",
    "/api/v1/training-programmes",
    "/api/v1/training-programmes/{programme_id}",
]


async def test_a_read_and_what_its_answer_shows_beside_it_are_one_statement(
    demo: AsyncClient, served: None, connection: AsyncConnection
) -> None:
    for template in ONE_STATEMENT:
        paths = await fill(demo, template)
        assert paths, template
        parts = template.endswith("}/meetings")  # every partnership's, with meetings or none
        for path in paths if parts else paths[:2]:
            trips, statements = await wire(connection, demo, path)
            # An empty page of a partnership's meetings reads the partnership too: a 404
            # outside the caller's scope, else the empty page.
            empty = parts and not (await demo.get(path)).json()["items"]
            assert (trips, len(statements)) == ((2, 2) if empty else (1, 1)), (path, statements)
