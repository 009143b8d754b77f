"""Pulling events (`GET /api/v1/events`), through HTTP in the test's rolled-back transaction.

An event takes its position in the feed as its transaction commits (migration 0022), and these
tests never commit: `positions_as_written` makes the commit trigger run as each event is written
instead, which is what a commit would do for it. The guarantees that need real commits and
concurrent transactions are in `test_pull_order.py`."""

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from app.services.events.delivery import envelope
from tests.conftest import api_key, authorised
from tests.factories import create_organisation, create_partnership, create_person

EVENTS = "/api/v1/events"
PUBLIC_TARGET = "https://93.184.215.14/hooks"


async def positions_as_written(connection: AsyncConnection) -> None:
    """Events of this (never committed) transaction take their positions as they are written."""
    await connection.execute(text("SET CONSTRAINTS events_position IMMEDIATE"))


@pytest.fixture(autouse=True)
async def _positions(connection: AsyncConnection) -> None:
    await positions_as_written(connection)


async def pull(
    client: AsyncClient, after: str | None = None, **params: Any
) -> tuple[list[Any], str | None]:
    """Every event after `after` (page by page), and the cursor to pull from later."""
    items: list[Any] = []
    for _ in range(50):
        query = {**params, **({"after": after} if after else {})}
        response = await client.get(EVENTS, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        items += page["items"]
        after = page["sync_cursor"]
        if page["next_cursor"] is None:
            return items, after
        assert page["next_cursor"] == page["sync_cursor"]
    raise AssertionError("the feed did not end")


def kinds(items: list[Any]) -> list[tuple[str, str]]:
    return [(e["type"], e["object"]["id"]) for e in items]


async def meeting_of(client: AsyncClient, partnership_id: str, host_id: str) -> dict[str, Any]:
    made = await client.post(
        f"/api/v1/partnerships/{partnership_id}/meetings",
        json={
            "kind": "visit",
            "host_organisation_id": host_id,
            "place": "Town hall",
            "start_date": "2020-04-20",
            "end_date": "2020-04-24",
        },
    )
    assert made.status_code == 201, made.text
    return dict(made.json())


async def test_pulling_lists_each_event_once_in_order_in_the_webhook_envelope(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    _, start = await pull(client)
    partner = await create_organisation(client, name="Pull Council")
    first = await create_partnership(client, partner["id"], title="First pulled")
    published = await client.post(f"/api/v1/partnerships/{first['id']}/publish")
    assert published.status_code == 200, published.text
    second = await create_partnership(client, partner["id"], title="Second pulled")
    items, end = await pull(client, start, limit=1)  # a page per event
    assert kinds(items) == [
        ("partnership.created", first["id"]),
        ("partnership.published", first["id"]),
        ("partnership.created", second["id"]),
    ]
    # Each item is what a webhook delivery of the event POSTs.
    rows = await connection.execute(
        text("SELECT * FROM events WHERE object_id IN (:a, :b) ORDER BY position"),
        {"a": first["id"], "b": second["id"]},
    )
    assert items == [envelope(row, None) for row in rows]
    assert items[0]["data"]["title"] == "First pulled"
    assert items[0]["actor"]["type"] == "api_key"
    # Nothing new: an empty page that hands the same cursor back.
    empty = (await client.get(EVENTS, params={"after": end})).json()
    assert empty == {"items": [], "next_cursor": None, "sync_cursor": end}
    # What commits later comes after that cursor, and only it.
    third = await create_partnership(client, partner["id"], title="Third pulled")
    later, _ = await pull(client, end)
    assert kinds(later) == [("partnership.created", third["id"])]


async def test_a_coordinator_never_sees_another_organisations_events(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    _, start = await pull(client)
    mine = await create_organisation(client, name="Coordinated Council")
    theirs = await create_organisation(client, name="Other Council")
    my_partnership = await create_partnership(client, mine["id"], title="Mine")
    their_partnership = await create_partnership(client, theirs["id"], title="Theirs")
    my_person = await create_person(client, mine["id"], given_name="Mira")
    their_person = await create_person(client, theirs["id"], given_name="Tobias")
    for person in (my_person, their_person):
        erased = await client.post(f"/api/v1/people/{person['id']}/erase")
        assert erased.status_code == 200, erased.text
    everything, _ = await pull(client, start)
    assert kinds(everything) == [
        ("partnership.created", my_partnership["id"]),
        ("partnership.created", their_partnership["id"]),
        ("person.erased", my_person["id"]),
        ("person.erased", their_person["id"]),
    ]
    token = await api_key(connection, Role.coordinator, [uuid.UUID(mine["id"])])
    async with authorised(anonymous, token) as coordinator:
        seen, end = await pull(coordinator, start)
        # Another organisation's events later: none shown, and the cursor moves past them, so
        # the next pull does not walk them again.
        later = await create_partnership(client, theirs["id"], title="Theirs later")
        nothing, past = await pull(coordinator, end)
        assert nothing == []
        assert past != end
        assert await pull(client, past) == ([], past)
        assert kinds((await pull(client, end))[0]) == [("partnership.created", later["id"])]
    assert kinds(seen) == [
        ("partnership.created", my_partnership["id"]),
        ("person.erased", my_person["id"]),
    ]
    # The erasure names no one: the person's id, organisation and time of erasure only.
    erasure = seen[1]
    assert set(erasure["data"]) == {"id", "organisation_id", "erased_at"}
    assert "Mira" not in str(erasure) and "Testberg" not in str(erasure)
    # A viewer of the other organisation sees its events only, through the same cursor.
    token = await api_key(connection, Role.viewer, [uuid.UUID(theirs["id"])])
    async with authorised(anonymous, token) as viewer:
        seen, _ = await pull(viewer, start)
    assert kinds(seen) == [
        ("partnership.created", their_partnership["id"]),
        ("person.erased", their_person["id"]),
        ("partnership.created", later["id"]),
    ]


async def test_deletions_appear(client: AsyncClient) -> None:
    _, start = await pull(client)
    partner = await create_organisation(client, name="Deleting Council")
    partnership = await create_partnership(client, partner["id"])
    meeting = await meeting_of(client, partnership["id"], partner["id"])
    person = await create_person(client, partner["id"], given_name="Dagny")
    for path in (
        f"/api/v1/partnerships/{partnership['id']}/meetings/{meeting['id']}",
        f"/api/v1/people/{person['id']}",
    ):
        etag = (await client.get(path)).headers["etag"]
        deleted = await client.delete(path, headers={"If-Match": etag})
        assert deleted.status_code == 204, deleted.text
    items, _ = await pull(client, start, type=["meeting.deleted", "person.deleted"])
    assert kinds(items) == [("meeting.deleted", meeting["id"]), ("person.deleted", person["id"])]
    meeting_gone, person_gone = items
    assert meeting_gone["data"]["partnership_id"] == partnership["id"]
    assert meeting_gone["data"]["status"] == "planned"
    assert person_gone["data"] == {
        "id": person["id"],
        "organisation_id": partner["id"],
        "erased_at": None,
    }
    assert (await client.get(meeting_gone["object"]["url"])).status_code == 404


async def test_types_filter_the_feed_and_unknown_ones_are_refused(client: AsyncClient) -> None:
    _, start = await pull(client)
    partner = await create_organisation(client, name="Filtered Council")
    partnership = await create_partnership(client, partner["id"])
    assert (
        await client.post(f"/api/v1/partnerships/{partnership['id']}/publish")
    ).status_code == 200
    only, _ = await pull(client, start, type=["partnership.published"])
    assert kinds(only) == [("partnership.published", partnership["id"])]
    both, _ = await pull(client, start, type=["partnership.published", "partnership.created"])
    assert len(both) == 2
    refused = await client.get(EVENTS, params={"type": ["partnership.created", "ping"]})
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["pointer"] == "type"
    assert "ping" in refused.json()["errors"][0]["message"]


async def test_a_ping_is_not_in_the_feed(app: Any, client: AsyncClient) -> None:
    _, start = await pull(client)
    made = await client.post(
        "/api/v1/webhook-subscriptions", json={"url": PUBLIC_TARGET, "active": True}
    )
    assert made.status_code == 201, made.text
    pinged = await client.post(f"/api/v1/webhook-subscriptions/{made.json()['id']}/ping")
    assert pinged.status_code == 202, pinged.text
    items, _ = await pull(client, start)
    assert items == []


async def test_a_cursor_not_of_this_feed_is_refused(client: AsyncClient) -> None:
    countries = (await client.get("/api/v1/countries", params={"limit": 1})).json()
    for after in (countries["next_cursor"], "not-a-cursor"):
        response = await client.get(EVENTS, params={"after": after})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid-cursor"


async def test_anonymous_callers_get_401(anonymous: AsyncClient) -> None:
    assert (await anonymous.get(EVENTS)).status_code == 401
