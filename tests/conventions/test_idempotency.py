"""`Idempotency-Key` on every POST (docs/conventions.md, "Idempotency-Key"): a retry gets the
first answer without running again, a key is its caller's own, and two requests racing with one
key never both run (the last tests, on a scratch database with real connections)."""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession, create_async_engine

from app.api.idempotency import HEADER, KINDS, MAX_KEY_LENGTH, REPLAYED_HEADER
from app.core.i18n import english
from app.core.principal import system_principal
from app.db.migrations import upgrade_to_head
from app.main import create_app
from app.models.enums import Role
from app.schemas.access import ApiKeyCreate
from app.services import idempotency as keys
from app.services.access.api_keys import create_api_key
from app.services.funding import payments
from app.services.jobs import SWEEP_TASK, make_queue
from app.settings import Settings
from tests.conftest import api_key, authorised, create_database, drop_database
from tests.factories import PARTNERSHIPS_PATH, PEOPLE_PATH, create_organisation
from tests.funding.helpers import GRANTS, create_grant, line_id, partnership, sek
from tests.funding.test_grants import cost, decide, report
from tests.partnerships.test_phases import meeting


async def filed_report(client: AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A grant and a report of 250,000 SEK on it, not yet approved."""
    grant = await create_grant(client, await partnership(client))
    filed = await report(client, grant, "interim", 1, cost(line_id(grant, "travel", 1), "250000"))
    assert filed.status_code == 201, filed.text
    return grant, filed.json()


def payment(
    report_: dict[str, Any], amount: str = "100000", reference: str = "UTB 4711"
) -> dict[str, Any]:
    return {
        "report_id": report_["id"],
        "amount": sek(amount),
        "paid_on": "2020-11-30",
        "reference": reference,
    }


async def pay(
    client: AsyncClient, grant: dict[str, Any], body: dict[str, Any], key: str | None
) -> Response:
    headers = {HEADER: key} if key is not None else {}
    return await client.post(f"{GRANTS}/{grant['id']}/payments", json=body, headers=headers)


async def paid(client: AsyncClient, grant: dict[str, Any]) -> list[dict[str, Any]]:
    listed = await client.get(f"{GRANTS}/{grant['id']}/payments")
    assert listed.status_code == 200, listed.text
    return list(listed.json())


def same_answer(first: Response, again: Response) -> None:
    assert again.status_code == first.status_code
    assert again.content == first.content
    for name in ("content-type", "location", "etag"):
        assert again.headers.get(name) == first.headers.get(name)
    assert REPLAYED_HEADER.lower() not in first.headers
    assert again.headers[REPLAYED_HEADER] == "true"


async def test_a_payment_posted_twice_with_one_key_is_made_once(client: AsyncClient) -> None:
    grant, filed = await filed_report(client)
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    key = str(uuid.uuid4())
    first = await pay(client, grant, payment(filed), key)
    assert first.status_code == 201, first.text
    assert first.headers["location"].endswith(f"/payments/{first.json()['id']}")
    again = await pay(client, grant, payment(filed), key)
    same_answer(first, again)
    assert [p["id"] for p in await paid(client, grant)] == [first.json()["id"]]
    # The same body written differently (another order, spaces) is the same request.
    body = payment(filed)
    reordered = dict(reversed(list(body.items())))
    third = await client.post(
        f"{GRANTS}/{grant['id']}/payments",
        content=" ".join(__import__("json").dumps(reordered).split(" ")) + "\n",
        headers={HEADER: key, "Content-Type": "application/json"},
    )
    same_answer(first, third)
    assert len(await paid(client, grant)) == 1


async def test_without_a_key_every_post_runs(client: AsyncClient) -> None:
    grant, filed = await filed_report(client)
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    first = await pay(client, grant, payment(filed, "1000", "UTB 1"), None)
    second = await pay(client, grant, payment(filed, "1000", "UTB 2"), None)
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json()["id"] != second.json()["id"]
    assert REPLAYED_HEADER.lower() not in second.headers
    assert len(await paid(client, grant)) == 2


async def test_a_key_reused_for_another_request_is_refused(client: AsyncClient) -> None:
    grant, filed = await filed_report(client)
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    key = "payment-4711"
    first = await pay(client, grant, payment(filed, "1000"), key)
    assert first.status_code == 201, first.text
    other_body = await pay(client, grant, payment(filed, "2000"), key)
    assert other_body.status_code == 422
    assert other_body.json()["code"] == "idempotency-key-reused"
    assert other_body.headers["content-type"] == "application/problem+json"
    other_path = await client.post(
        PEOPLE_PATH, headers={HEADER: key}, json={"given_name": "Anna", "family_name": "Ek"}
    )
    assert (other_path.status_code, other_path.json()["code"]) == (422, "idempotency-key-reused")
    assert [p["amount"]["amount"] for p in await paid(client, grant)] == ["1000.00"]


async def test_a_refusal_is_kept_and_replayed(client: AsyncClient) -> None:
    grant, filed = await filed_report(client)
    key = str(uuid.uuid4())
    early = await pay(client, grant, payment(filed), key)  # the report is not approved yet
    assert (early.status_code, early.json()["code"]) == (422, "rule.payment-after-approved-report")
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    # Now the payment would be made, but the key's answer is the refusal: it is not run again.
    again = await pay(client, grant, payment(filed), key)
    same_answer(early, again)
    assert await paid(client, grant) == []
    # A new key is a new request.
    fresh = await pay(client, grant, payment(filed), str(uuid.uuid4()))
    assert fresh.status_code == 201, fresh.text


async def test_another_if_match_with_the_same_key_is_another_request(client: AsyncClient) -> None:
    p = await partnership(client)
    m = await meeting(client, p, "2020-04-20", "swedish")
    url = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{m['id']}"
    moved = await client.patch(url, json={"place": "Town hall"}, headers={"If-Match": '"v1"'})
    assert moved.headers["etag"] == '"v2"'
    key = str(uuid.uuid4())
    stale = await client.post(f"{url}/hold", json={}, headers={HEADER: key, "If-Match": '"v1"'})
    assert (stale.status_code, stale.json()["code"]) == (412, "precondition-failed")
    # The same request again (a retry after a timeout) gets its answer, the 412.
    same_answer(
        stale, await client.post(f"{url}/hold", json={}, headers={HEADER: key, "If-Match": '"v1"'})
    )
    # Read again and sent with the current ETag, it is another request (draft-ietf-httpapi-
    # idempotency-key-header: the key's fingerprint covers the request): refused, not
    # replayed as the old 412, and not run.
    current = (await client.get(url)).headers["etag"]
    reused = await client.post(f"{url}/hold", json={}, headers={HEADER: key, "If-Match": current})
    assert (reused.status_code, reused.json()["code"]) == (422, "idempotency-key-reused")
    assert (await client.get(url)).json()["status"] == "planned"
    held = await client.post(
        f"{url}/hold", json={}, headers={HEADER: str(uuid.uuid4()), "If-Match": current}
    )
    assert (held.status_code, held.json()["status"]) == (200, "held")


async def test_a_conflict_from_the_database_and_a_bad_body_are_kept_too(
    client: AsyncClient,
) -> None:
    grant, filed = await filed_report(client)
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    assert (await pay(client, grant, payment(filed, "1000", "UTB 9"), None)).status_code == 201
    key = str(uuid.uuid4())
    duplicate = await pay(client, grant, payment(filed, "2000", "UTB 9"), key)
    assert (duplicate.status_code, duplicate.json()["code"]) == (409, "conflict")  # a unique index
    same_answer(duplicate, await pay(client, grant, payment(filed, "2000", "UTB 9"), key))
    invalid = await pay(client, grant, {"report_id": filed["id"]}, key + "-2")
    assert (invalid.status_code, invalid.json()["code"]) == (422, "validation-error")
    same_answer(invalid, await pay(client, grant, {"report_id": filed["id"]}, key + "-2"))
    assert len(await paid(client, grant)) == 1


async def test_a_crash_keeps_nothing_and_a_retry_runs(
    client: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    grant, filed = await filed_report(client)
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    real_pay = payments.pay

    async def pay_then_fail(*args: Any) -> Any:
        await real_pay(*args)  # the payment is flushed, then the request fails
        raise RuntimeError("the process fell over")

    monkeypatch.setattr(payments, "pay", pay_then_fail)
    key = str(uuid.uuid4())
    failed = await pay(client, grant, payment(filed), key)
    assert (failed.status_code, failed.json()["code"]) == (500, "internal-error")
    monkeypatch.setattr(payments, "pay", real_pay)
    assert await paid(client, grant) == []
    retried = await pay(client, grant, payment(filed), key)
    assert retried.status_code == 201, retried.text
    assert REPLAYED_HEADER.lower() not in retried.headers
    assert len(await paid(client, grant)) == 1


async def test_keys_are_their_callers_own(client: AsyncClient, connection: AsyncConnection) -> None:
    org = await create_organisation(client)
    person = {"organisation_id": org["id"], "kind": "official", "given_name": "Anna"}
    key = "shared-key"
    async with (
        authorised(client, await api_key(connection, Role.programme_officer)) as one,
        authorised(client, await api_key(connection, Role.programme_officer)) as other,
    ):
        first = await one.post(
            PEOPLE_PATH, headers={HEADER: key}, json=person | {"family_name": "Ek"}
        )
        assert first.status_code == 201, first.text
        # The other caller's key of the same name is another key: neither replayed nor refused.
        theirs = await other.post(
            PEOPLE_PATH, headers={HEADER: key}, json=person | {"family_name": "Ek"}
        )
        assert theirs.status_code == 201, theirs.text
        assert theirs.json()["id"] != first.json()["id"]
        assert REPLAYED_HEADER.lower() not in theirs.headers
        different = await other.post(
            PEOPLE_PATH, headers={HEADER: "another"}, json=person | {"family_name": "Al"}
        )
        assert different.status_code == 201
        # Each caller's own retry is replayed with its own answer.
        same_answer(
            first,
            await one.post(PEOPLE_PATH, headers={HEADER: key}, json=person | {"family_name": "Ek"}),
        )
        same_answer(
            theirs,
            await other.post(
                PEOPLE_PATH, headers={HEADER: key}, json=person | {"family_name": "Ek"}
            ),
        )


@pytest.mark.parametrize(
    "value",
    [
        "",
        '""',
        "two words",
        '"unterminated',
        '"a"b',
        '"bad \\escape"',
        "é",
        "k" * (MAX_KEY_LENGTH + 1),
    ],
)
async def test_a_malformed_key_is_a_400(client: AsyncClient, value: str) -> None:
    org = await create_organisation(client)
    body = {"organisation_id": org["id"], "kind": "official", "given_name": "A", "family_name": "B"}
    answer = await client.post(PEOPLE_PATH, headers=[(HEADER.encode(), value.encode())], json=body)
    assert (answer.status_code, answer.json()["code"]) == (400, "invalid-idempotency-key")


async def test_a_quoted_key_and_the_bare_key_are_one_key(client: AsyncClient) -> None:
    org = await create_organisation(client)
    body = {"organisation_id": org["id"], "kind": "official", "given_name": "A", "family_name": "B"}
    quoted = await client.post(PEOPLE_PATH, headers={HEADER: '"k-1"'}, json=body)
    assert quoted.status_code == 201
    same_answer(quoted, await client.post(PEOPLE_PATH, headers={HEADER: "k-1"}, json=body))
    escaped = await client.post(PEOPLE_PATH, headers={HEADER: '"k \\"1\\" \\\\"'}, json=body)
    assert escaped.status_code == 201
    assert escaped.json()["id"] != quoted.json()["id"]
    same_answer(
        escaped, await client.post(PEOPLE_PATH, headers={HEADER: '"k \\"1\\" \\\\"'}, json=body)
    )
    longest = await client.post(PEOPLE_PATH, headers={HEADER: "k" * MAX_KEY_LENGTH}, json=body)
    assert longest.status_code == 201


async def test_an_expired_key_is_forgotten_and_swept(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org = await create_organisation(client)
    body = {"organisation_id": org["id"], "kind": "official", "given_name": "A", "family_name": "B"}
    first = await client.post(PEOPLE_PATH, headers={HEADER: "old"}, json=body)
    other = await client.post(PEOPLE_PATH, headers={HEADER: "older"}, json=body)
    assert (first.status_code, other.status_code) == (201, 201)
    expired = await connection.execute(
        text(
            "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' "
            "WHERE key IN ('old', 'older')"
        )
    )
    assert expired.rowcount == 2
    again = await client.post(PEOPLE_PATH, headers={HEADER: "old"}, json=body)
    assert again.status_code == 201
    assert again.json()["id"] != first.json()["id"]  # run again: the key was 24 hours old
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        assert await keys.sweep_expired_keys(session) == 0  # "older" went with "old"'s store
    remaining = await connection.scalars(
        text("SELECT key FROM idempotency_keys WHERE key IN ('old', 'older')")
    )
    assert list(remaining) == ["old"]


async def test_a_secret_shown_once_is_not_kept(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    # An API key's token is stored only as a hash; the answers kept for retries must not hold it.
    body = {"name": "finance system", "role": "programme_officer", "organisation_ids": []}
    first = await client.post("/api/v1/api-keys", headers={HEADER: "new-key"}, json=body)
    again = await client.post("/api/v1/api-keys", headers={HEADER: "new-key"}, json=body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert REPLAYED_HEADER not in again.headers  # run again: there was nothing to replay
    assert first.json()["id"] != again.json()["id"]
    kept = await connection.scalar(
        text("SELECT count(*) FROM idempotency_keys WHERE key = 'new-key'")
    )
    assert kept == 0


async def test_erasing_a_person_forgets_the_answers_that_name_them(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org = await create_organisation(client)
    body = {
        "organisation_id": org["id"],
        "kind": "official",
        "given_name": "Ana",
        "family_name": "Erasable",
        "email": "ana@example.org",
    }
    made = await client.post(PEOPLE_PATH, headers={HEADER: "ana"}, json=body)
    assert made.status_code == 201
    erased = await client.post(f"{PEOPLE_PATH}/{made.json()['id']}/erase")
    assert erased.status_code == 200
    stored = await connection.scalars(text("SELECT body FROM idempotency_keys"))
    assert not any(b"Erasable" in bytes(b) for b in stored)
    retried = await client.post(PEOPLE_PATH, headers={HEADER: "ana"}, json=body)
    assert REPLAYED_HEADER not in retried.headers  # nothing of the erased person is handed out


async def test_the_openapi_document_declares_the_key_on_every_post(app: FastAPI) -> None:
    spec = app.openapi()
    posts = [(path, ops["post"]) for path, ops in spec["paths"].items() if "post" in ops]
    assert len(posts) > 30
    for path, operation in posts:
        [parameter] = [p for p in operation["parameters"] if p["name"] == HEADER]
        assert (parameter["in"], parameter["required"], parameter["schema"]["type"]) == (
            "header",
            False,
            "string",
        ), path
        for kind in KINDS:
            assert english(kind.title) in operation["responses"][str(kind.status)]["description"], (
                path
            )
    others = [op for ops in spec["paths"].values() for m, op in ops.items() if m != "post"]
    assert not any(p["name"] == HEADER for op in others for p in op.get("parameters", ()))


# Two requests that really run at once: the suite's fixtures run every request of a test on one
# connection in one transaction, so these run an app of their own on a scratch database, with
# its own pool and committed data.


@pytest.fixture
async def live_database(server_url: str) -> AsyncIterator[tuple[str, str]]:
    """A scratch database, migrated, with an administrator's API key: (its URL, the token)."""
    name = f"partnership_idempotency_{os.getpid()}"
    url = await create_database(server_url, name)
    try:
        await asyncio.to_thread(upgrade_to_head, url)
        engine = create_async_engine(url)
        try:
            async with AsyncSession(engine) as session:
                session.info["principal"] = system_principal("tests")
                data = ApiKeyCreate(name="live admin", role=Role.admin, organisation_ids=[])
                _, token = await create_api_key(session, session.info["principal"], data)
                await session.commit()
        finally:
            await engine.dispose()
        yield url, token
    finally:
        await drop_database(server_url, name)


@asynccontextmanager
async def replica(settings: Settings, url: str, token: str) -> AsyncIterator[AsyncClient]:
    """An administrator's client of one more app (a replica) on the database, with its own pool."""
    app = create_app(settings, database_url=url)
    async with (
        app.router.lifespan_context(app),
        AsyncClient(
            transport=ASGITransport(app=app, raise_app_exceptions=False),
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        ) as http,
    ):
        yield http


@pytest.fixture
async def live(live_database: tuple[str, str], settings: Settings) -> AsyncIterator[AsyncClient]:
    async with replica(settings, *live_database) as http:
        yield http


async def approved_report(client: AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    grant, filed = await filed_report(client)
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    return grant, filed


def held(monkeypatch: pytest.MonkeyPatch) -> tuple[asyncio.Event, asyncio.Event]:
    """Make payments wait, once made and flushed, until released: (entered, release)."""
    entered, release = asyncio.Event(), asyncio.Event()
    real_pay = payments.pay

    async def pay_and_wait(*args: Any) -> Any:
        made = await real_pay(*args)
        entered.set()
        await asyncio.wait_for(release.wait(), 10)
        return made

    monkeypatch.setattr(payments, "pay", pay_and_wait)
    return entered, release


async def test_a_retry_while_the_first_runs_is_a_409_and_then_its_answer(
    live: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    grant, filed = await approved_report(live)
    entered, release = held(monkeypatch)
    key = str(uuid.uuid4())
    running = asyncio.create_task(pay(live, grant, payment(filed), key))
    await asyncio.wait_for(entered.wait(), 10)
    for body in (payment(filed), payment(filed, "5")):  # whatever its body
        retry = await asyncio.wait_for(pay(live, grant, body, key), 10)
        assert (retry.status_code, retry.json()["code"]) == (409, "idempotency-key-in-progress")
    org = await create_organisation(live)  # another key is not held up
    person = {
        "organisation_id": org["id"],
        "kind": "official",
        "given_name": "A",
        "family_name": "B",
    }
    other_key = await asyncio.wait_for(
        live.post(PEOPLE_PATH, headers={HEADER: "o"}, json=person), 10
    )
    assert other_key.status_code == 201, other_key.text
    release.set()
    first = await running
    assert first.status_code == 201, first.text
    same_answer(first, await pay(live, grant, payment(filed), key))
    assert [p["id"] for p in await paid(live, grant)] == [first.json()["id"]]


async def test_replicas_share_the_keys(
    live: AsyncClient,
    live_database: tuple[str, str],
    settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    grant, filed = await approved_report(live)
    entered, release = held(monkeypatch)
    key = str(uuid.uuid4())
    async with replica(settings, *live_database) as other:
        running = asyncio.create_task(pay(live, grant, payment(filed), key))
        await asyncio.wait_for(entered.wait(), 10)
        retry = await asyncio.wait_for(pay(other, grant, payment(filed), key), 10)
        assert (retry.status_code, retry.json()["code"]) == (409, "idempotency-key-in-progress")
        release.set()
        first = await running
        assert first.status_code == 201, first.text
        same_answer(first, await pay(other, grant, payment(filed), key))
    assert [p["id"] for p in await paid(live, grant)] == [first.json()["id"]]


async def test_concurrent_identical_requests_make_one_payment(live: AsyncClient) -> None:
    grant, filed = await approved_report(live)
    key = str(uuid.uuid4())
    answers = await asyncio.wait_for(
        asyncio.gather(*(pay(live, grant, payment(filed), key) for _ in range(6))), 30
    )
    statuses = [a.status_code for a in answers]
    assert set(statuses) <= {201, 409}, [a.text for a in answers]
    made = [a for a in answers if a.status_code == 201]
    assert made and len({a.content for a in made}) == 1  # the one payment, replayed or not
    assert len([a for a in made if REPLAYED_HEADER.lower() not in a.headers]) == 1
    for refused in (a for a in answers if a.status_code == 409):
        assert refused.json()["code"] == "idempotency-key-in-progress"
    assert [p["id"] for p in await paid(live, grant)] == [made[0].json()["id"]]


async def test_a_request_that_failed_frees_its_key_at_once(
    live: AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    grant, filed = await approved_report(live)
    real_pay = payments.pay

    async def pay_then_fail(*args: Any) -> Any:
        await real_pay(*args)
        raise RuntimeError("the process fell over")

    monkeypatch.setattr(payments, "pay", pay_then_fail)
    key = str(uuid.uuid4())
    assert (await pay(live, grant, payment(filed), key)).status_code == 500
    monkeypatch.setattr(payments, "pay", real_pay)
    retried = await pay(live, grant, payment(filed), key)
    assert retried.status_code == 201, retried.text
    assert [p["id"] for p in await paid(live, grant)] == [retried.json()["id"]]


async def test_the_job_queue_sweeps_expired_keys(
    live_database: tuple[str, str], settings: Settings
) -> None:
    url, token = live_database
    async with replica(settings, url, token) as http:
        org = await create_organisation(http)
        body = {
            "organisation_id": org["id"],
            "kind": "official",
            "given_name": "A",
            "family_name": "B",
        }
        for key in ("stale", "fresh"):
            assert (
                await http.post(PEOPLE_PATH, headers={HEADER: key}, json=body)
            ).status_code == 201
    engine = create_async_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "UPDATE idempotency_keys SET expires_at = now() - interval '1 second' "
                    "WHERE key = 'stale'"
                )
            )
        queue = make_queue(settings, url, engine)
        await queue.tasks[SWEEP_TASK].func(timestamp=0)  # what the worker runs every ten minutes
        async with engine.connect() as conn:
            left = await conn.scalars(text("SELECT key FROM idempotency_keys ORDER BY key"))
            assert list(left) == ["fresh"]
    finally:
        await engine.dispose()
