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
