"""iCalendar feeds: they parse with the same library and say what the meetings say."""

from datetime import date

from httpx import AsyncClient
from icalendar import Calendar

from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_partnership
from tests.partnerships.test_meetings import cancel
from tests.partnerships.test_phases import meeting, partnership


async def test_a_partnerships_meetings_as_icalendar(client: AsyncClient) -> None:
    p = await partnership(client, title="Alingsås - Chililabombwe")
    held = await meeting(client, p, "2019-05-06", "swedish", status="held")
    planned = await meeting(client, p, "2023-05-08", "partner")
    await cancel(client, p, planned)
    response = await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = calendar.walk("VEVENT")
    assert [str(e["uid"]) for e in events] == [
        f"meeting-{held['id']}@partnership-api",
        f"meeting-{planned['id']}@partnership-api",
    ]
    first = events[0]
    assert first.decoded("dtstart") == date(2019, 5, 6)
    assert first.decoded("dtend") == date(2019, 5, 7)  # exclusive end of a one-day meeting
    assert str(first["summary"]) == "Alingsås - Chililabombwe: visit"
    assert [str(e["status"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    # SEQUENCE counts the moves and cancellations (it was the version before issue 22).
    assert [int(str(e["sequence"])) for e in events] == [0, 1]


async def test_an_organisations_calendar_holds_all_its_partnerships(client: AsyncClient) -> None:
    partner = await create_organisation(client, type="county", country_code="KE", name="Kitui")
    first = await create_partnership(client, partner["id"], title="First")
    second = await create_partnership(client, partner["id"], swedish_code="1489", title="Second")
    other = await partnership(client, title="Not Kitui's")
    for p, day in ((first, "2020-03-01"), (second, "2020-04-01"), (other, "2020-05-01")):
        await meeting(client, p, day, "swedish")
    response = await client.get(f"/api/v1/organisations/{partner['id']}/meetings.ics")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["First: visit", "Second: visit"]


async def test_calendars_need_credentials(anonymous: AsyncClient) -> None:
    response = await anonymous.get(
        "/api/v1/partnerships/00000000-0000-4000-8000-000000000000/meetings.ics"
    )
    assert response.status_code == 401


async def test_an_unchanged_feed_keeps_its_etag(client: AsyncClient) -> None:
    p = await partnership(client)
    await meeting(client, p, "2020-03-01", "swedish")
    url = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics"
    first, second = await client.get(url), await client.get(url)
    assert first.content == second.content
    assert first.headers["etag"] == second.headers["etag"]
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304
