"""The feed's order with real commits: an event is listed after every event that committed
before it, so a client pulling `after` its cursor never skips one that commits late. These
tests commit, concurrently, on a database of their own (the others roll back)."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from app.core.principal import system_principal
from app.db.engine import make_engine, make_sessionmaker
from app.db.migrations import upgrade_to_head
from app.main import create_app
from app.models.enums import Role
from app.schemas.access import ApiKeyCreate
from app.services.access.api_keys import create_api_key
from app.settings import Settings
from tests.conftest import create_database, drop_database
from tests.factories import create_organisation, create_partnership

EVENTS = "/api/v1/events"


@pytest.fixture(scope="module")
async def scratch(server_url: str) -> AsyncIterator[str]:
    name = f"partnership_pull_{os.getpid()}"
    url = await create_database(server_url, name)
    await asyncio.to_thread(upgrade_to_head, url)
    yield url
    await drop_database(server_url, name)


@pytest.fixture
async def engine(scratch: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(scratch, settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def admin(engine: AsyncEngine, settings: Settings) -> AsyncIterator[AsyncClient]:
    """An admin's client of an app on the scratch database: each request commits."""
    app = create_app(settings.model_copy(update={"worker_in_process": False}))
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    async with AsyncSession(engine) as session:
        session.info["principal"] = system_principal("tests")
        data = ApiKeyCreate(name="pull admin", role=Role.admin, organisation_ids=[])
        _, token = await create_api_key(session, session.info["principal"], data)
        await session.commit()
    async with AsyncClient(
        transport=ASGITransport(app=app, raise_app_exceptions=False),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        yield http


def params_after(after: str | None) -> dict[str, str | int]:
    return {"limit": 100, **({"after": after} if after else {})}


async def end_of_feed(client: AsyncClient) -> str | None:
    after: str | None = None
    while True:
        page = (await client.get(EVENTS, params=params_after(after))).json()
        after = page["sync_cursor"]
        if page["next_cursor"] is None:
            return after


async def pull(client: AsyncClient, after: str | None) -> tuple[list[str], str | None]:
    """The ids of the events after `after` (one page is enough here), and where they end."""
    response = await client.get(EVENTS, params=params_after(after))
    assert response.status_code == 200, response.text
    page = response.json()
    assert page["next_cursor"] is None
    return [e["id"] for e in page["items"]], page["sync_cursor"]


async def write_event(conn: AsyncConnection) -> str:
    """An event row, as the outbox writes one, in `conn`'s open transaction."""
    event_id = uuid.uuid4()
    await conn.execute(
        text(
            "INSERT INTO events (id, type, occurred_at, object_type, object_id, object_url, "
            "actor_type, actor_id, payload) VALUES (:id, 'partnership.created', now(), "
            "'partnerships', :object, '/api/v1/partnerships/x', 'system', 'system:tests', "
            "CAST('{}' AS jsonb))"
        ),
        {"id": event_id, "object": uuid.uuid4()},
    )
    return str(event_id)


async def created_event(admin: AsyncClient, engine: AsyncEngine) -> tuple[str, dict[str, Any]]:
    """A partnership made through the API (committed), and its event's id."""
    partner = await create_organisation(admin, name=f"Order {uuid.uuid4().hex[:6]}")
    partnership = await create_partnership(admin, partner["id"])
    async with engine.connect() as conn:
        event_id = await conn.scalar(
            text("SELECT id::text FROM events WHERE object_id = :id"), {"id": partnership["id"]}
        )
    return str(event_id), partnership


async def test_pulling_after_a_cursor_returns_exactly_the_events_committed_since(
    admin: AsyncClient, engine: AsyncEngine
) -> None:
    start = await end_of_feed(admin)
    first, _ = await created_event(admin, engine)
    seen, cursor = await pull(admin, start)
    assert seen == [first]
    second, _ = await created_event(admin, engine)
    third, _ = await created_event(admin, engine)
    seen, cursor = await pull(admin, cursor)
    assert seen == [second, third]
    assert await pull(admin, cursor) == ([], cursor)


async def test_an_event_that_commits_late_is_listed_after_the_cursor_that_passed_it(
    admin: AsyncClient, engine: AsyncEngine
) -> None:
    """A transaction that wrote its event first but commits last: a cursor taken between the
    two commits still gets it (with ids in order of writing, it would be skipped)."""
    start = await end_of_feed(admin)
    async with engine.connect() as slow:
        await slow.begin()
        late = await write_event(slow)  # written first ...
        early, _ = await created_event(admin, engine)  # ... another commits meanwhile
        seen, cursor = await pull(admin, start)
        assert seen == [early]  # the open transaction's event is not there yet
        await slow.commit()
    seen, _ = await pull(admin, cursor)
    assert seen == [late]


async def test_a_commit_waits_for_the_one_taking_positions_before_it(
    admin: AsyncClient, engine: AsyncEngine
) -> None:
    """Positions are taken under a lock held until the commit is visible: a second transaction
    commits only after the first, so its events never show before the first's."""
    start = await end_of_feed(admin)
    async with engine.connect() as first, engine.connect() as second:
        await first.begin()
        first_id = await write_event(first)
        # As its commit does: the trigger runs, takes the lock and the position.
        await first.execute(text("SET CONSTRAINTS events_position IMMEDIATE"))
        await second.begin()
        second_id = await write_event(second)
        committing = asyncio.create_task(second.commit())
        await asyncio.sleep(0.3)
        assert not committing.done()  # waiting for the first to end
        assert (await pull(admin, start))[0] == []
        await first.commit()
        await asyncio.wait_for(committing, 5)
    seen, _ = await pull(admin, start)
    assert seen == [first_id, second_id]
