"""Organisations: reference municipalities and regions, partner bodies, rules and concurrency."""

import uuid

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import ORG_PATH, create_organisation, create_person, reference_municipality


async def test_all_municipalities_and_regions_are_reference_data(client: AsyncClient) -> None:
    karlstad = await reference_municipality(client, "1780")
    assert karlstad["name"] == "Karlstads kommun"
    assert karlstad["is_reference"] is True
    assert karlstad["eligible_swedish_applicant"] is True
    regions = await client.get(ORG_PATH, params={"country": "SE", "type": "region", "limit": 100})
    names = {r["name"] for r in regions.json()["items"]}
    assert len(names) == 21
    assert {"Region Gotland", "Region Värmland", "Västra Götalandsregionen"} <= names


async def test_create_returns_201_location_and_etag(client: AsyncClient) -> None:
    response = await client.post(
        ORG_PATH,
        json={"type": "county", "country_code": "ke", "name": "Makueni County"},
    )
    assert response.status_code == 201
    body = response.json()
    assert response.headers["location"] == f"/api/v1/organisations/{body['id']}"
    assert response.headers["etag"] == '"v1"'
    assert body["country_code"] == "KE"
    assert body["is_reference"] is False
    assert body["eligible_swedish_applicant"] is False
    fetched = await client.get(response.headers["location"])
    assert fetched.json() == body


async def test_server_owned_fields_cannot_be_set(client: AsyncClient) -> None:
    for field, value in (
        ("id", "6f1d8a52-3c2e-4f57-9a8e-1c0de5ab1e00"),
        ("is_reference", True),
        ("created_at", "2020-01-01T00:00:00Z"),
        ("eligible_swedish_applicant", True),
    ):
        response = await client.post(
            ORG_PATH,
            json={"type": "county", "country_code": "KE", "name": "Kitui County", field: value},
        )
        assert response.status_code == 422, field
        assert response.json()["errors"][0]["pointer"] == f"/{field}"


