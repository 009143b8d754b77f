"""Partnerships and their parties: the eligibility rules, filters, search and changes."""

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import (
    PARTNERSHIPS_PATH,
    create_organisation,
    create_partnership,
    reference_municipality,
)


async def makueni(client: AsyncClient) -> dict[str, Any]:
    return await create_organisation(
        client, type="county", country_code="KE", name="Makueni County"
    )


async def test_create_a_bilateral_partnership(client: AsyncClient) -> None:
    partner = await makueni(client)
    made = await create_partnership(
        client,
        partner["id"],
        title="Karlstad - Makueni",
        themes=["education"],
        principles=["equality_non_discrimination", "participation", "participation"],
    )
    assert made["partner_ids"] == [partner["id"]]
    assert made["status"] == "draft"
    assert made["form"] == "bilateral"
    assert made["principles"] == ["equality_non_discrimination", "participation"]
    fetched = await client.get(f"{PARTNERSHIPS_PATH}/{made['id']}")
    assert fetched.json() == made
    assert fetched.headers["etag"] == '"v1"'


async def rule_of(response: Any) -> tuple[int, str, str]:
    body = response.json()
    return response.status_code, body["code"], body["errors"][0]["pointer"]


async def test_the_swedish_party_must_be_an_eligible_swedish_applicant(
    client: AsyncClient,
) -> None:
    partner = await makueni(client)
    agency = await create_organisation(
        client, type="government_agency", country_code="SE", name="Arbetsförmedlingen"
    )
    for swedish in (agency["id"], partner["id"]):
        response = await client.post(
            PARTNERSHIPS_PATH,
            json={
                "title": "x",
                "principles": ["participation"],
                "swedish_party_id": swedish,
                "partner_ids": [partner["id"]],
                "applied_on": "2020-01-01",
            },
        )
        assert await rule_of(response) == (
            422,
            "rule.swedish-applicant-eligible",
            "/swedish_party_id",
        )


async def test_partners_must_be_in_a_partner_country_on_the_application_date(
    client: AsyncClient,
) -> None:
    swedish = await reference_municipality(client, "0761")  # Lessebo
    guatemalan = await create_organisation(
        client, type="municipality", country_code="GT", name="Municipalidad de Ejemplo"
    )
    body = {
        "title": "Lessebo - Guatemala",
        "principles": ["equality_non_discrimination"],
        "swedish_party_id": swedish["id"],
        "partner_ids": [guatemalan["id"]],
    }
    too_early = await client.post(PARTNERSHIPS_PATH, json={**body, "applied_on": "2020-06-01"})
    assert await rule_of(too_early) == (422, "rule.partner-country-eligible", "/partner_ids/0")
    in_time = await client.post(PARTNERSHIPS_PATH, json={**body, "applied_on": "2025-03-01"})
    assert in_time.status_code == 201


async def test_a_third_party_comes_from_another_eu_member_state(client: AsyncClient) -> None:
    partner = await makueni(client)
    german = await create_organisation(client, type="city", country_code="DE", name="Stadt X")
    kenyan = await create_organisation(client, type="county", country_code="KE", name="Kitui")
    made = await create_partnership(client, partner["id"], third_party_id=german["id"])
    assert made["form"] == "trilateral"
    refused = await client.post(
        PARTNERSHIPS_PATH,
        json={
            "title": "x",
            "principles": ["participation"],
            "swedish_party_id": made["swedish_party_id"],
            "partner_ids": [partner["id"]],
            "third_party_id": kenyan["id"],
            "applied_on": "2020-01-01",
        },
    )
    assert await rule_of(refused) == (422, "rule.third-party-in-eu", "/third_party_id")


