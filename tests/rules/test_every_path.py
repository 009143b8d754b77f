"""A rule refused where data first enters is refused on every other path that reaches the same
state: the relation's other side, a later edit of a shared organisation, a narrowed network."""

from typing import Any

from httpx import AsyncClient

from tests.factories import create_organisation, create_partnership
from tests.test_networks import gender_network

PARTNERSHIPS = "/api/v1/partnerships"


async def kenyan_county(client: AsyncClient) -> dict[str, Any]:
    return await create_organisation(client, type="county", country_code="KE", name="Kitui")


async def guatemalan_municipality(client: AsyncClient) -> dict[str, Any]:
    return await create_organisation(
        client, type="municipality", country_code="GT", name="Municipalidad de Ejemplo"
    )


async def listed_in(client: AsyncClient, network: dict[str, Any]) -> list[str]:
    response = await client.get(f"/api/v1/networks/{network['id']}/partnerships")
    return [p["title"] for p in response.json()["items"]]


async def test_a_partnership_joins_a_network_only_from_its_countries(client: AsyncClient) -> None:
    network = await gender_network(client)  # Sweden, Colombia, Guatemala
    kitui = await kenyan_county(client)
    created = await client.post(
        PARTNERSHIPS,
        json={
            "title": "Umeå - Kitui",
            "principles": ["participation"],
            "swedish_party_id": (await umea(client))["id"],
            "partner_ids": [kitui["id"]],
            "applied_on": "2025-03-01",
            "network_id": network["id"],
        },
    )
    assert created.status_code == 422
    problem = created.json()
    assert problem["code"] == "rule.network-member-country"
    assert problem["errors"][0]["pointer"] == "/network_id"
    listed = await client.get(PARTNERSHIPS, params={"q": "Umeå Kitui"})
    assert listed.json()["items"] == []

    outside = await create_partnership(
        client, kitui["id"], swedish_code="2480", title="Umeå - Kitui", applied_on="2025-03-01"
    )
    joined = await client.patch(
        f"{PARTNERSHIPS}/{outside['id']}",
        json={"network_id": network["id"]},
        headers={"If-Match": '"v1"'},
    )
    assert joined.status_code == 422
    assert joined.json()["code"] == "rule.network-member-country"
    after = await client.get(f"{PARTNERSHIPS}/{outside['id']}")
    assert (after.json()["network_id"], after.headers["ETag"]) == (None, '"v1"')
    assert await listed_in(client, network) == []


async def umea(client: AsyncClient) -> dict[str, Any]:
    response = await client.get("/api/v1/organisations", params={"q": "Umeå"})
    [found] = [o for o in response.json()["items"] if o["official_code"] == "2480"]
    return dict(found)


async def test_a_partners_country_changes_only_to_a_partner_country(client: AsyncClient) -> None:
    kitui = await kenyan_county(client)
    await create_partnership(client, kitui["id"], title="Karlstad - Kitui")
    moved = await client.patch(
        f"/api/v1/organisations/{kitui['id']}",
        json={"country_code": "NO"},
        headers={"If-Match": '"v1"'},
    )
    assert moved.status_code == 422
    assert moved.json()["code"] == "rule.partner-country-eligible"
    assert moved.json()["errors"][0]["pointer"] == "/country_code"
    after = await client.get(f"/api/v1/organisations/{kitui['id']}")
    assert (after.json()["country_code"], after.headers["ETag"]) == ("KE", '"v1"')
    unattached = await kenyan_county(client)
    free = await client.patch(
        f"/api/v1/organisations/{unattached['id']}",
        json={"country_code": "NO"},
        headers={"If-Match": '"v1"'},
    )
    assert (free.status_code, free.json()["country_code"]) == (200, "NO")


async def test_a_networks_partnerships_keep_to_its_countries(client: AsyncClient) -> None:
    network = await gender_network(client)
    guatemalan = await guatemalan_municipality(client)
    await create_partnership(
        client,
        guatemalan["id"],
        swedish_code="0761",
        title="Lessebo - Guatemala",
        applied_on="2025-03-01",
        network_id=network["id"],
    )
    narrowed = await client.patch(
        f"/api/v1/networks/{network['id']}",
        json={"country_codes": ["SE", "CO"]},
        headers={"If-Match": '"v1"'},
    )
    assert narrowed.status_code == 422
    assert narrowed.json()["code"] == "rule.network-member-country"
    assert (await client.get(f"/api/v1/networks/{network['id']}")).json()["country_codes"] == [
        "SE",
        "CO",
        "GT",
    ]
    # The partner moves to Kenya, a partner country on the day applied for, but not one of the
    # network's: refused too.
    moved = await client.patch(
        f"/api/v1/organisations/{guatemalan['id']}",
        json={"country_code": "KE"},
        headers={"If-Match": '"v1"'},
    )
    assert moved.status_code == 422
    assert moved.json()["code"] == "rule.network-member-country"
    assert await listed_in(client, network) == ["Lessebo - Guatemala"]
