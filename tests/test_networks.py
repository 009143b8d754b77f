"""Networks: members from the network's countries, partner countries eligible, and the
partnerships that belong to a network (DOMAIN.md §4)."""

import uuid
from typing import Any

from httpx import AsyncClient

from tests.factories import create_organisation, create_partnership, reference_municipality

NETWORKS = "/api/v1/networks"


async def gender_network(client: AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {
        "title": "Network for gender equality",
        "theme": "gender equality",
        "country_codes": ["SE", "CO", "GT"],
        "starts": "2024-01-01",
        "ends": "2026-12-31",
        "status": "active",
    }
    body.update(fields)
    response = await client.post(NETWORKS, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def add(client: AsyncClient, network: dict[str, Any], organisation_id: str) -> Any:
    return await client.post(
        f"{NETWORKS}/{network['id']}/members",
        json={"organisation_id": organisation_id, "joined_on": "2024-02-01", "status": "active"},
    )


async def test_members_come_from_the_networks_countries(client: AsyncClient) -> None:
    network = await gender_network(client)
    lessebo = await reference_municipality(client, "0761")
    assert (await add(client, network, lessebo["id"])).status_code == 201
    guatemalan = await create_organisation(
        client, type="municipality", country_code="GT", name="Municipalidad de Ejemplo"
    )
    assert (await add(client, network, guatemalan["id"])).status_code == 201
    kenyan = await create_organisation(client, type="county", country_code="KE", name="Kitui")
    refused = await add(client, network, kenyan["id"])
    assert refused.json()["code"] == "rule.network-member-country"
    twice = await add(client, network, lessebo["id"])
    assert twice.status_code == 409
    members = (await client.get(f"{NETWORKS}/{network['id']}/members")).json()
    assert sorted(m["organisation_id"] for m in members) == sorted(
        [lessebo["id"], guatemalan["id"]]
    )  # same join date: ordered by id after it
    narrowed = await client.patch(
        f"{NETWORKS}/{network['id']}", json={"country_codes": ["SE"]}, headers={"If-Match": '"v1"'}
    )
    assert narrowed.json()["code"] == "rule.network-member-country"


async def test_partner_side_members_are_in_a_partner_country_when_it_starts(
    client: AsyncClient,
) -> None:
    early = await gender_network(client, starts="2020-01-01", title="Too early")
    colombian = await create_organisation(
        client, type="municipality", country_code="CO", name="Municipio de Ejemplo"
    )
    refused = await add(client, early, colombian["id"])
    assert refused.json()["code"] == "rule.network-partner-eligible"
    backwards = await client.post(
        NETWORKS,
        json={
            "title": "x",
            "theme": "y",
            "country_codes": ["SE"],
            "starts": "2024-01-01",
            "ends": "2023-01-01",
        },
    )
    assert backwards.json()["code"] == "rule.network-period"


async def test_partnerships_that_belong_to_a_network(client: AsyncClient) -> None:
    network = await gender_network(client)
    guatemalan = await create_organisation(
        client, type="municipality", country_code="GT", name="Municipalidad de Ejemplo"
    )
    member = await create_partnership(
        client,
        guatemalan["id"],
        swedish_code="0761",
        title="Lessebo - Guatemala",
        applied_on="2025-03-01",
        network_id=network["id"],
    )
    assert member["network_id"] == network["id"]
    await create_partnership(client, guatemalan["id"], title="Outside", applied_on="2025-03-01")
    listed = await client.get(f"{NETWORKS}/{network['id']}/partnerships")
    assert [p["title"] for p in listed.json()["items"]] == ["Lessebo - Guatemala"]
    filtered = await client.get("/api/v1/partnerships", params={"network_id": network["id"]})
    assert [p["title"] for p in filtered.json()["items"]] == ["Lessebo - Guatemala"]
    unknown = await client.patch(
        f"/api/v1/partnerships/{member['id']}",
        json={"network_id": str(uuid.uuid4())},
        headers={"If-Match": '"v1"'},
    )
    assert unknown.json()["code"] == "rule.unknown-network"
    left = await client.patch(
        f"/api/v1/partnerships/{member['id']}",
        json={"network_id": None},
        headers={"If-Match": '"v1"'},
    )
    assert (left.status_code, left.json()["network_id"]) == (200, None)
