"""Calendar subscriptions through HTTP (docs/calendars.md): a secret URL per feed, made by a
caller who may read the feed, served without credentials with its owner's rights of the moment,
seen and revoked by its owner and by admins, its token never written down by the service."""

import logging
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from opentelemetry import trace
from opentelemetry.trace import INVALID_SPAN_CONTEXT, NonRecordingSpan
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker

from app.main import create_app
from app.models.enums import Role
from app.settings import Settings
from tests.access.test_oidc_http import bearer, kit, oidc_client  # noqa: F401
from tests.access.test_rate_limits import close_rate_limiter, fresh_window
from tests.access.tokens import TokenKit
from tests.conftest import api_key, authorised
from tests.conventions.test_errors import assert_problem
from tests.factories import PARTNERSHIPS_PATH, create_organisation
from tests.partnerships.test_phases import meeting, partnership

SUBS = "/api/v1/calendar-subscriptions"
FEEDS = "/api/v1/calendar-feeds"


async def subscribe(client: AsyncClient, feed: str, object_id: str) -> Any:
    return await client.post(SUBS, json={"feed": feed, f"{feed}_id": object_id})


async def subscribed(client: AsyncClient, feed: str, object_id: str) -> dict[str, Any]:
    response = await subscribe(client, feed, object_id)
    assert response.status_code == 201, response.text
    return dict(response.json())


def feed_path(subscription: dict[str, Any]) -> str:
    return f"{FEEDS}/{subscription['token']}.ics"


@asynccontextmanager
async def read_only(connection: AsyncConnection) -> AsyncIterator[None]:
    """What follows runs as on a read-only replica: a write or a row lock fails."""
    savepoint = await connection.begin_nested()
    await connection.execute(text("SET LOCAL transaction_read_only = on"))
    try:
        yield
    finally:
        await savepoint.rollback()


