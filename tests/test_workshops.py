"""Workshops: inside their network's period, for its members, participants within the cap
(seed 001: three from Lessebo to Guatemala in June 2024)."""

from typing import Any

from httpx import AsyncClient

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
    three = await client.put(url, json={"person_ids": people[:3]})
    assert (three.status_code, sorted(three.json()["person_ids"])) == (200, sorted(people[:3]))
    four = await client.put(url, json={"person_ids": people})
    assert four.json()["code"] == "rule.workshop-participants"
    stranger = await create_person(client, (await create_organisation(client))["id"])
    assert (await client.put(url, json={"person_ids": [stranger["id"]]})).json()["code"] == (
        "rule.workshop-participants"
    )
    assert sorted((await client.get(url)).json()["person_ids"]) == sorted(people[:3])
    assert (await anonymous.get(url)).status_code == 401
