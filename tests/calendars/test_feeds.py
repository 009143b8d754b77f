"""The iCalendar feeds as calendar apps read them (docs/calendars.md): every feed parses with the
`icalendar` package the feeds are built with and with ical.js, an independent parser, and both
read the same events; stable UIDs, SEQUENCE on changes, STATUS:CANCELLED, whole days, the
calendar's time zone. A feed served before is read without a lock or a write, and a meeting is
never both served and deleted."""

import asyncio
from datetime import date
from typing import Any

import pytest
from httpx import AsyncClient
from icalendar import Calendar
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from app.exports import calendars
from tests.calendars import ical_js
from tests.calendars.test_subscriptions import read_only, subscribed
from tests.conventions.test_idempotency import live, live_database  # noqa: F401
from tests.factories import PARTNERSHIPS_PATH
from tests.partnerships.test_meetings import cancel
from tests.partnerships.test_phases import meeting, partnership
from tests.test_networks import add, gender_network
from tests.test_query_counts import MOST_STATEMENTS, statements


def with_icalendar(feed: bytes) -> dict[str, Any]:
    """What the `icalendar` package reads of a feed, in the form ical_js.parse answers."""
    calendar = Calendar.from_ical(feed)

    def text_of(value: Any) -> str | None:
        return None if value is None else str(value)

    events = []
    for event in calendar.walk("VEVENT"):
        start, end = event.decoded("dtstart"), event.decoded("dtend")
        events.append(
            {
                "uid": str(event["uid"]),
                "summary": str(event["summary"]),
                "location": text_of(event.get("location")),
                "description": text_of(event.get("description")),
                "start": start.isoformat(),
                "end": end.isoformat(),
                "all_day": type(start) is date and type(end) is date,
                "sequence": int(event.decoded("sequence")),
                "status": text_of(event.get("status")),
                "stamp": event.decoded("dtstamp").strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    interval = calendar.get("refresh-interval")
    return {
        "version": text_of(calendar.get("version")),
        "name": text_of(calendar.get("x-wr-calname")),
        "time_zone": text_of(calendar.get("x-wr-timezone")),
        "refresh_interval": interval.to_ical().decode() if interval is not None else None,
        "events": events,
    }


def read_alike(feed: bytes) -> dict[str, Any]:
    """The feed as both parsers read it: they must agree on every field."""
    ours, theirs = with_icalendar(feed), ical_js.parse(feed)
    assert ours == theirs
    return ours


async def a_partnerships_year(client: AsyncClient) -> dict[str, Any]:
    """A partnership whose meetings were held, planned, cancelled and moved, a workshop of its
    network and a study visit to its partner: one of each kind of event."""
    p = await partnership(client, title="Alingsås - Chililabombwe")
    swedish, partner = p["swedish_party_id"], p["partner_ids"][0]
    held = await meeting(client, p, "2019-05-06", "swedish", status="held")
    planned = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings",
        json={
            "kind": "visit",
            "host_organisation_id": partner,
            "place": "Chililabombwe civic centre",
            "start_date": "2030-05-06",
            "end_date": "2030-05-10",
        },
    )
    assert planned.status_code == 201, planned.text
    cancelled = await meeting(client, p, "2030-09-01", "swedish", kind="digital_meeting")
    await cancel(client, p, cancelled, reason="The council was dissolved")
    moved = await meeting(client, p, "2030-10-01", "partner")
    rescheduled = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{moved['id']}/reschedule",
        json={"start_date": "2030-11-02", "end_date": "2030-11-03", "reason": "Flooding"},
        headers={"If-Match": '"v1"'},
    )
    assert rescheduled.status_code == 200, rescheduled.text
    network = await gender_network(client, country_codes=["SE", "ZM"])
    for organisation in (swedish, partner):
        assert (await add(client, network, organisation)).status_code == 201
    workshop = await client.post(
        "/api/v1/workshops",
        json={
            "network_id": network["id"],
            "title": "Budgets in the open",
            "host_organisation_id": partner,
            "country_code": "ZM",
            "city": "Chililabombwe",
            "starts": "2024-06-03",
            "ends": "2024-06-05",
            "organisation_ids": [swedish, partner],
        },
    )
    assert workshop.status_code == 201, workshop.text
    visit = await client.post(
        "/api/v1/study-visits",
        json={
            "visit_on": "2025-09-24",
            "host_organisation_id": partner,
            "partnership_id": p["id"],
            "visiting_countries": ["SE"],
            "topics": ["open budgets"],
        },
    )
    assert visit.status_code == 201, visit.text
    return {
        "partnership": p,
        "network": network,
        "uids": {
            "held": f"meeting-{held['id']}@partnership-api",
            "planned": f"meeting-{planned.json()['id']}@partnership-api",
            "cancelled": f"meeting-{cancelled['id']}@partnership-api",
            "moved": f"meeting-{moved['id']}@partnership-api",
            "workshop": f"workshop-{workshop.json()['id']}@partnership-api",
            "visit": f"study-visit-{visit.json()['id']}@partnership-api",
        },
    }