async def test_swedish_municipalities_cannot_be_created(client: AsyncClient) -> None:
    response = await client.post(
        ORG_PATH, json={"type": "region", "country_code": "SE", "name": "Region Norrland"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule.swedish-reference-organisation"


async def test_organisation_number_is_checked_and_normalised(client: AsyncClient) -> None:
    made = await create_organisation(
        client,
        type="local_government_association",
        country_code="SE",
        name="Kommunalförbundet Exempel",
        org_number="2220001115",
    )
    assert made["org_number"] == "222000-1115"
    assert made["eligible_swedish_applicant"] is True
    wrong = await client.post(
        ORG_PATH,
        json={
            "type": "municipal_company",
            "country_code": "SE",
            "name": "Bolaget AB",
            "org_number": "222000-1116",
        },
    )
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["pointer"] == "/org_number"
    assert "check digit" in wrong.json()["errors"][0]["message"]


async def test_organisation_number_only_in_sweden(client: AsyncClient) -> None:
    response = await client.post(
        ORG_PATH,
        json={
            "type": "city",
            "country_code": "ZA",
            "name": "Stellenbosch",
            "org_number": "222000-1115",
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule.organisation-number-swedish-only"


async def test_unknown_country_is_a_named_rule(client: AsyncClient) -> None:
    response = await client.post(ORG_PATH, json={"type": "city", "country_code": "QQ", "name": "X"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "rule.unknown-country"
    assert body["errors"][0]["pointer"] == "/country_code"


async def test_duplicate_organisation_number_is_409(client: AsyncClient) -> None:
    await create_organisation(
        client,
        type="joint_committee",
        country_code="SE",
        name="Gemensam nämnd A",
        org_number="2220001115",
    )
    response = await client.post(
        ORG_PATH,
        json={
            "type": "joint_committee",
            "country_code": "SE",
            "name": "Gemensam nämnd B",
            "org_number": "222000-1115",
        },
    )
    assert response.status_code == 409
    assert response.json()["constraint"] == "uq_organisations_org_number"


async def test_merge_patch_changes_only_what_is_sent(client: AsyncClient) -> None:
    made = await create_organisation(client, name_en="Chililabombwe")
    url = f"{ORG_PATH}/{made['id']}"
    response = await client.patch(
        url,
        json={"name": "Chililabombwe Town Council", "name_en": None},
        headers={"content-type": "application/merge-patch+json", "If-Match": '"v1"'},
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["name_en"], body["country_code"]) == (
        "Chililabombwe Town Council",
        None,
        "ZM",
    )
    assert response.headers["etag"] == '"v2"'
    assert body["updated_at"] > made["updated_at"]


async def test_stale_if_match_is_412_and_changes_nothing(client: AsyncClient) -> None:
    made = await create_organisation(client)
    url = f"{ORG_PATH}/{made['id']}"
    first = await client.patch(url, json={"name": "First writer"}, headers={"If-Match": '"v1"'})
    assert first.status_code == 200
    second = await client.patch(url, json={"name": "Second writer"}, headers={"If-Match": '"v1"'})
    assert second.status_code == 412
    assert second.json()["code"] == "precondition-failed"
    assert second.json()["current_etag"] == '"v2"'
    assert (await client.get(url)).json()["name"] == "First writer"
    gone = await client.delete(url, headers={"If-Match": '"v1"'})
    assert gone.status_code == 412
    assert (await client.get(url)).status_code == 200


async def test_changes_without_if_match_are_428(client: AsyncClient) -> None:
    made = await create_organisation(client)
    url = f"{ORG_PATH}/{made['id']}"
    for response in (
        await client.patch(url, json={"name": "Blind write"}),
        await client.patch(url, json={"name": "Blind write"}, headers={"If-Match": ""}),
        await client.delete(url, headers={"If-Match": " "}),
        await client.delete(url),
    ):
        assert response.status_code == 428
        assert response.json()["code"] == "precondition-required"
    assert (await client.get(url)).json()["name"] == made["name"]


async def test_patch_null_on_a_required_field_is_422(client: AsyncClient) -> None:
    made = await create_organisation(client)
    response = await client.patch(
        f"{ORG_PATH}/{made['id']}", json={"name": None}, headers={"If-Match": '"v1"'}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/name"


async def test_patch_runs_the_same_rules_as_create(client: AsyncClient) -> None:
    made = await create_organisation(client)
    response = await client.patch(
        f"{ORG_PATH}/{made['id']}", json={"country_code": "SE"}, headers={"If-Match": '"v1"'}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule.swedish-reference-organisation"


async def test_reference_identity_is_fixed_but_english_name_can_change(
    client: AsyncClient,
) -> None:
    alingsas = await reference_municipality(client, "1489")
    url = f"{ORG_PATH}/{alingsas['id']}"
    renamed = await client.patch(url, json={"name": "Alingsås stad"}, headers={"If-Match": '"v1"'})
    assert renamed.status_code == 422
    assert renamed.json()["code"] == "rule.reference-organisation-fixed"
    english = await client.patch(
        url, json={"name_en": "Alingsås Municipality"}, headers={"If-Match": '"v1"'}
    )
    assert english.status_code == 200
    assert english.json()["name_en"] == "Alingsås Municipality"
    deleted = await client.delete(url, headers={"If-Match": '"v2"'})
    assert deleted.status_code == 409


async def test_delete_and_then_404(client: AsyncClient) -> None:
    made = await create_organisation(client)
    url = f"{ORG_PATH}/{made['id']}"
    assert (await client.delete(url, headers={"If-Match": '"v1"'})).status_code == 204
    assert (await client.get(url)).status_code == 404
    assert (await client.delete(url)).status_code == 404


async def test_an_organisation_with_people_cannot_be_deleted(client: AsyncClient) -> None:
    made = await create_organisation(client)
    await create_person(client, made["id"])
    response = await client.delete(f"{ORG_PATH}/{made['id']}", headers={"If-Match": '"v1"'})
    assert response.status_code == 409
    assert response.json()["constraint"] == "fk_people_organisation_id_organisations"


async def test_get_with_current_etag_is_304(client: AsyncClient) -> None:
    made = await create_organisation(client)
    url = f"{ORG_PATH}/{made['id']}"
    assert (await client.get(url, headers={"If-None-Match": '"v1"'})).status_code == 304


async def names(client: AsyncClient, **params: str) -> list[str]:
    response = await client.get(ORG_PATH, params=params)
    assert response.status_code == 200, response.text
    return [o["name"] for o in response.json()["items"]]


async def test_search_by_prefix_with_swedish_letters(client: AsyncClient) -> None:
    assert await names(client, q="Karl") == [
        "Karlsborgs kommun",
        "Karlshamns kommun",
        "Karlskoga kommun",
        "Karlskrona kommun",
        "Karlstads kommun",
    ]
    assert await names(client, q="åre") == ["Åre kommun"]
    assert await names(client, q="upplands bro") == ["Upplands-Bro kommun"]


async def test_search_stems_english_names(client: AsyncClient) -> None:
    await create_organisation(
        client, type="county", country_code="KE", name="Makueni", name_en="Makueni Counties Office"
    )
    assert await names(client, q="county office") == ["Makueni"]


async def test_filters_combine(client: AsyncClient) -> None:
    await create_organisation(client, type="city", country_code="ZA", name="Stellenbosch")
    await create_organisation(client, type="research_institute", country_code="ZA", name="EPRI")
    assert await names(client, country="ZA") == ["EPRI", "Stellenbosch"]
    assert await names(client, country="za", type="city") == ["Stellenbosch"]
    assert await names(client, country="ZA", is_reference="true") == []


async def test_a_coordinator_changes_only_optional_fields_of_its_organisation(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    made = await create_organisation(client, type="county", country_code="KE", name="Makueni")
    url = f"{ORG_PATH}/{made['id']}"
    token = await api_key(connection, Role.coordinator, [uuid.UUID(made["id"])])
    async with authorised(client, token) as coordinator:
        renamed = await coordinator.patch(url, json={"name": "Other"}, headers={"If-Match": '"v1"'})
        assert renamed.status_code == 403
        english = await coordinator.patch(
            url, json={"name_en": "Makueni County"}, headers={"If-Match": '"v1"'}
        )
        assert english.status_code == 200
