"""Small typed factories that create data through the API, as a client would."""

from typing import Any

from httpx import AsyncClient

ORG_PATH = "/api/v1/organisations"
PEOPLE_PATH = "/api/v1/people"


async def create_organisation(client: AsyncClient, **fields: Any) -> dict[str, Any]:
    body = {"type": "municipality", "country_code": "ZM", "name": "Chililabombwe Municipal Council"}
    body.update(fields)
    response = await client.post(ORG_PATH, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_person(client: AsyncClient, organisation_id: str, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "organisation_id": organisation_id,
        "kind": "official",
        "given_name": "Cecilia",
        "family_name": "Testberg",
    }
    body.update(fields)
    response = await client.post(PEOPLE_PATH, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def reference_municipality(client: AsyncClient, scb_code: str) -> dict[str, Any]:
    response = await client.get(
        ORG_PATH, params={"country": "SE", "type": "municipality", "official_code": scb_code}
    )
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 1
    return dict(items[0])


PARTNERSHIPS_PATH = "/api/v1/partnerships"


async def create_partnership(
    client: AsyncClient, partner_id: str, *, swedish_code: str = "1780", **fields: Any
) -> dict[str, Any]:
    """A partnership of a reference Swedish municipality (Karlstad unless told) and a partner."""
    swedish = await reference_municipality(client, swedish_code)
    body: dict[str, Any] = {
        "title": "Partnership for local democracy",
        "principles": ["participation"],
        "swedish_party_id": swedish["id"],
        "partner_ids": [partner_id],
        "applied_on": "2019-10-15",
    }
    body.update(fields)
    response = await client.post(PARTNERSHIPS_PATH, json=body)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def create_phase(
    client: AsyncClient, partnership_id: str, kind: str, start: str, end: str
) -> dict[str, Any]:
    response = await client.post(
        f"{PARTNERSHIPS_PATH}/{partnership_id}/phases",
        json={"kind": kind, "planned_start": start, "planned_end": end},
    )
    assert response.status_code == 201, response.text
    return dict(response.json())
