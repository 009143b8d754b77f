"""Scoping in queries, writes into other organisations, mass assignment, and API keys."""

import hashlib
import uuid

from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import PEOPLE_PATH, create_organisation, create_person


async def two_organisations(client: AsyncClient) -> tuple[dict[str, str], dict[str, str]]:
    a = await create_organisation(client, name="Alpha council")
    b = await create_organisation(client, name="Beta council")
    for org, names in ((a, ("Ada", "Alm")), (b, ("Bea", "Berg"))):
        await create_person(client, org["id"], given_name=names[0], family_name=names[1])
    return a, b


async def test_lists_never_include_other_organisations(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    a, b = await two_organisations(client)
    token = await api_key(connection, Role.coordinator, [uuid.UUID(a["id"])])
    async with authorised(client, token) as coordinator:
        everyone = (await coordinator.get(PEOPLE_PATH, params={"limit": 100})).json()
        assert [p["given_name"] for p in everyone["items"]] == ["Ada"]
        filtered = await coordinator.get(PEOPLE_PATH, params={"organisation_id": b["id"]})
        assert filtered.json() == {
            "items": [],
            "next_cursor": None,
            "prev_cursor": None,
            "total": None,
        }
    staff = (await client.get(PEOPLE_PATH, params={"q": "Bea"})).json()
    assert [p["given_name"] for p in staff["items"]] == ["Bea"]


async def test_a_coordinator_cannot_create_or_move_people_into_another_organisation(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    a, b = await two_organisations(client)
    token = await api_key(connection, Role.coordinator, [uuid.UUID(a["id"])])
    async with authorised(client, token) as coordinator:
        created = await coordinator.post(
            PEOPLE_PATH,
            json={
                "organisation_id": b["id"],
                "kind": "official",
                "given_name": "X",
                "family_name": "Y",
            },
        )
        assert created.status_code == 403
        own = await coordinator.post(
            PEOPLE_PATH,
            json={
                "organisation_id": a["id"],
                "kind": "official",
                "given_name": "Cid",
                "family_name": "Alm",
            },
        )
        assert own.status_code == 201
        moved = await coordinator.patch(
            f"{PEOPLE_PATH}/{own.json()['id']}",
            json={"organisation_id": b["id"]},
            headers={"If-Match": '"v1"'},
        )
        assert moved.status_code == 403
    in_b = (await client.get(PEOPLE_PATH, params={"organisation_id": b["id"]})).json()
    assert [p["given_name"] for p in in_b["items"]] == ["Bea"]


async def test_request_models_refuse_server_owned_fields(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    server_owned = {
        "id",
        "created_at",
        "updated_at",
        "version",
        "erased_at",
        "is_reference",
        "prefix",
        "secret_hash",
        "revoked_at",
        "last_used_at",
        "created_by",
        "last_seen_at",
        "token",
        "eligible_swedish_applicant",
    }
    schemas = spec["components"]["schemas"]
    bodies = [s for n, s in schemas.items() if n.endswith(("Create", "Update"))]
    # A body of several kinds (an amendment) is each of its kinds.
    bodies = [schemas[v["$ref"].rsplit("/", 1)[-1]] for s in bodies for v in s.get("oneOf", [])] + [
        s for s in bodies if "oneOf" not in s
    ]
    assert len(bodies) >= 5
    for schema in bodies:
        assert schema["additionalProperties"] is False
        assert not server_owned & set(schema["properties"])
    org = await create_organisation(client)
    person = await create_person(client, org["id"])
    for field, value in (("erased_at", "2024-01-01T00:00:00Z"), ("id", str(uuid.uuid4()))):
        response = await client.patch(
            f"{PEOPLE_PATH}/{person['id']}", json={field: value}, headers={"If-Match": '"v1"'}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["type"] == "extra_forbidden"


async def test_api_key_lifecycle(client: AsyncClient, connection: AsyncConnection) -> None:
    org = await create_organisation(client)
    created = await client.post(
        "/api/v1/api-keys",
        json={"name": "Intranet", "role": "viewer", "organisation_ids": [org["id"]]},
    )
    assert created.status_code == 201
    assert created.headers["cache-control"] == "no-store"
    key = created.json()
    token = key["token"]
    assert token.startswith(f"pk_{key['prefix']}_")
    assert key["last_used_at"] is None
    stored = (
        await connection.execute(
            text("SELECT secret_hash FROM api_keys WHERE id = :id"), {"id": key["id"]}
        )
    ).scalar_one()
    assert stored == hashlib.sha256(token.encode()).hexdigest()
    shown = await client.get(created.headers["location"])
    assert "token" not in shown.json()

    async with authorised(client, token) as viewer:
        assert (await viewer.get(PEOPLE_PATH)).status_code == 200
        assert (await viewer.get("/api/v1/api-keys")).status_code == 403
    assert (await client.get(created.headers["location"])).json()["last_used_at"] is not None

    revoked = await client.post(f"/api/v1/api-keys/{key['id']}/revoke")
    assert revoked.status_code == 200
    assert revoked.json()["revoked_at"] is not None
    async with authorised(client, token) as viewer:
        refused = await viewer.get(PEOPLE_PATH)
        assert refused.status_code == 401
        assert refused.json()["detail"] == "This API key has been revoked."
    again = await client.post(f"/api/v1/api-keys/{key['id']}/revoke")
    assert again.status_code == 409


async def test_wrong_or_malformed_credentials_are_401(anonymous: AsyncClient) -> None:
    for header in ("Bearer pk_deadbeef_nottherightsecret", "Basic dXNlcjpwYXNz", "Bearer "):
        response = await anonymous.get(PEOPLE_PATH, headers={"Authorization": header})
        assert response.status_code == 401, header
    unconfigured = await anonymous.get(PEOPLE_PATH, headers={"Authorization": "Bearer a.b.c"})
    assert unconfigured.status_code == 401
    assert "not configured" in unconfigured.json()["detail"]


async def test_scoped_keys_need_organisations(client: AsyncClient) -> None:
    response = await client.post("/api/v1/api-keys", json={"name": "x", "role": "coordinator"})
    assert response.status_code == 422
    assert response.json()["code"] == "rule.scoped-role-needs-organisations"


async def test_a_programme_officer_cannot_change_reference_data(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    karlstad = (await client.get("/api/v1/organisations", params={"official_code": "1780"})).json()[
        "items"
    ][0]
    async with authorised(client, await api_key(connection, Role.programme_officer)) as officer:
        response = await officer.patch(
            f"/api/v1/organisations/{karlstad['id']}",
            json={"name_en": "Karlstad Municipality"},
            headers={"If-Match": '"v1"'},
        )
        assert response.status_code == 403
        made = await officer.post(
            "/api/v1/organisations", json={"type": "city", "country_code": "ZA", "name": "Paarl"}
        )
        assert made.status_code == 201


async def test_cors_allows_only_configured_origins(anonymous: AsyncClient) -> None:
    preflight = await anonymous.options(
        "/api/v1/countries",
        headers={"Origin": "https://intranet.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in preflight.headers
