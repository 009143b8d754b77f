"""Public summaries: anyone reads a published partnership, never its people."""

import uuid

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import PARTNERSHIPS_PATH, create_person, create_phase
from tests.partnerships.test_phases import partnership

PUBLIC = "/api/v1/public/partnerships"


async def test_only_published_partnerships_are_public_and_without_people(
    client: AsyncClient, anonymous: AsyncClient
) -> None:
    p = await partnership(client, title="Alingsås - Chililabombwe", description="Dialogue")
    await create_phase(client, p["id"], "inception", "2014-09-01", "2015-08-31")
    politician = await create_person(
        client,
        p["partner_ids"][0],
        kind="politician",
        political_side="majority",
        given_name="Mwila",
        email="mwila@example.org",
    )
    await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/members",
        json={
            "person_id": politician["id"],
            "team": "steering_group",
            "role": "chair",
            "start_date": "2014-09-01",
        },
    )
    await partnership(client, title="Not published")
    assert (await anonymous.get(PUBLIC)).json() == {
        "items": [],
        "next_cursor": None,
        "prev_cursor": None,
        "total": None,
    }
    assert (await anonymous.get(f"{PUBLIC}/{p['id']}")).status_code == 404

    published = await client.post(f"{PARTNERSHIPS_PATH}/{p['id']}/publish")
    assert published.status_code == 200
    assert published.json()["published_at"] is not None
    assert (await client.post(f"{PARTNERSHIPS_PATH}/{p['id']}/publish")).status_code == 409

    listed = await anonymous.get(PUBLIC)
    assert [x["title"] for x in listed.json()["items"]] == ["Alingsås - Chililabombwe"]
    summary = (await anonymous.get(f"{PUBLIC}/{p['id']}")).json()
    assert summary["swedish_party"]["name"] == "Alingsås kommun"
    assert [x["country_code"] for x in summary["partners"]] == ["ZM"]
    assert summary["phases"] == [
        {"kind": "inception", "status": "planned", "starts": "2014-09-01", "ends": "2015-08-31"}
    ]
    text = (await anonymous.get(f"{PUBLIC}/{p['id']}")).text
    assert "Mwila" not in text and "mwila@example.org" not in text
    assert (await anonymous.get(PUBLIC, params={"country": "KE"})).json()["items"] == []

    assert (await client.post(f"{PARTNERSHIPS_PATH}/{p['id']}/unpublish")).status_code == 200
    assert (await anonymous.get(f"{PUBLIC}/{p['id']}")).status_code == 404


async def test_publishing_is_for_icld_staff(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    token = await api_key(connection, Role.coordinator, [uuid.UUID(p["partner_ids"][0])])
    async with authorised(client, token) as coordinator:
        refused = await coordinator.post(f"{PARTNERSHIPS_PATH}/{p['id']}/publish")
        assert refused.status_code == 403