async def test_every_feed_reads_the_same_with_icalendar_and_ical_js(
    client: AsyncClient, anonymous: AsyncClient
) -> None:
    year = await a_partnerships_year(client)
    p, uids = year["partnership"], year["uids"]
    partner = p["partner_ids"][0]
    subscribed_to_partnership = await subscribed(client, "partnership", p["id"])
    subscribed_to_organisation = await subscribed(client, "organisation", partner)
    feeds = {
        "partnership": (client, f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics"),
        "organisation meetings": (client, f"/api/v1/organisations/{partner}/meetings.ics"),
        "organisation": (client, f"/api/v1/organisations/{partner}/calendar.ics"),
        "network": (client, f"/api/v1/networks/{year['network']['id']}/workshops.ics"),
        "public network": (
            anonymous,
            f"/api/v1/public/networks/{year['network']['id']}/workshops.ics",
        ),
        "subscribed partnership": (anonymous, subscribed_to_partnership["url"]),
        "subscribed organisation": (anonymous, subscribed_to_organisation["url"]),
    }
    read = {}
    for name, (caller, url) in feeds.items():
        response = await caller.get(url)
        assert response.status_code == 200, (name, response.text)
        read[name] = read_alike(response.content)
        assert read[name]["version"] == "2.0"
        assert read[name]["time_zone"] == "Europe/Stockholm", name
        assert read[name]["refresh_interval"] == "PT1H", name
        assert all(e["all_day"] for e in read[name]["events"]), name
    assert read["subscribed partnership"] == read["partnership"]
    assert read["subscribed organisation"] == read["organisation"]

    by_uid = {e["uid"]: e for e in read["organisation"]["events"]}
    assert list(by_uid) == [  # in date order
        uids["held"],
        uids["workshop"],
        uids["visit"],
        uids["planned"],
        uids["cancelled"],
        uids["moved"],
    ]
    assert [e["uid"] for e in read["partnership"]["events"]] == [
        uids[k] for k in ("held", "planned", "cancelled", "moved")
    ]
    assert [e["uid"] for e in read["network"]["events"]] == [uids["workshop"]]
    facts = {
        k: (by_uid[uids[k]]["start"], by_uid[uids[k]]["end"], by_uid[uids[k]]["status"])
        for k in uids
    }
    assert facts == {
        "held": ("2019-05-06", "2019-05-07", "CONFIRMED"),
        "planned": ("2030-05-06", "2030-05-11", "CONFIRMED"),  # DTEND is the day after
        "cancelled": ("2030-09-01", "2030-09-02", "CANCELLED"),
        "moved": ("2030-11-02", "2030-11-04", "CONFIRMED"),
        "workshop": ("2024-06-03", "2024-06-06", "CONFIRMED"),
        "visit": ("2025-09-24", "2025-09-25", "CONFIRMED"),
    }
    # SEQUENCE rises when a meeting is moved or cancelled, and only then.
    assert {k: by_uid[uids[k]]["sequence"] for k in ("held", "planned", "cancelled", "moved")} == {
        "held": 0,
        "planned": 0,
        "cancelled": 1,
        "moved": 1,
    }
    assert by_uid[uids["cancelled"]]["description"] == "Cancelled: The council was dissolved"
    assert by_uid[uids["planned"]]["location"] == "Chililabombwe civic centre"

    # The same UIDs after another move: the calendar app updates its event.
    moved_id = uids["moved"].removeprefix("meeting-").removesuffix("@partnership-api")
    again = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{moved_id}/reschedule",
        json={"start_date": "2030-12-01", "end_date": "2030-12-01", "reason": "Flooding again"},
        headers={"If-Match": '"v2"'},
    )
    assert again.status_code == 200, again.text
    later = read_alike((await anonymous.get(subscribed_to_partnership["url"])).content)
    moved_now = next(e for e in later["events"] if e["uid"] == uids["moved"])
    assert (moved_now["start"], moved_now["sequence"]) == ("2030-12-01", 2)
    assert [e["uid"] for e in later["events"]] == [e["uid"] for e in read["partnership"]["events"]]


