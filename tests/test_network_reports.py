"""A network in figures, its calendars and its public view (issue 6): the summary is checked
against figures computed by hand from the demo data (seed 001), the calendars are parsed with the
same iCalendar library, and nothing personal reaches the public."""

import uuid
from typing import Any

from httpx import AsyncClient
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.principal import system_principal
from app.demo.seeds import load_demo_data
from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import create_organisation, create_person, reference_municipality
from tests.test_networks import add, gender_network

NETWORKS, WORKSHOPS = "/api/v1/networks", "/api/v1/workshops"


async def demo(client: AsyncClient, connection: AsyncConnection) -> dict[str, Any]:
    """Load the demo data; answer the gender-equality network."""
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    [network] = (await client.get(NETWORKS, params={"theme": "gender equality"})).json()["items"]
    return dict(network)


def events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


async def test_the_demo_networks_summary_against_hand_computed_figures(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    network = await demo(client, connection)
    summary = await client.get(f"{NETWORKS}/{network['id']}/summary")
    assert summary.status_code == 200, summary.text
    figures = summary.json()
    # Members: Lessebo, Borås, Åre; two Guatemalan and one Colombian placeholder municipality.
    assert figures["members_by_country"] == {"CO": 1, "GT": 2, "SE": 3}
    assert [(w["country_code"], w["starts"]) for w in figures["workshops_held"]] == [
        ("GT", "2024-06-03"),
        ("SE", "2024-09-16"),
    ]
    # June: Greta, Hugo, Ines (Lessebo), Ana, Luis (A), María (B); September: Greta, Ana, Luis,
    # María. 10 participations of 6 people; SE 3 + 1 = 4, GT 3 + 3 = 6; women 2 + 1 + 2 + 2 = 7
    # (Greta, Ines, Ana, María), men 1 + 2 = 3 (Hugo, Luis).
    assert figures["participants"] == {
        "participations": 10,
        "people": 6,
        "by_country": {"GT": 6, "SE": 4},
        "by_gender": {"man": 3, "woman": 7},
    }
    # Lessebo's draft with a Guatemalan municipality grew out of the workshops.
    assert figures["partnerships_by_status"] == {"draft": 1}

    # Outside ICLD: a group of fewer than five people is withheld (Lessebo sends three), and
    # only the partnerships the caller may read count.
    lessebo = await reference_municipality(client, "0761")
    boras = await reference_municipality(client, "1490")
    for organisation, partnerships in ((lessebo, {"draft": 1}), (boras, {})):
        token = await api_key(connection, Role.viewer, [uuid.UUID(organisation["id"])])
        async with authorised(client, token) as viewer:
            seen = (await viewer.get(f"{NETWORKS}/{network['id']}/summary")).json()
        assert seen["participants"] == {
            "participations": 10,
            "people": 6,
            "by_country": None,
            "by_gender": None,
        }
        assert seen["partnerships_by_status"] == partnerships
    people = (await client.get("/api/v1/people", params={"limit": 100})).json()["items"]
    assert people and not any(
        p["id"] in summary.text or p["family_name"] in summary.text for p in people
    )


async def test_only_held_workshops_and_present_members_count(client: AsyncClient) -> None:
    network = await gender_network(client)
    lessebo = await reference_municipality(client, "0761")
    guatemalan = await create_organisation(
        client, type="municipality", country_code="GT", name="Municipalidad de Ejemplo"
    )
    leaving = await create_organisation(
        client, type="municipality", country_code="CO", name="Alcaldía que se va"
    )
    for organisation in (lessebo, guatemalan, leaving):
        assert (await add(client, network, organisation["id"])).status_code == 201
    members = (await client.get(f"{NETWORKS}/{network['id']}/members")).json()
    [gone] = [m for m in members if m["organisation_id"] == leaving["id"]]
    left = await client.patch(
        f"{NETWORKS}/{network['id']}/members/{gone['id']}",
        json={"status": "left"},
        headers={"If-Match": '"v1"'},
    )
    assert left.status_code == 200, left.text
    made = await client.post(
        WORKSHOPS,
        json={
            "network_id": network["id"],
            "title": "Planned workshop",
            "host_organisation_id": guatemalan["id"],
            "country_code": "GT",
            "city": "Antigua",
            "starts": "2025-06-02",
            "ends": "2025-06-06",
            "organisation_ids": [lessebo["id"], guatemalan["id"]],
        },
    )
    url = f"{WORKSHOPS}/{made.json()['id']}/participants"
    person = await create_person(client, guatemalan["id"])
    put = await client.put(
        url,
        json={"participants": [{"person_id": person["id"], "gender": "other"}]},
        headers={"If-Match": made.headers["etag"]},
    )
    assert put.status_code == 200, put.text
    summary = f"{NETWORKS}/{network['id']}/summary"
    planned = (await client.get(summary)).json()
    assert planned["members_by_country"] == {"GT": 1, "SE": 1}
    assert (planned["workshops_held"], planned["participants"]["participations"]) == ([], 0)
    held = await client.patch(
        f"{WORKSHOPS}/{made.json()['id']}",
        json={"status": "held", "outcome": "Agreed to apply for a partnership."},
        headers={"If-Match": put.headers["etag"]},
    )
    assert held.status_code == 200, held.text
    after = (await client.get(summary)).json()
    assert after["participants"] == {
        "participations": 1,
        "people": 1,
        "by_country": {"GT": 1},
        "by_gender": {"other": 1},
    }
    missing = await client.get(f"{NETWORKS}/{uuid.uuid4()}/summary")
    assert missing.status_code == 404


async def test_calendars_parse_and_follow_what_the_organisation_hosts_or_attends(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    network = await demo(client, connection)
    feed = await client.get(f"{NETWORKS}/{network['id']}/workshops.ics")
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")
    workshops = events(feed.content)
    assert [(str(e["summary"]), e.decoded("dtstart").isoformat()) for e in workshops] == [
        ("Workshop: Local democracy and gender equality", "2024-06-03"),
        ("Workshop: Local democracy and gender equality, part two", "2024-09-16"),
    ]
    # DTEND of a whole-day event is the day after the last.
    assert workshops[0].decoded("dtend").isoformat() == "2024-06-08"
    again = await client.get(
        f"{NETWORKS}/{network['id']}/workshops.ics",
        headers={"If-None-Match": feed.headers["etag"]},
    )
    assert again.status_code == 304

    lessebo = await reference_municipality(client, "0761")
    mine = events((await client.get(f"/api/v1/organisations/{lessebo['id']}/calendar.ics")).content)
    assert sorted(str(e["uid"]).split("-")[0] for e in mine) == ["workshop", "workshop"]
    upplands_bro = await reference_municipality(client, "0139")
    hosted = events(
        (await client.get(f"/api/v1/organisations/{upplands_bro['id']}/calendar.ics")).content
    )
    assert [(str(e["uid"]).split("-")[0], e.decoded("dtstart").isoformat()) for e in hosted] == [
        ("study", "2019-09-24")
    ]
    # Alingsås has the meetings of its partnership; a workshop it takes part in joins them in
    # its full calendar only.
    alingsas = await reference_municipality(client, "1489")
    icld = (await client.get("/api/v1/organisations", params={"q": "ICLD"})).json()["items"][0]
    workshop = await client.post(
        WORKSHOPS,
        json={
            "title": "Reporting on results",
            "host_organisation_id": icld["id"],
            "country_code": "SE",
            "city": "Visby",
            "starts": "2025-03-10",
            "ends": "2025-03-11",
            "organisation_ids": [alingsas["id"]],
        },
    )
    assert workshop.status_code == 201, workshop.text
    full = events(
        (await client.get(f"/api/v1/organisations/{alingsas['id']}/calendar.ics")).content
    )
    meetings_only = events(
        (await client.get(f"/api/v1/organisations/{alingsas['id']}/meetings.ics")).content
    )
    assert meetings_only and all(str(e["uid"]).startswith("meeting-") for e in meetings_only)
    assert {str(e["uid"]) for e in full} - {str(e["uid"]) for e in meetings_only} == {
        f"workshop-{workshop.json()['id']}@partnership-api"
    }

    # Lessebo's own viewer reads Lessebo's calendar, not Upplands-Bro's.
    token = await api_key(connection, Role.viewer, [uuid.UUID(lessebo["id"])])
    async with authorised(client, token) as viewer:
        own = await viewer.get(f"/api/v1/organisations/{lessebo['id']}/calendar.ics")
        assert len(events(own.content)) == 2
        other = await viewer.get(f"/api/v1/organisations/{upplands_bro['id']}/calendar.ics")
        assert other.status_code == 404


async def test_the_public_sees_announced_networks_without_people(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    network = await demo(client, connection)
    planned = await gender_network(client, title="A network in the making", status="planned")
    listed = await anonymous.get("/api/v1/public/networks")
    assert listed.status_code == 200, listed.text
    assert [n["id"] for n in listed.json()["items"]] == [network["id"]]
    for url in (
        f"/api/v1/public/networks/{planned['id']}",
        f"/api/v1/public/networks/{planned['id']}/workshops.ics",
    ):
        assert (await anonymous.get(url)).status_code == 404, url
    public = (await anonymous.get(f"/api/v1/public/networks/{network['id']}")).json()
    assert sorted(m["country_code"] for m in public["members"]) == [
        "CO",
        "GT",
        "GT",
        "SE",
        "SE",
        "SE",
    ]
    assert [w["city"] for w in public["workshops"]] == ["Guatemala", "Stockholm"]
    # Lessebo's draft is not published: the public does not learn of it.
    assert (public["coordinator"]["name"], public["partnerships"]) == (
        "Internationellt centrum för lokal demokrati",
        0,
    )
    text = str(public)
    people = (await client.get("/api/v1/people", params={"limit": 100})).json()["items"]
    assert not any(p["id"] in text or p["family_name"] in text for p in people)
    assert "participants" not in text and "gender" not in text.replace("gender equality", "")

    # A cancelled workshop leaves the public view; the calendars keep it, marked cancelled, so
    # that subscribers' calendars drop it.
    [june, _] = public["workshops"]
    current = await client.get(f"{WORKSHOPS}/{june['id']}")
    cancelled = await client.patch(
        f"{WORKSHOPS}/{june['id']}",
        json={"status": "cancelled"},
        headers={"If-Match": current.headers["etag"]},
    )
    assert cancelled.status_code == 200, cancelled.text
    after = (await anonymous.get(f"/api/v1/public/networks/{network['id']}")).json()
    assert [w["city"] for w in after["workshops"]] == ["Stockholm"]
    for feed in (
        await anonymous.get(f"/api/v1/public/networks/{network['id']}/workshops.ics"),
        await client.get(f"{NETWORKS}/{network['id']}/workshops.ics"),
    ):
        assert [(str(e["location"]), str(e["status"])) for e in events(feed.content)] == [
            ("Guatemala, GT", "CANCELLED"),
            ("Stockholm, SE", "CONFIRMED"),
        ]