async def test_the_answer_shows_the_url_once_and_it_serves_the_feed_without_credentials(
    client: AsyncClient, anonymous: AsyncClient
) -> None:
    p = await partnership(client, title="Alingsås - Chililabombwe")
    await meeting(client, p, "2030-05-06", "swedish")
    created = await subscribe(client, "partnership", p["id"])
    assert created.status_code == 201, created.text
    body = created.json()
    token = body["token"]
    assert token.startswith(f"cal_{body['prefix']}_")
    assert len(token) >= 4 + 12 + 1 + 43  # 32 random bytes after the prefix
    assert body["url"] == f"http://testserver{FEEDS}/{token}.ics"
    assert body["webcal_url"] == f"webcal://testserver{FEEDS}/{token}.ics"
    assert (body["feed"], body["partnership_id"], body["organisation_id"]) == (
        "partnership",
        p["id"],
        None,
    )
    assert (body["owner_type"], body["last_used_at"]) == ("api_key", None)
    assert created.headers["cache-control"] == "no-store"
    assert created.headers["location"] == f"{SUBS}/{body['id']}"

    served = await anonymous.get(feed_path(body))
    assert served.status_code == 200, served.text
    assert served.headers["content-type"] == "text/calendar; charset=utf-8"
    assert served.headers["cache-control"] == "private, no-cache"
    own = await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics")
    assert served.content == own.content
    again = await anonymous.get(feed_path(body), headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304

    read = await client.get(created.headers["location"])
    assert read.status_code == 200
    assert "token" not in read.json() and "url" not in read.json()
    assert read.json()["last_used_at"] is not None
    listed = (await client.get(SUBS)).json()["items"]
    assert [s["id"] for s in listed] == [body["id"]]
    assert all(key not in listed[0] for key in ("token", "url", "webcal_url"))


async def test_an_organisations_subscription_serves_its_whole_calendar(
    client: AsyncClient, anonymous: AsyncClient
) -> None:
    p = await partnership(client)
    await meeting(client, p, "2030-05-06", "partner")
    organisation = p["partner_ids"][0]
    body = await subscribed(client, "organisation", organisation)
    served = await anonymous.get(feed_path(body))
    assert served.status_code == 200, served.text
    own = await client.get(f"/api/v1/organisations/{organisation}/calendar.ics")
    assert served.content == own.content
    assert b"BEGIN:VEVENT" in served.content


async def test_a_retry_with_its_idempotency_key_makes_another_as_the_token_is_never_kept(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    request = {"feed": "partnership", "partnership_id": p["id"]}
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first, retry = [await client.post(SUBS, json=request, headers=headers) for _ in range(2)]
    assert (first.status_code, retry.status_code) == (201, 201)
    assert "idempotent-replayed" not in retry.headers
    assert first.json()["token"] != retry.json()["token"]
    assert len((await client.get(SUBS)).json()["items"]) == 2


@pytest.fixture
def public_base_url(app: Any) -> Iterator[str]:
    original = app.state.settings
    base = "https://partnerships.example.org/"
    app.state.settings = original.model_copy(update={"public_base_url": base})
    yield base
    app.state.settings = original


async def test_behind_a_public_address_the_urls_are_https_and_webcal(
    client: AsyncClient, public_base_url: str
) -> None:
    p = await partnership(client)
    body = await subscribed(client, "partnership", p["id"])
    path = f"{FEEDS}/{body['token']}.ics"
    assert body["url"] == f"https://partnerships.example.org{path}"
    assert body["webcal_url"] == f"webcal://partnerships.example.org{path}"


async def test_a_subscription_names_its_feeds_object_and_nothing_else(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    for body in (
        {"feed": "partnership", "organisation_id": p["partner_ids"][0]},
        {"feed": "organisation", "partnership_id": p["id"]},
        {
            "feed": "partnership",
            "partnership_id": p["id"],
            "organisation_id": p["swedish_party_id"],
        },
        {"feed": "partnership"},
        {"feed": "network", "partnership_id": p["id"]},
    ):
        response = await client.post(SUBS, json=body)
        assert_problem(response, 422, "validation-error")
    missing = await subscribe(client, "partnership", str(uuid.uuid4()))
    assert_problem(missing, 404, "not-found")
    assert (await client.get(SUBS)).json()["items"] == []


async def test_who_may_subscribe_and_who_sees_and_revokes_a_subscription(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    ours = await partnership(client)
    theirs = await partnership(client, title="Another partnership")
    mine = ours["partner_ids"][0]
    coordinator = await api_key(connection, Role.coordinator, [uuid.UUID(mine)])
    viewer = await api_key(connection, Role.viewer, [uuid.UUID(mine)])
    other = await api_key(connection, Role.coordinator, [uuid.UUID(theirs["partner_ids"][0])])
    async with (
        authorised(client, coordinator) as alice,
        authorised(client, viewer) as vera,
        authorised(client, other) as olle,
    ):
        # Only a feed the caller may read, as the feed itself answers (404, not 403).
        for feed, object_id in (
            ("partnership", theirs["id"]),
            ("organisation", theirs["partner_ids"][0]),
        ):
            assert_problem(await subscribe(alice, feed, object_id), 404, "not-found")
        alices = await subscribed(alice, "partnership", ours["id"])
        assert alices["owner_type"] == "api_key"
        await subscribed(alice, "organisation", mine)
        veras = await subscribed(vera, "partnership", ours["id"])  # reading is enough
        assert (await anonymous.get(feed_path(veras))).status_code == 200

        # Each sees and revokes only its own subscriptions.
        assert [s["id"] for s in (await olle.get(SUBS)).json()["items"]] == []
        assert sorted(s["feed"] for s in (await alice.get(SUBS)).json()["items"]) == [
            "organisation",
            "partnership",
        ]
        assert_problem(await olle.get(f"{SUBS}/{alices['id']}"), 404, "not-found")
        assert_problem(await vera.delete(f"{SUBS}/{alices['id']}"), 404, "not-found")
        assert (await anonymous.get(feed_path(alices))).status_code == 200

        revoked = await alice.delete(f"{SUBS}/{veras['id']}")
        assert revoked.status_code == 404
        assert (await vera.delete(f"{SUBS}/{veras['id']}")).status_code == 204
        assert (await anonymous.get(feed_path(veras))).status_code == 404
        assert (await vera.get(SUBS)).json()["items"] == []

    # Admins see everyone's, and revoke them.
    everyone = (await client.get(SUBS)).json()["items"]
    assert [s["owner_id"] for s in everyone] == [everyone[0]["owner_id"]] * 2
    assert alices["id"] in [s["id"] for s in everyone]
    assert (await client.get(f"{SUBS}/{alices['id']}")).status_code == 200
    assert (await client.delete(f"{SUBS}/{alices['id']}")).status_code == 204
    assert_problem(await anonymous.get(feed_path(alices)), 404, "not-found")


async def test_every_address_that_serves_nothing_answers_the_same_404(
    client: AsyncClient, anonymous: AsyncClient
) -> None:
    p = await partnership(client)
    body = await subscribed(client, "partnership", p["id"])
    assert (await client.delete(f"{SUBS}/{body['id']}")).status_code == 204
    answers = [
        await anonymous.get(path)
        for path in (
            feed_path(body),  # revoked
            f"{FEEDS}/cal_{body['prefix']}_{'A' * 43}.ics",  # a known prefix, a wrong secret
            f"{FEEDS}/cal_000000000000_{'A' * 43}.ics",  # unknown
            f"{FEEDS}/anything.ics",
        )
    ]
    details = {(r.status_code, r.json()["code"], r.json()["detail"]) for r in answers}
    assert details == {(404, "not-found", "No calendar feed at this address.")}


async def test_the_feed_is_served_with_its_owners_rights_of_each_fetch(
    client: AsyncClient,
    anonymous: AsyncClient,
    connection: AsyncConnection,
    oidc_client: AsyncClient,  # noqa: F811
    kit: TokenKit,  # noqa: F811
) -> None:
    p = await partnership(client)
    mine = p["partner_ids"][0]
    elsewhere = await create_organisation(client, name="Another council")

    # A user's rights are those of its last token: moved to another organisation, the feed of
    # its old partnership is closed, and open again when it comes back.
    first = kit.token("anna@chililabombwe", role="coordinator", organisations=[mine])
    made = await oidc_client.post(
        SUBS, json={"feed": "partnership", "partnership_id": p["id"]}, headers=bearer(first)
    )
    assert made.status_code == 201, made.text
    users = (await client.get("/api/v1/users")).json()["items"]
    assert (made.json()["owner_type"], made.json()["owner_id"]) == ("user", users[0]["id"])
    url = feed_path(made.json())
    assert (await anonymous.get(url)).status_code == 200
    moved = kit.token("anna@chililabombwe", role="coordinator", organisations=[elsewhere["id"]])
    assert (await oidc_client.get(SUBS, headers=bearer(moved))).status_code == 200
    closed = await anonymous.get(url)
    assert (closed.status_code, closed.json()["detail"]) == (
        404,
        "No calendar feed at this address.",
    )
    assert (await oidc_client.get(SUBS, headers=bearer(first))).status_code == 200
    assert (await anonymous.get(url)).status_code == 200

    # An API key's subscriptions close when the key is revoked, or expires.
    coordinator = await api_key(connection, Role.coordinator, [uuid.UUID(mine)])
    async with authorised(client, coordinator) as alice:
        alices = await subscribed(alice, "organisation", mine)
    key_id = alices["owner_id"]
    assert (await anonymous.get(feed_path(alices))).status_code == 200
    await connection.execute(
        text("UPDATE api_keys SET expires_at = now() - interval '1 s' WHERE id = :id"),
        {"id": key_id},
    )
    assert (await anonymous.get(feed_path(alices))).status_code == 404
    await connection.execute(
        text("UPDATE api_keys SET expires_at = NULL WHERE id = :id"), {"id": key_id}
    )
    assert (await anonymous.get(feed_path(alices))).status_code == 200
    assert (await client.post(f"/api/v1/api-keys/{key_id}/revoke")).status_code == 200
    assert (await anonymous.get(feed_path(alices))).status_code == 404
    # ... and admins still see the subscription, to delete it.
    assert (await client.get(f"{SUBS}/{alices['id']}")).status_code == 200


async def test_a_fetch_records_its_use_at_most_once_a_minute(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    await meeting(client, p, "2030-05-06", "swedish")
    body = await subscribed(client, "partnership", p["id"])
    before = datetime.now(UTC)
    assert (await anonymous.get(feed_path(body))).status_code == 200
    used = (await client.get(f"{SUBS}/{body['id']}")).json()["last_used_at"]
    assert datetime.fromisoformat(used) >= before - timedelta(seconds=1)
    # Fetched again within the minute, the feed is read and nothing is written or locked: it
    # would be served by a read-only replica.
    async with read_only(connection):
        again = await anonymous.get(feed_path(body))
        assert again.status_code == 200, again.text
    assert (await client.get(f"{SUBS}/{body['id']}")).json()["last_used_at"] == used
    # A minute later, the next fetch records it again.
    await connection.execute(
        text("UPDATE calendar_subscriptions SET last_used_at = last_used_at - interval '61 s'")
    )
    assert (await anonymous.get(feed_path(body))).status_code == 200
    later = (await client.get(f"{SUBS}/{body['id']}")).json()["last_used_at"]
    assert later > used


async def test_subscriptions_are_in_the_audit_trail_without_their_secret(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    body = await subscribed(client, "partnership", p["id"])
    assert (await client.delete(f"{SUBS}/{body['id']}")).status_code == 204
    events = (await client.get("/api/v1/audit-events", params={"object_id": body["id"]})).json()[
        "items"
    ]
    assert [(e["action"], e["object_type"], e["actor_type"]) for e in events] == [
        ("create", "calendar_subscriptions", "api_key"),
        ("delete", "calendar_subscriptions", "api_key"),
    ]
    assert "secret_hash" not in events[0]["changes"]
    assert events[0]["changes"]["prefix"] == [None, body["prefix"]]
    assert body["token"] not in str(events)


class RecordingSpan(NonRecordingSpan):
    """The part of a tracing span the service writes to, kept for the test to read."""

    def __init__(self) -> None:
        super().__init__(INVALID_SPAN_CONTEXT)
        self.attributes: dict[str, Any] = {}

    def is_recording(self) -> bool:
        return True

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value


async def test_the_token_is_never_written_down_by_the_service(
    client: AsyncClient, anonymous: AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    p = await partnership(client)
    body = await subscribed(client, "partnership", p["id"])
    token, prefix = body["token"], body["prefix"]
    redacted = f"{FEEDS}/cal_{prefix}_[redacted].ics"
    span = RecordingSpan()
    with caplog.at_level(logging.INFO, logger="partnership_api.access"), trace.use_span(span):
        assert (await anonymous.get(feed_path(body))).status_code == 200
    assert [r.__dict__["path"] for r in caplog.records if r.name == "partnership_api.access"] == [
        redacted
    ]
    assert span.attributes == {"url.path": redacted}  # FastAPI's telemetry span, when on
    assert token not in caplog.text

    # A refused address keeps only what it shows of a token, in the problem and in the log.
    assert (await client.delete(f"{SUBS}/{body['id']}")).status_code == 204
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="partnership_api.access"):
        gone = await anonymous.get(feed_path(body))
        junk = await anonymous.get(f"{FEEDS}/my-secret-token")  # not a feed's address at all
    assert gone.json()["instance"] == redacted
    assert token not in gone.text
    assert junk.json()["instance"] == f"{FEEDS}/[redacted]"
    assert junk.json()["detail"] == f"No route GET {FEEDS}/[redacted]."
    assert token not in caplog.text and "my-secret-token" not in caplog.text


async def test_a_feeds_address_is_limited_as_any_request_without_credentials(
    client: AsyncClient, settings: Settings, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    body = await subscribed(client, "partnership", p["id"])
    limited = create_app(settings.model_copy(update={"rate_limit_anonymous_per_minute": 2}))
    limited.state.sessionmaker = async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    transport = ASGITransport(app=limited, raise_app_exceptions=False)
    await fresh_window()
    try:
        async with AsyncClient(transport=transport, base_url="http://testserver") as calendar_app:
            answers = [await calendar_app.get(feed_path(body)) for _ in range(3)]
    finally:
        await close_rate_limiter(limited)
    assert [r.status_code for r in answers] == [200, 200, 429]
    assert answers[0].headers["ratelimit-limit"] == "2"
    assert answers[-1].json()["instance"] == f"{FEEDS}/cal_{body['prefix']}_[redacted].ics"
