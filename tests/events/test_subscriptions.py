"""Event types, webhook subscriptions and the outbox, through HTTP (each test rolled back)."""

import uuid
from typing import Any

import pytest
import sqlalchemy as sa
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.models.enums import Role
from app.services.events import subscriptions
from tests.access.test_routes import objects_of
from tests.conftest import api_key, authorised
from tests.factories import create_organisation, create_partnership, create_person

SUBS = "/api/v1/webhook-subscriptions"
PUBLIC_TARGET = "https://93.184.215.14/hooks"  # a public address: no DNS needed in the test


@pytest.fixture(autouse=True)
def allow_loopback(app: Any) -> Any:
    """The tests' receivers run on loopback, as the demo's would."""
    original = app.state.settings
    app.state.settings = original.model_copy(update={"webhook_allow_loopback": True})
    yield
    app.state.settings = original


async def events_about(connection: AsyncConnection, object_id: str) -> list[Any]:
    rows = await connection.execute(
        text("SELECT type, payload, actor_type FROM events WHERE object_id = :id ORDER BY type"),
        {"id": object_id},
    )
    return list(rows)


async def test_each_event_type_is_listed_with_its_payload_schema(client: AsyncClient) -> None:
    response = await client.get("/api/v1/event-types")
    assert response.status_code == 200
    types = {t["name"]: t for t in response.json()["items"]}
    assert {
        "partnership.created",
        "partnership.published",
        "phase.started",
        "phase.terminated",
        "meeting.held",
        "meeting.cancelled",
        "meeting.rescheduled",
        "application.submitted",
        "application.approved",
        "grant.decided",
        "payment.made",
        "person.erased",
        "grant.amended",
        "report.approved",
    } <= set(types)
    erased = types["person.erased"]["payload_schema"]
    assert set(erased["properties"]) == {"id", "organisation_id", "erased_at"}
    assert types["partnership.created"]["payload_schema"]["properties"]["title"]["type"] == "string"


async def test_a_subscription_shows_its_secret_once(client: AsyncClient) -> None:
    created = await client.post(
        SUBS, json={"url": PUBLIC_TARGET, "event_types": ["grant.decided"], "description": "x"}
    )
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert created.headers["cache-control"] == "no-store"
    read = await client.get(created.headers["location"])
    assert read.status_code == 200
    assert "secret" not in read.json()
    assert read.json()["event_types"] == ["grant.decided"]
    listed = await client.get(SUBS)
    assert body["id"] in [s["id"] for s in listed.json()["items"]]
    assert all("secret" not in s for s in listed.json()["items"])


async def test_a_rotated_secret_is_new_and_the_old_one_has_a_grace_period(
    client: AsyncClient,
) -> None:
    created = (await client.post(SUBS, json={"url": PUBLIC_TARGET})).json()
    rotated = await client.post(
        f"{SUBS}/{created['id']}/rotate-secret", headers={"If-Match": '"v1"'}
    )
    assert rotated.status_code == 200, rotated.text
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != created["secret"]
    assert rotated.json()["previous_secret_expires_at"] is not None