async def test_a_feed_served_before_is_read_without_a_lock_or_a_write(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    """As a read-only replica could serve it: only a meeting a feed lists for the first time is
    written (its stamp, docs/partnerships.md "in a published calendar")."""
    year = await a_partnerships_year(client)
    p = year["partnership"]
    partner = p["partner_ids"][0]
    urls = [
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics",
        f"/api/v1/organisations/{partner}/meetings.ics",
        f"/api/v1/organisations/{partner}/calendar.ics",
    ]
    first = [await client.get(url) for url in urls]
    assert [r.status_code for r in first] == [200, 200, 200]
    async with read_only(connection):
        again = [await client.get(url) for url in urls]
        assert [r.status_code for r in again] == [200, 200, 200], again[0].text
        assert [r.content for r in again] == [r.content for r in first]
    # A meeting planned since is stamped by the next feed: a write, refused on a replica.
    await meeting(client, p, "2031-01-01", "swedish")
    async with read_only(connection):
        refused = await client.get(urls[0])
    assert refused.status_code >= 500
    assert (await client.get(urls[0])).status_code == 200


async def test_a_subscribed_feed_costs_one_statement_more_than_with_a_bearer_token(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    """A bearer token finds its key by prefix; a feed's address finds its subscription by
    prefix, and then its owner by id. Whatever the number of events."""
    year = await a_partnerships_year(client)
    p = year["partnership"]
    partner = p["partner_ids"][0]
    for feed, object_id, url in (
        ("partnership", p["id"], f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics"),
        ("organisation", partner, f"/api/v1/organisations/{partner}/calendar.ics"),
    ):
        secret_url = (await subscribed(client, feed, object_id))["url"]
        for caller, address in ((client, url), (anonymous, secret_url)):  # stamped, use recorded
            assert (await caller.get(address)).status_code == 200
        with_bearer, _ = await statements(connection, client, url)
        with_secret, _ = await statements(connection, anonymous, secret_url)
        assert with_secret == with_bearer + 1, feed
        assert with_secret <= MOST_STATEMENTS


async def test_a_meeting_is_never_both_served_and_deleted(
    live: AsyncClient,  # noqa: F811
    live_database: tuple[str, str],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two real transactions (the test's own rolls everything back into one): a DELETE that
    locked a new meeting first leaves it out of the feed; a feed that stamped it first makes the
    DELETE wait for it, and then refuse (409)."""
    p = await partnership(live)
    feed_url = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics"
    deleted = await meeting(live, p, "2030-05-06", "swedish")
    kept = await meeting(live, p, "2030-06-01", "partner")
    engine = create_async_engine(live_database[0])
    try:
        async with engine.connect() as deleting, engine.connect() as watching:
            # The DELETE has locked the meeting (as `get_part(..., for_update=True)` does).
            await deleting.execute(
                text("SELECT 1 FROM meetings WHERE id = :id FOR UPDATE"), {"id": deleted["id"]}
            )
            served = asyncio.create_task(live.get(feed_url))
            await blocked(watching)
            await deleting.execute(
                text("DELETE FROM meeting_changes WHERE meeting_id = :id"), {"id": deleted["id"]}
            )
            await deleting.execute(
                text("DELETE FROM meetings WHERE id = :id"), {"id": deleted["id"]}
            )
            await deleting.commit()
            response = await asyncio.wait_for(served, 10)
        assert response.status_code == 200, response.text
        listed = [e["uid"] for e in read_alike(response.content)["events"]]
        assert listed == [f"meeting-{kept['id']}@partnership-api"]

        # The other way round: the feed stamps a new meeting and, before it commits, a DELETE
        # comes; it waits for the feed, then finds the stamp.
        late = await meeting(live, p, "2030-07-01", "swedish")
        entered, release = asyncio.Event(), asyncio.Event()
        original = calendars.partnership_calendar

        async def served_then_held(*args: Any) -> bytes:
            body = await original(*args)  # listed and stamped, not yet committed
            entered.set()
            await asyncio.wait_for(release.wait(), 10)
            return body

        monkeypatch.setattr(calendars, "partnership_calendar", served_then_held)
        serving = asyncio.create_task(live.get(feed_url))
        await asyncio.wait_for(entered.wait(), 10)
        deleting_late = asyncio.create_task(
            live.delete(
                f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{late['id']}",
                headers={"If-Match": '"v1"'},
            )
        )
        async with engine.connect() as watching:
            await blocked(watching)
        release.set()
        assert (await asyncio.wait_for(serving, 10)).status_code == 200
        refused = await asyncio.wait_for(deleting_late, 10)
        assert refused.status_code == 409, refused.text
        assert "been in a calendar feed since" in refused.json()["detail"]
    finally:
        await engine.dispose()


async def blocked(watching: Any) -> None:
    """Wait until another connection of this database waits for a row lock."""
    for _ in range(200):
        waiting = await watching.scalar(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            )
        )
        await watching.rollback()
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("nothing waited for a lock")
