"""`partnership.continuity_at_risk`: announced by a periodic task once per partnership and
election, when an election at which its steering group is at risk enters the next 12 months;
its payload is the row the funding alerts show that day (docs/continuity.md)."""

import uuid
from datetime import date
from typing import Any

from httpx import AsyncClient
from jsonschema import Draft202012Validator
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.services.continuity_notices import announce_continuity_at_risk
from tests.continuity.test_continuity import project_2022


async def announce(connection: AsyncConnection, on: date) -> int:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        announced = await announce_continuity_at_risk(session, on)
        await session.commit()
    return announced


async def at_risk_events(connection: AsyncConnection) -> list[Any]:
    rows = await connection.execute(
        text(
            "SELECT object_id, object_url, actor_type, payload FROM events "
            "WHERE type = 'partnership.continuity_at_risk' ORDER BY occurred_at, id"
        )
    )
    return list(rows)


async def test_a_partnership_at_risk_is_announced_once_when_the_election_enters_the_window(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    partnership, _, _ = await project_2022(client)
    # A year and more before the election: not yet in the window.
    assert await announce(connection, date(2021, 9, 1)) == 0
    day = date(2021, 9, 20)  # 2022-09-11 is within 365 days
    assert await announce(connection, day) == 1
    assert await announce(connection, day) == 0  # again (or by another worker): nothing
    assert await announce(connection, date(2022, 9, 1)) == 0  # still at risk: told once
    [event] = await at_risk_events(connection)
    assert (event.object_id, event.object_url, event.actor_type) == (
        uuid.UUID(partnership["id"]),
        f"/api/v1/partnerships/{partnership['id']}/continuity",
        "system",
    )
    alerts = await client.get("/api/v1/funding/alerts", params={"on": str(day), "within_days": 365})
    assert alerts.json()["continuity_at_risk"] == [event.payload]
    assert (event.payload["held_on"], event.payload["risk"]["level"]) == ("2022-09-11", "high")
    types = {t["name"]: t for t in (await client.get("/api/v1/event-types")).json()["items"]}
    assert types["partnership.continuity_at_risk"]["object_type"] == "partnerships"
    Draft202012Validator(
        types["partnership.continuity_at_risk"]["payload_schema"],
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    ).validate(event.payload)
