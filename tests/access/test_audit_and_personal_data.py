"""The audit trail records every write with its actor; people can be exported and erased."""

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import ORG_PATH, PEOPLE_PATH, create_organisation, create_person

EVENTS = "/api/v1/audit-events"


async def events_of(client: AsyncClient, object_id: str) -> list[dict[str, Any]]:
    response = await client.get(EVENTS, params={"object_id": object_id})
    assert response.status_code == 200
    return list(response.json()["items"])


async def test_create_update_delete_are_recorded_with_before_and_after(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    token = await api_key(connection, Role.programme_officer)
    async with authorised(client, token) as officer:
        made = (
            await officer.post(
                ORG_PATH, json={"type": "city", "country_code": "ZA", "name": "Paarl"}
            )
        ).json()
        url = f"{ORG_PATH}/{made['id']}"
        await officer.patch(url, json={"name": "Drakenstein"}, headers={"If-Match": '"v1"'})
        await officer.delete(url, headers={"If-Match": '"v2"'})
        keys = (await client.get("/api/v1/api-keys")).json()["items"]
        [officer_id] = [k["id"] for k in keys if k["role"] == "programme_officer"]
    events = await events_of(client, made["id"])
    assert [e["action"] for e in events] == ["create", "update", "delete"]
    assert {e["actor_id"] for e in events} == {officer_id}
    assert {e["actor_type"] for e in events} == {"api_key"}
    assert events[0]["changes"]["name"] == [None, "Paarl"]
    assert events[1]["changes"] == {"name": ["Paarl", "Drakenstein"]}
    assert events[2]["changes"]["name"] == ["Drakenstein", None]
    assert all(e["object_type"] == "organisations" for e in events)


async def test_a_refused_write_leaves_no_event(client: AsyncClient) -> None:
    org = await create_organisation(client)
    before = await events_of(client, org["id"])
    refused = await client.patch(
        f"{ORG_PATH}/{org['id']}", json={"country_code": "SE"}, headers={"If-Match": '"v1"'}
    )
    assert refused.status_code == 422
    assert await events_of(client, org["id"]) == before


async def test_filters_by_type_actor_and_time(client: AsyncClient) -> None:
    org = await create_organisation(client)
    person = await create_person(client, org["id"])
    by_type = (await client.get(EVENTS, params={"object_type": "people"})).json()["items"]
    assert [e["object_id"] for e in by_type] == [person["id"]]
    actor = by_type[0]["actor_id"]
    mine = (await client.get(EVENTS, params={"actor_id": actor})).json()["items"]
    assert {e["object_id"] for e in mine} >= {org["id"], person["id"]}
    future = (await client.get(EVENTS, params={"since": "2999-01-01T00:00:00Z"})).json()
    assert future["items"] == []
    event = await client.get(f"{EVENTS}/{by_type[0]['id']}")
    assert event.json()["request_id"] is not None


async def test_the_trail_cannot_be_edited_and_only_admins_read_it(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org = await create_organisation(client)
    event_id = (await events_of(client, org["id"]))[0]["id"]
    for method in ("PATCH", "PUT", "DELETE"):
        response = await client.request(method, f"{EVENTS}/{event_id}", json={})
        assert response.status_code == 405, method
    assert (await client.post(EVENTS, json={})).status_code == 405
    async with authorised(client, await api_key(connection, Role.programme_officer)) as officer:
        assert (await officer.get(EVENTS)).status_code == 403


async def test_contact_details_follow_the_persons_organisation(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org = await create_organisation(client)
    person = await create_person(client, org["id"], email="kabwe@example.org")
    async with authorised(client, await api_key(connection, Role.programme_officer)) as officer:
        seen = (await officer.get(f"{PEOPLE_PATH}/{person['id']}")).json()
        assert seen["email"] == "kabwe@example.org"
    token = await api_key(connection, Role.viewer, [uuid.UUID(org["id"])])
    async with authorised(client, token) as colleague:
        seen = (await colleague.get(f"{PEOPLE_PATH}/{person['id']}")).json()
        assert seen["email"] == "kabwe@example.org"


async def test_export_holds_everything_stored_about_a_person(client: AsyncClient) -> None:
    org = await create_organisation(client)
    person = await create_person(client, org["id"], email="kabwe@example.org")
    await client.patch(
        f"{PEOPLE_PATH}/{person['id']}", json={"title": "Town Clerk"}, headers={"If-Match": '"v1"'}
    )
    export = await client.get(f"{PEOPLE_PATH}/{person['id']}/export")
    assert export.status_code == 200
    body = export.json()
    assert body["person"]["email"] == "kabwe@example.org"
    assert body["person"]["title"] == "Town Clerk"
    assert body["organisation"]["id"] == org["id"]
    assert [e["action"] for e in body["audit_events"]] == ["create", "update"]


async def test_erasure_pseudonymises_and_keeps_links(client: AsyncClient) -> None:
    org = await create_organisation(client)
    person = await create_person(
        client,
        org["id"],
        kind="politician",
        given_name="Esther",
        family_name="Mwangi",
        party="Party A",
        political_side="majority",
        email="esther@example.org",
        phone="+254202222222",
    )
    erased = await client.post(f"{PEOPLE_PATH}/{person['id']}/erase")
    assert erased.status_code == 200
    body = erased.json()
    assert (body["given_name"], body["family_name"]) == ("Erased", f"person {person['id'][:8]}")
    assert (body["email"], body["phone"], body["party"], body["title"]) == (None,) * 4
    assert (body["organisation_id"], body["kind"], body["political_side"]) == (
        org["id"],
        "politician",
        "majority",
    )
    assert body["erased_at"] is not None
    trail = await events_of(client, person["id"])
    assert [e["action"] for e in trail] == ["create", "erase"]
    text = str(trail)
    for secret in ("Esther", "Mwangi", "esther@example.org", "+254202222222", "Party A"):
        assert secret not in text
    assert trail[0]["changes"]["political_side"] == [None, "majority"]
    assert (await client.post(f"{PEOPLE_PATH}/{person['id']}/erase")).status_code == 409


async def test_deleting_a_person_leaves_no_personal_values_in_the_trail(
    client: AsyncClient,
) -> None:
    org = await create_organisation(client)
    person = await create_person(client, org["id"], given_name="Mutinta", email="m@example.org")
    deleted = await client.delete(f"{PEOPLE_PATH}/{person['id']}", headers={"If-Match": '"v1"'})
    assert deleted.status_code == 204
    trail = await events_of(client, person["id"])
    assert [e["action"] for e in trail] == ["create", "delete"]
    assert "Mutinta" not in str(trail)
    assert "m@example.org" not in str(trail)


async def test_an_erased_person_cannot_be_filled_in_again(client: AsyncClient) -> None:
    org = await create_organisation(client)
    person = await create_person(client, org["id"])
    erased = await client.post(f"{PEOPLE_PATH}/{person['id']}/erase")
    response = await client.patch(
        f"{PEOPLE_PATH}/{person['id']}",
        json={"email": "back@example.org"},
        headers={"If-Match": erased.headers.get("etag", '"v2"')},
    )
    assert response.status_code == 409


async def test_times_without_an_offset_are_422_not_500(client: AsyncClient) -> None:
    for params in ({"since": "2026-01-01T00:00:00"}, {"until": "2026-01-01T00:00:00"}):
        response = await client.get(EVENTS, params=params)
        assert response.status_code == 422, params
    for expires_at in ("2030-01-01T00:00:00", "2000-01-01T00:00:00Z"):
        response = await client.post(
            "/api/v1/api-keys", json={"name": "k", "role": "admin", "expires_at": expires_at}
        )
        assert response.status_code == 422, expires_at
        assert response.json()["errors"][0]["pointer"] == "/expires_at"


async def test_the_until_filter_excludes_later_events(client: AsyncClient) -> None:
    org = await create_organisation(client)
    events = await events_of(client, org["id"])
    assert len(events) == 1
    created = events[0]["occurred_at"]
    before = await client.get(EVENTS, params={"object_id": org["id"], "until": created})
    assert before.json()["items"] == []
    after = await client.get(EVENTS, params={"object_id": org["id"], "since": created})
    assert [e["id"] for e in after.json()["items"]] == [events[0]["id"]]