async def test_pause_resume_and_delete(client: AsyncClient) -> None:
    created = (await client.post(SUBS, json={"url": PUBLIC_TARGET})).json()
    url = f"{SUBS}/{created['id']}"
    paused = await client.patch(
        url,
        content=b'{"active": false}',
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert paused.status_code == 200, paused.text
    assert paused.json()["active"] is False
    stale = await client.delete(url, headers={"If-Match": '"v1"'})
    assert stale.status_code == 412
    assert (
        await client.delete(url, headers={"If-Match": paused.headers["etag"]})
    ).status_code == 204
    assert (await client.get(url)).status_code == 404


@pytest.mark.parametrize("field", ["url", "event_types", "active"])
async def test_a_patch_may_not_null_a_field_that_always_has_a_value(
    client: AsyncClient, field: str
) -> None:
    created = (await client.post(SUBS, json={"url": PUBLIC_TARGET})).json()
    response = await client.patch(
        f"{SUBS}/{created['id']}",
        json={field: None},
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == f"/{field}"
    unchanged = (await client.get(f"{SUBS}/{created['id']}")).json()
    assert unchanged["url"] == PUBLIC_TARGET and unchanged["active"] is True


async def test_a_patch_nulls_the_description(client: AsyncClient) -> None:
    created = (await client.post(SUBS, json={"url": PUBLIC_TARGET, "description": "x"})).json()
    response = await client.patch(
        f"{SUBS}/{created['id']}",
        json={"description": None},
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text
    assert response.json()["description"] is None


@pytest.mark.parametrize(
    "target",
    [
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "https://10.0.0.5/hooks",  # private
        "https://[fe80::1]/hooks",  # link-local IPv6
        "https://[::ffff:169.254.169.254]/hooks",  # link-local behind an IPv4-mapped address
        "https://[64:ff9b::a9fe:a9fe]/hooks",  # metadata through NAT64
        "https://[64:ff9b:1::a00:1]/hooks",  # private through local-use NAT64
        "https://[2002:a9fe:a9fe::]/hooks",  # metadata through 6to4
        "https://[::a00:1]/hooks",  # private in the IPv4-compatible form
        "https://[fec0::1]/hooks",  # site-local
        "http://93.184.215.14/hooks",  # public, but not https
        "ftp://93.184.215.14/hooks",
    ],
)
async def test_a_target_that_is_not_public_https_is_refused(
    client: AsyncClient, connection: AsyncConnection, target: str
) -> None:
    before = await connection.scalar(text("SELECT count(*) FROM webhook_subscriptions"))
    response = await client.post(SUBS, json={"url": target})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "webhook-target-refused"
    assert response.json()["errors"][0]["pointer"] == "/url"
    assert await connection.scalar(text("SELECT count(*) FROM webhook_subscriptions")) == before


async def test_a_refused_target_is_explained_in_the_callers_language(
    client: AsyncClient,
) -> None:
    target = "https://10.0.0.5/hooks"
    answers = {
        lang: (
            await client.post(SUBS, json={"url": target}, headers={"Accept-Language": lang})
        ).json()
        for lang in ("en", "sv", "es")
    }
    assert answers["en"]["detail"] == (
        "Webhook target refused: the host '10.0.0.5' resolves to 10.0.0.5, which is not a "
        "public address."
    )
    assert answers["sv"]["detail"] == (
        "Webhook-mottagaren avvisades: värden '10.0.0.5' pekar på 10.0.0.5, som inte är en "
        "publik adress."
    )
    assert answers["es"]["detail"] == (
        "Destino del webhook rechazado: el host '10.0.0.5' se resuelve a 10.0.0.5, que no es "
        "una dirección pública."
    )
    assert answers["es"]["errors"][0]["message"] == answers["es"]["detail"]
    assert {a["code"] for a in answers.values()} == {"webhook-target-refused"}


async def test_loopback_is_refused_unless_allowed(app: Any, client: AsyncClient) -> None:
    app.state.settings = app.state.settings.model_copy(update={"webhook_allow_loopback": False})
    response = await client.post(SUBS, json={"url": "http://127.0.0.1:9/hooks"})
    assert response.status_code == 422
    assert response.json()["code"] == "webhook-target-refused"


async def test_unknown_event_types_are_refused(client: AsyncClient) -> None:
    response = await client.post(SUBS, json={"url": PUBLIC_TARGET, "event_types": ["nope.x"]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/event_types"


async def test_a_coordinator_subscribes_only_to_its_own_organisations(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    mine = await create_organisation(client, name="Mine Council")
    other = await create_organisation(client, name="Other Council")
    token = await api_key(connection, Role.coordinator, [uuid.UUID(mine["id"])])
    async with authorised(anonymous, token) as coordinator:
        refused = await coordinator.post(
            SUBS, json={"url": PUBLIC_TARGET, "organisation_ids": [other["id"]]}
        )
        assert refused.status_code == 403
        everything = await coordinator.post(SUBS, json={"url": PUBLIC_TARGET})
        assert everything.status_code == 201
        assert everything.json()["organisation_ids"] == [mine["id"]]
        # Another caller's subscription is not found, as a missing one.
        admins = (await client.post(SUBS, json={"url": PUBLIC_TARGET})).json()
        assert (await coordinator.get(f"{SUBS}/{admins['id']}")).status_code == 404
        assert admins["id"] not in [s["id"] for s in (await coordinator.get(SUBS)).json()["items"]]
    async with authorised(
        anonymous, await api_key(connection, Role.viewer, [uuid.UUID(mine["id"])])
    ) as viewer:
        assert (await viewer.post(SUBS, json={"url": PUBLIC_TARGET})).status_code == 403


async def test_a_change_writes_its_event_in_the_same_transaction(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    partner = await create_organisation(client)
    partnership = await create_partnership(client, partner["id"])
    events = await events_about(connection, partnership["id"])
    assert [e.type for e in events] == ["partnership.created"]
    assert events[0].payload["title"] == partnership["title"]
    assert events[0].actor_type == "api_key"
    published = await client.post(f"/api/v1/partnerships/{partnership['id']}/publish")
    assert published.status_code == 200, published.text
    assert [e.type for e in await events_about(connection, partnership["id"])] == [
        "partnership.created",
        "partnership.published",
    ]


async def test_an_erasure_event_names_no_one(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    organisation = await create_organisation(client)
    person = await create_person(
        client, organisation["id"], given_name="Zebulon", email="zeb@example.org"
    )
    assert await events_about(connection, person["id"]) == []  # creating a person is no event
    assert (await client.post(f"/api/v1/people/{person['id']}/erase")).status_code == 200
    [event] = await events_about(connection, person["id"])
    assert event.type == "person.erased"
    assert set(event.payload) == {"id", "organisation_id", "erased_at"}
    assert "Zebulon" not in str(event.payload) and "Testberg" not in str(event.payload)


async def test_funding_events_carry_their_partnership_for_scoping(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    organisation = await create_organisation(client, name="Funded Council")
    objects = await objects_of(client, organisation["id"])
    rows = await connection.execute(
        text("SELECT type, object_id FROM events WHERE partnership_id = :id"),
        {"id": objects["partnership_id"]},
    )
    found = {(row.type, str(row.object_id)) for row in rows}
    assert {
        ("partnership.created", objects["partnership_id"]),
        ("grant.decided", objects["grant_id"]),
        ("report.approved", objects["report_id"]),
        ("payment.made", objects["payment_id"]),
        ("grant.amended", objects["amendment_id"]),
    } <= found


async def test_a_redelivery_over_the_limit_is_refused_before_anything_is_written(
    client: AsyncClient,
    connection: AsyncConnection,
    engine: AsyncEngine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscription = (await client.post(SUBS, json={"url": PUBLIC_TARGET})).json()
    partner = await create_organisation(client)
    for n in range(3):
        await create_partnership(client, partner["id"], title=f"Redelivered {n}")
    monkeypatch.setattr(subscriptions, "MOST_REDELIVERED", 2)
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    url = f"{SUBS}/{subscription['id']}/redeliver"
    window = {"since": "2000-01-01T00:00:00Z", "until": "2100-01-01T00:00:00Z"}
    sa.event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        refused = await client.post(url, json=window)
    finally:
        sa.event.remove(engine.sync_engine, "before_cursor_execute", record)
    assert (refused.status_code, refused.json()["code"]) == (422, "validation-error")
    assert refused.json()["errors"][0]["pointer"] == "/until"
    assert "More than 2 events" in refused.json()["detail"]
    # Counted first, and refused before a delivery was written or a job deferred.
    assert any("count(*)" in s for s in statements)
    assert not any("webhook_deliveries" in s and "INSERT" in s for s in statements)
    assert not any("webhook_defer" in s for s in statements)
    monkeypatch.setattr(subscriptions, "MOST_REDELIVERED", 3)
    accepted = await client.post(url, json=window)
    assert (accepted.status_code, accepted.json()) == (202, {"deliveries": 3})
    owed = await connection.scalar(
        text("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = :id"),
        {"id": subscription["id"]},
    )
    assert owed == 3
