"""People: politicians and officials, with the rules on parties and contact details."""

from httpx import AsyncClient

from tests.factories import PEOPLE_PATH, create_organisation, create_person


async def test_politician_is_created_with_side_and_normalised_phone(client: AsyncClient) -> None:
    org = await create_organisation(client, type="county", country_code="KE", name="Makueni County")
    response = await client.post(
        PEOPLE_PATH,
        json={
            "organisation_id": org["id"],
            "kind": "politician",
            "given_name": " Esther ",
            "family_name": "Placeholder",
            "title": "Deputy Governor",
            "party": "Party A",
            "political_side": "majority",
            "email": "esther@example.org",
            "phone": "+254 20 2222222",
        },
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/api/v1/people/{body['id']}"
    assert body["given_name"] == "Esther"
    assert body["phone"] == "+254202222222"


async def test_politician_without_side_breaks_a_rule(client: AsyncClient) -> None:
    org = await create_organisation(client)
    response = await client.post(
        PEOPLE_PATH,
        json={
            "organisation_id": org["id"],
            "kind": "politician",
            "given_name": "A",
            "family_name": "B",
            "party": "S",
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule.politician-political-side"


async def test_official_with_a_party_breaks_a_rule(client: AsyncClient) -> None:
    org = await create_organisation(client)
    response = await client.post(
        PEOPLE_PATH,
        json={
            "organisation_id": org["id"],
            "kind": "official",
            "given_name": "A",
            "family_name": "B",
            "party": "M",
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule.official-has-no-party"


async def test_contact_details_are_validated(client: AsyncClient) -> None:
    org = await create_organisation(client)
    response = await client.post(
        PEOPLE_PATH,
        json={
            "organisation_id": org["id"],
            "kind": "official",
            "given_name": "A",
            "family_name": "B",
            "email": "not-an-address",
            "phone": "12345",
        },
    )
    assert response.status_code == 422
    assert {e["pointer"] for e in response.json()["errors"]} == {"/email", "/phone"}


async def test_unknown_organisation_is_a_named_rule(client: AsyncClient) -> None:
    response = await client.post(
        PEOPLE_PATH,
        json={
            "organisation_id": "6f1d8a52-3c2e-4f57-9a8e-1c0de5ab1e00",
            "kind": "official",
            "given_name": "A",
            "family_name": "B",
        },
    )
    assert response.status_code == 422
    assert response.json()["code"] == "rule.unknown-organisation"


async def test_patch_to_official_must_clear_the_party(client: AsyncClient) -> None:
    org = await create_organisation(client)
    person = await create_person(
        client, org["id"], kind="politician", party="C", political_side="opposition"
    )
    url = f"{PEOPLE_PATH}/{person['id']}"
    refused = await client.patch(url, json={"kind": "official"}, headers={"If-Match": '"v1"'})
    assert refused.status_code == 422
    assert refused.json()["code"] == "rule.official-has-no-party"
    changed = await client.patch(
        url,
        json={"kind": "official", "party": None, "political_side": None, "title": "Strateg"},
        headers={"If-Match": '"v1"'},
    )
    assert changed.status_code == 200, changed.text
    assert (changed.json()["kind"], changed.json()["party"]) == ("official", None)
    assert changed.headers["etag"] == '"v2"'


async def test_list_filters_and_order(client: AsyncClient) -> None:
    org = await create_organisation(client)
    other = await create_organisation(client, name="Other council")
    await create_person(client, org["id"], given_name="Bo", family_name="Ödman")
    await create_person(client, org["id"], given_name="Ann", family_name="Berg")
    await create_person(
        client,
        org["id"],
        kind="politician",
        given_name="Cai",
        family_name="Berg",
        political_side="opposition",
    )
    await create_person(client, other["id"], given_name="Dan", family_name="Able")
    response = await client.get(PEOPLE_PATH, params={"organisation_id": org["id"]})
    assert [(p["family_name"], p["given_name"]) for p in response.json()["items"]] == [
        ("Berg", "Ann"),
        ("Berg", "Cai"),
        ("Ödman", "Bo"),
    ]
    opposition = await client.get(
        PEOPLE_PATH, params={"organisation_id": org["id"], "political_side": "opposition"}
    )
    assert [p["given_name"] for p in opposition.json()["items"]] == ["Cai"]
    found = await client.get(PEOPLE_PATH, params={"q": "ödm"})
    assert [p["given_name"] for p in found.json()["items"]] == ["Bo"]


async def test_delete_person(client: AsyncClient) -> None:
    org = await create_organisation(client)
    person = await create_person(client, org["id"])
    url = f"{PEOPLE_PATH}/{person['id']}"
    assert (await client.delete(url, headers={"If-Match": '"v1"'})).status_code == 204
    assert (await client.get(url)).status_code == 404


async def test_rule_errors_point_at_their_field(client: AsyncClient) -> None:
    org = await create_organisation(client)
    response = await client.post(
        PEOPLE_PATH,
        json={
            "organisation_id": org["id"],
            "kind": "politician",
            "given_name": "A",
            "family_name": "B",
        },
    )
    assert response.json()["errors"][0]["pointer"] == "/political_side"


async def test_control_characters_and_long_names_are_422_not_5xx(client: AsyncClient) -> None:
    org = await create_organisation(client)
    for fields in ({"given_name": "A\u0000"}, {"family_name": "B" * 101}):
        response = await client.post(
            PEOPLE_PATH,
            json={
                "organisation_id": org["id"],
                "kind": "official",
                "given_name": "A",
                "family_name": "B",
                **fields,
            },
        )
        assert response.status_code == 422, fields
    search = await client.get(PEOPLE_PATH, params={"q": "a\u0000"})
    assert search.status_code == 422