async def test_several_partners_make_it_multilateral_and_unknown_ones_are_refused(
    client: AsyncClient,
) -> None:
    first = await makueni(client)
    second = await create_organisation(client, type="county", country_code="KE", name="Kitui")
    made = await create_partnership(client, first["id"], partner_ids=[first["id"], second["id"]])
    assert made["form"] == "multilateral"
    assert sorted(made["partner_ids"]) == sorted([first["id"], second["id"]])
    unknown = await client.post(
        PARTNERSHIPS_PATH,
        json={
            "title": "x",
            "principles": ["participation"],
            "swedish_party_id": made["swedish_party_id"],
            "partner_ids": [first["id"], "00000000-0000-4000-8000-000000000000"],
            "applied_on": "2020-01-01",
        },
    )
    assert await rule_of(unknown) == (422, "rule.unknown-organisation", "/partner_ids/1")


async def test_filters_and_search(client: AsyncClient) -> None:
    kenya = await makueni(client)
    zambia = await create_organisation(client)
    await create_partnership(
        client,
        kenya["id"],
        title="Breaking gender-typical choices",
        description="Studieval och arbetsmarknad",
        principles=["equality_non_discrimination"],
        themes=["education"],
    )
    await create_partnership(
        client,
        zambia["id"],
        swedish_code="1489",
        title="Citizen dialogue",
        description="Medborgardialog för nyanlända",
        principles=["participation"],
    )

    async def titles(**params: str) -> list[str]:
        response = await client.get(PARTNERSHIPS_PATH, params=params)
        assert response.status_code == 200, response.text
        return [p["title"] for p in response.json()["items"]]

    assert await titles() == ["Breaking gender-typical choices", "Citizen dialogue"]
    assert await titles(country="ZM") == ["Citizen dialogue"]
    assert await titles(principle="equality_non_discrimination") == [
        "Breaking gender-typical choices"
    ]
    assert await titles(theme="education") == ["Breaking gender-typical choices"]
    assert await titles(q="nyanländ") == ["Citizen dialogue"]  # Swedish stemming
    assert await titles(q="choice") == ["Breaking gender-typical choices"]  # English stemming
    assert await titles(status="project") == []
    assert await titles(partner_id=zambia["id"]) == ["Citizen dialogue"]


async def test_patch_changes_the_description_but_never_the_status(client: AsyncClient) -> None:
    made = await create_partnership(client, (await makueni(client))["id"])
    url = f"{PARTNERSHIPS_PATH}/{made['id']}"
    changed = await client.patch(
        url,
        json={"local_challenge": "Unemployment among young women"},
        headers={"If-Match": '"v1"'},
    )
    assert changed.status_code == 200
    assert changed.json()["local_challenge"] == "Unemployment among young women"
    for field, value in (("status", "project"), ("partner_ids", []), ("id", made["id"])):
        refused = await client.patch(url, json={field: value}, headers={"If-Match": '"v2"'})
        assert refused.status_code == 422, field


async def test_coordinators_see_the_partnerships_of_their_organisations_only(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    mine = await makueni(client)
    other = await create_organisation(client)
    ours = await create_partnership(client, mine["id"], title="Ours")
    theirs = await create_partnership(client, other["id"], title="Theirs")
    token = await api_key(connection, Role.coordinator, [uuid.UUID(mine["id"])])
    async with authorised(client, token) as coordinator:
        listed = await coordinator.get(PARTNERSHIPS_PATH, params={"limit": 100})
        assert [p["title"] for p in listed.json()["items"]] == ["Ours"]
        assert (await coordinator.get(f"{PARTNERSHIPS_PATH}/{theirs['id']}")).status_code == 404
        changed = await coordinator.patch(
            f"{PARTNERSHIPS_PATH}/{ours['id']}",
            json={"themes": ["gender equality"]},
            headers={"If-Match": '"v1"'},
        )
        assert changed.status_code == 200
        created = await coordinator.post(
            PARTNERSHIPS_PATH,
            json={
                "title": "x",
                "principles": ["participation"],
                "swedish_party_id": ours["swedish_party_id"],
                "partner_ids": [mine["id"]],
                "applied_on": "2020-01-01",
            },
        )
        assert created.status_code == 403
