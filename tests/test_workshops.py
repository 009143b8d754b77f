"""Workshops: inside their network's period, for its members, participants within the cap
(seed 001: three from Lessebo to Guatemala in June 2024)."""

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import create_organisation, create_person, reference_municipality
from tests.test_networks import add, gender_network

WORKSHOPS = "/api/v1/workshops"


async def setting(client: AsyncClient) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    network = await gender_network(client)
    lessebo = await reference_municipality(client, "0761")
    guatemalan = await create_organisation(
        client, type="municipality", country_code="GT", name="Municipalidad de Ejemplo"
    )
    for organisation in (lessebo, guatemalan):
        assert (await add(client, network, organisation["id"])).status_code == 201
    return network, lessebo, guatemalan


async def test_a_network_workshop_for_its_members_within_its_period(client: AsyncClient) -> None:
    network, lessebo, guatemalan = await setting(client)
    body = {
        "network_id": network["id"],
        "title": "Local democracy and gender equality",
        "host_organisation_id": guatemalan["id"],
        "country_code": "GT",
        "city": "Guatemala City",
        "starts": "2024-06-03",
        "ends": "2024-06-07",
        "organisation_ids": [lessebo["id"], guatemalan["id"]],
    }
    made = await client.post(WORKSHOPS, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["paid_by"] == "ICLD"
    early = await client.post(
        WORKSHOPS, json={**body, "starts": "2023-06-03", "ends": "2023-06-07"}
    )
    assert early.json()["code"] == "rule.workshop-within-network"
    outsider = await create_organisation(client, name="Another council")
    refused = await client.post(WORKSHOPS, json={**body, "organisation_ids": [outsider["id"]]})
    assert refused.json()["code"] == "rule.workshop-members-only"
    listed = await client.get(WORKSHOPS, params={"network_id": network["id"]})
    assert [w["starts"] for w in listed.json()["items"]] == ["2024-06-03"]
    assert made.headers["location"] == f"{WORKSHOPS}/{made.json()['id']}"


async def test_participants_come_from_the_organisations_within_the_cap(
    client: AsyncClient, anonymous: AsyncClient
) -> None:
    network, lessebo, guatemalan = await setting(client)
    made = await client.post(
        WORKSHOPS,
        json={
            "network_id": network["id"],
            "title": "Workshop in Guatemala",
            "host_organisation_id": guatemalan["id"],
            "country_code": "GT",
            "city": "Guatemala City",
            "starts": "2024-06-03",
            "ends": "2024-06-07",
            "participants_per_organisation": 3,
            "organisation_ids": [lessebo["id"], guatemalan["id"]],
        },
    )
    url = f"{WORKSHOPS}/{made.json()['id']}/participants"
    people = [
        (await create_person(client, lessebo["id"], given_name=f"P{n}"))["id"] for n in range(4)
    ]
    listed = await client.get(url)
    assert listed.json() == {"participants": []}
    etag = listed.headers["etag"]

    def of(ids: list[str], gender: str = "woman") -> dict[str, Any]:
        return {"participants": [{"person_id": p, "gender": gender} for p in ids]}

    missing = await client.put(url, json=of(people[:3]))
    assert missing.status_code == 428
    three = await client.put(url, json=of(people[:3]), headers={"If-Match": etag})
    assert three.status_code == 200, three.text
    assert sorted(p["person_id"] for p in three.json()["participants"]) == sorted(people[:3])
    assert {p["gender"] for p in three.json()["participants"]} == {"woman"}
    stale = await client.put(url, json=of(people[:1]), headers={"If-Match": etag})
    assert stale.status_code == 412
    etag = three.headers["etag"]
    assert etag != listed.headers["etag"]
    four = await client.put(url, json=of(people), headers={"If-Match": etag})
    assert four.json()["code"] == "rule.workshop-participants"
    twice = await client.put(url, json=of([people[0], people[0]]), headers={"If-Match": etag})
    assert (twice.json()["code"], twice.json()["errors"][0]["pointer"]) == (
        "rule.workshop-participants",
        "/participants/1/person_id",
    )
    stranger = await create_person(client, (await create_organisation(client))["id"])
    refused = await client.put(url, json=of([stranger["id"]]), headers={"If-Match": etag})
    assert refused.json()["code"] == "rule.workshop-participants"
    # A refused list leaves the stored one as it was; a gender can be corrected alone.
    unchanged = await client.get(url)
    assert (unchanged.headers["etag"], len(unchanged.json()["participants"])) == (etag, 3)
    corrected = await client.put(
        url,
        json={"participants": [{"person_id": people[0], "gender": "man"}]},
        headers={"If-Match": etag},
    )
    assert corrected.json()["participants"] == [{"person_id": people[0], "gender": "man"}]
    again = await client.put(
        url,
        json={"participants": [{"person_id": people[0], "gender": "man"}]},
        headers=_match(corrected),
    )
    assert again.headers["etag"] == corrected.headers["etag"]  # the same list: no new version
    unstated = await client.put(
        url, json={"participants": [{"person_id": people[1]}]}, headers=_match(corrected)
    )
    assert unstated.json()["participants"] == [{"person_id": people[1], "gender": "not_stated"}]
    assert (await anonymous.get(url)).status_code == 401


def _match(response: Any) -> dict[str, str]:
    return {"If-Match": response.headers["etag"]}


async def test_changes_keep_workshops_and_members_consistent(client: AsyncClient) -> None:
    network, lessebo, guatemalan = await setting(client)
    body = {
        "network_id": network["id"],
        "title": "Planned workshop",
        "host_organisation_id": guatemalan["id"],
        "country_code": "GT",
        "city": "Antigua",
        "starts": "2025-06-02",
        "ends": "2025-06-06",
        "organisation_ids": [lessebo["id"]],
    }
    assert (await client.post(WORKSHOPS, json=body)).status_code == 201
    backwards = await client.post(WORKSHOPS, json={**body, "ends": "2025-06-01"})
    assert backwards.json()["code"] == "rule.workshop-period"
    unknown = await client.post(
        WORKSHOPS, json={**body, "network_id": "00000000-0000-4000-8000-0000000000aa"}
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "rule.unknown-network")
    shrunk = await client.patch(
        f"/api/v1/networks/{network['id']}",
        json={"ends": "2025-01-31"},
        headers={"If-Match": '"v1"'},
    )
    assert shrunk.json()["code"] == "rule.workshop-within-network"
    members = (await client.get(f"/api/v1/networks/{network['id']}/members")).json()
    [lessebo_member] = [m for m in members if m["organisation_id"] == lessebo["id"]]
    leaving = await client.patch(
        f"/api/v1/networks/{network['id']}/members/{lessebo_member['id']}",
        json={"status": "left"},
        headers={"If-Match": '"v1"'},
    )
    assert leaving.json()["code"] == "rule.workshop-members-only"
    running = await client.get("/api/v1/networks", params={"active_in": 2025})
    assert [n["id"] for n in running.json()["items"]] == [network["id"]]
    assert (await client.get("/api/v1/networks", params={"active_in": 2030})).json()["items"] == []


async def test_participant_lists_are_for_icld_only(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    network, lessebo, _ = await setting(client)
    made = await client.post(
        WORKSHOPS,
        json={
            "network_id": network["id"],
            "title": "Workshop",
            "host_organisation_id": lessebo["id"],
            "country_code": "SE",
            "city": "Lessebo",
            "starts": "2024-09-16",
            "ends": "2024-09-20",
            "organisation_ids": [lessebo["id"]],
        },
    )
    url = f"{WORKSHOPS}/{made.json()['id']}/participants"
    person = await create_person(client, lessebo["id"])
    etag = (await client.get(url)).headers["etag"]
    added = await client.put(
        url, json={"participants": [{"person_id": person["id"]}]}, headers={"If-Match": etag}
    )
    assert added.status_code == 200
    for role in (Role.coordinator, Role.viewer):
        token = await api_key(connection, role, [uuid.UUID(lessebo["id"])])
        async with authorised(client, token) as taking_part:
            assert (await taking_part.get(url)).status_code == 403, role
