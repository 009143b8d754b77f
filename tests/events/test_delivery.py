"""Delivery end to end: committed changes on a scratch database, a worker running in the test,
and a real receiver on loopback that verifies each delivery with `standardwebhooks`.

The other tests run each request inside one rolled-back transaction; a delivery needs committed
events and a worker on connections of its own, so these tests have a database to themselves."""

import asyncio
import json
import os
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from app.clock import today
from app.core.periods import add_months, add_years
from app.core.principal import system_principal
from app.db.engine import make_engine, make_sessionmaker
from app.db.migrations import upgrade_to_head
from app.main import create_app
from app.models.enums import Role
from app.models.partnerships import Partnership
from app.schemas.access import ApiKeyCreate
from app.services.access.api_keys import create_api_key
from app.services.funding import figures, overdue
from app.services.jobs import RETENTION_TASK, make_queue, run_worker
from app.settings import Settings
from tests.conftest import create_database, drop_database
from tests.factories import create_organisation, create_partnership, reference_municipality
from tests.funding.helpers import create_grant, partnership

SUBS = "/api/v1/webhook-subscriptions"

# How long a test waits for the worker to deliver: a bound on a hang, not a speed target; a
# loaded 2-core CI machine has taken over 10 s for a replay and a redelivery of a range.
DELIVERY_WAIT_S = 60


@dataclass
class Receiver:
    """An HTTP server on 127.0.0.1 that answers each request with the next status of `script`
    (then 204), and keeps what it got."""

    script: list[int] = field(default_factory=list)
    received: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)
    extra: dict[int, str] = field(default_factory=dict)
    """Header lines to add to answers of a status."""
    times: list[float] = field(default_factory=list)
    port: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {
            k.strip().lower(): v.strip()
            for k, v in (line.split(":", 1) for line in lines[1:] if line)
        }
        body = await reader.readexactly(int(headers.get("content-length", "0")))
        status = self.script.pop(0) if self.script else 204
        self.received.append((headers, body, status))
        self.times.append(time.monotonic())
        self.arrived.set()
        extra = self.extra.get(status, "")
        answer = f"HTTP/1.1 {status} X\r\n{extra}content-length: 2\r\nconnection: close\r\n\r\n"
        writer.write(answer.encode() + b"no")
        await writer.drain()
        writer.close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    async def wait_for(self, count: int) -> None:
        async with asyncio.timeout(DELIVERY_WAIT_S):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    found = Receiver()
    server = await asyncio.start_server(found.handle, "127.0.0.1", 0)
    found.port = server.sockets[0].getsockname()[1]
    async with server:
        yield found


@pytest.fixture(scope="module")
async def scratch(server_url: str) -> AsyncIterator[str]:
    name = f"partnership_webhooks_{os.getpid()}"
    url = await create_database(server_url, name)
    await asyncio.to_thread(upgrade_to_head, url)
    yield url
    await drop_database(server_url, name)


@pytest.fixture(scope="module")
def hook_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "webhook_allow_loopback": True,
            "webhook_retry_base_s": 0.05,
            "webhook_retry_max_delay_s": 0.2,
            "worker_polling_interval_s": 0.05,
            "worker_in_process": False,
        }
    )


@pytest.fixture
async def engine(scratch: str, hook_settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(scratch, hook_settings)
    yield engine
    await engine.dispose()


@pytest.fixture
async def worker(scratch: str, engine: AsyncEngine, hook_settings: Settings) -> AsyncIterator[None]:
    task = asyncio.create_task(
        run_worker(make_queue(hook_settings, scratch, engine), hook_settings)
    )
    yield
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def token_for(engine: AsyncEngine, role: Role, organisations: list[str] | None = None) -> str:
    async with AsyncSession(engine) as session:
        session.info["principal"] = system_principal("tests")
        data = ApiKeyCreate(
            name=f"hooks {role.value}",
            role=role,
            organisation_ids=[uuid.UUID(o) for o in organisations or []],
        )
        _, token = await create_api_key(session, session.info["principal"], data)
        await session.commit()
    return token


@pytest.fixture
async def admin(engine: AsyncEngine, hook_settings: Settings) -> AsyncIterator[AsyncClient]:
    """An admin's client of an app on the scratch database: each request commits."""
    app = create_app(hook_settings)
    app.state.engine = engine
    app.state.sessionmaker = make_sessionmaker(engine)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    token = await token_for(engine, Role.admin)
    async with AsyncClient(
        transport=transport,
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    ) as http:
        yield http


def as_client(admin: AsyncClient, token: str) -> AsyncClient:
    return AsyncClient(
        transport=admin._transport,
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    )


async def subscribe(client: AsyncClient, url: str, **fields: Any) -> dict[str, Any]:
    response = await client.post(SUBS, json={"url": url, **fields})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def attempts_of(client: AsyncClient, subscription_id: str, count: int) -> list[Any]:
    """The delivery log once it holds `count` attempts (a worker writes each just after the
    receiver answered)."""
    async with asyncio.timeout(DELIVERY_WAIT_S):
        while True:
            log = await client.get(f"{SUBS}/{subscription_id}/attempts")
            if len(log.json()["items"]) >= count:
                return list(log.json()["items"])
            await asyncio.sleep(0.05)


def verified(secret: str, headers: dict[str, str], body: bytes) -> dict[str, Any]:
    """The delivery as a receiver's off-the-shelf code verifies it (raises if it does not)."""
    return dict(Webhook(secret).verify(body, headers))


async def test_a_change_is_delivered_once_signed(
    admin: AsyncClient, receiver: Receiver, worker: None
) -> None:
    subscription = await subscribe(admin, receiver.url, event_types=["partnership.created"])
    partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
    partnership = await create_partnership(admin, partner["id"])
    await receiver.wait_for(1)
    await asyncio.sleep(0.3)  # nothing else comes
    assert len(receiver.received) == 1
    headers, body, _ = receiver.received[0]
    event = verified(subscription["secret"], headers, body)
    assert event["type"] == "partnership.created"
    assert event["object"] == {
        "type": "partnerships",
        "id": partnership["id"],
        "url": f"/api/v1/partnerships/{partnership['id']}",
    }
    assert event["data"]["title"] == partnership["title"]
    assert headers["webhook-id"] == event["id"]
    # A wrong secret does not verify it.
    with pytest.raises(WebhookVerificationError):
        verified("whsec_" + "A" * 44, headers, body)
    [attempt] = await attempts_of(admin, subscription["id"], 1)
    assert attempt["success"] is True
    assert attempt["status_code"] == 204
    assert attempt["event_id"] == event["id"]


async def test_a_rolled_back_change_is_never_delivered(
    admin: AsyncClient, engine: AsyncEngine, receiver: Receiver, worker: None
) -> None:
    await subscribe(admin, receiver.url)
    swedish = await reference_municipality(admin, "1780")
    async with AsyncSession(engine) as session:
        session.info["principal"] = system_principal("tests")
        session.add(
            Partnership(
                title="Rolled back",
                swedish_party_id=uuid.UUID(swedish["id"]),
                applied_on=date(2020, 1, 1),
            )
        )
        await session.flush()  # the event row is written in this flush ...
        assert (
            await session.scalar(
                text(
                    "SELECT count(*) FROM events WHERE type = 'partnership.created' "
                    "AND payload->>'title' = 'Rolled back'"
                )
            )
            == 1
        )
        await session.rollback()  # ... and goes with the change
    async with engine.connect() as conn:
        assert (
            await conn.scalar(
                text("SELECT count(*) FROM events WHERE payload->>'title' = 'Rolled back'")
            )
            == 0
        )
        assert (
            await conn.scalar(
                text("SELECT count(*) FROM procrastinate.procrastinate_jobs WHERE status = 'todo'")
            )
            == 0
        )
    # A request refused after its flush rolls its event back too: a partnership with an
    # unknown network (a foreign key the database refuses at the flush).
    refused = await admin.post(
        "/api/v1/partnerships",
        json={
            "title": "Refused",
            "principles": ["participation"],
            "swedish_party_id": swedish["id"],
            "partner_ids": [],
            "applied_on": "2019-10-15",
            "network_id": str(uuid.uuid4()),
        },
    )
    assert refused.status_code in (404, 409, 422), refused.text
    await asyncio.sleep(0.3)
    assert receiver.received == []


async def test_a_receiver_failing_twice_gets_three_attempts_and_one_success(
    admin: AsyncClient, receiver: Receiver, worker: None
) -> None:
    receiver.script = [500, 503]
    subscription = await subscribe(admin, receiver.url, event_types=["partnership.created"])
    partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
    await create_partnership(admin, partner["id"])
    await receiver.wait_for(3)
    await asyncio.sleep(0.3)
    assert [status for _, _, status in receiver.received] == [500, 503, 204]
    ids = {headers["webhook-id"] for headers, _, _ in receiver.received}
    assert len(ids) == 1  # the same message each time, so a receiver can drop duplicates
    for headers, body, _ in receiver.received:
        verified(subscription["secret"], headers, body)
    attempts = await attempts_of(admin, subscription["id"], 3)
    assert [(a["status_code"], a["success"]) for a in attempts] == [
        (500, False),
        (503, False),
        (204, True),
    ]


async def test_a_client_error_is_not_retried(
    admin: AsyncClient, receiver: Receiver, worker: None
) -> None:
    receiver.script = [400]
    subscription = await subscribe(admin, receiver.url, event_types=["partnership.created"])
    partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
    await create_partnership(admin, partner["id"])
    await receiver.wait_for(1)
    await asyncio.sleep(0.5)
    assert [status for _, _, status in receiver.received] == [400]
    attempts = await attempts_of(admin, subscription["id"], 1)
    assert [(a["status_code"], a["error"]) for a in attempts] == [(400, "no")]


async def test_a_coordinators_subscription_gets_only_its_organisations_events(
    admin: AsyncClient, engine: AsyncEngine, receiver: Receiver, worker: None
) -> None:
    mine = await create_organisation(admin, name=f"Mine {uuid.uuid4().hex[:6]}")
    other = await create_organisation(admin, name=f"Other {uuid.uuid4().hex[:6]}")
    token = await token_for(engine, Role.coordinator, [mine["id"]])
    async with as_client(admin, token) as coordinator:
        subscription = await subscribe(coordinator, receiver.url)
    theirs = await create_partnership(admin, other["id"], title="Not theirs")
    ours = await create_partnership(admin, mine["id"], title="Theirs")
    await receiver.wait_for(1)
    await asyncio.sleep(0.5)
    delivered = [verified(subscription["secret"], h, b) for h, b, _ in receiver.received]
    assert [e["object"]["id"] for e in delivered] == [ours["id"]]
    assert theirs["id"] not in json.dumps(delivered)


async def test_a_paused_subscription_gets_nothing(
    admin: AsyncClient, receiver: Receiver, worker: None
) -> None:
    subscription = await subscribe(admin, receiver.url, active=False)
    assert subscription["active"] is False
    partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
    await create_partnership(admin, partner["id"])
    await asyncio.sleep(0.5)
    assert receiver.received == []


async def test_two_workers_deliver_each_event_once(
    admin: AsyncClient,
    scratch: str,
    engine: AsyncEngine,
    hook_settings: Settings,
    receiver: Receiver,
) -> None:
    workers = [
        asyncio.create_task(run_worker(make_queue(hook_settings, scratch, engine), hook_settings))
        for _ in range(2)
    ]
    try:
        subscription = await subscribe(admin, receiver.url, event_types=["partnership.created"])
        partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
        made = [
            (await create_partnership(admin, partner["id"], title=f"Twin {n}"))["id"]
            for n in range(8)
        ]
        await receiver.wait_for(8)
        await asyncio.sleep(0.5)
    finally:
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
    delivered = [verified(subscription["secret"], h, b) for h, b, _ in receiver.received]
    # Each once, and in the order the changes committed (one subscription's jobs share a lock).
    assert [e["object"]["id"] for e in delivered] == made
    async with engine.connect() as conn:
        attempts = await conn.scalars(
            text("SELECT attempts FROM webhook_deliveries WHERE subscription_id = :id"),
            {"id": subscription["id"]},
        )
        assert list(attempts) == [1] * 8


async def test_a_subscription_failing_to_the_last_attempt_is_paused_with_why(
    admin: AsyncClient,
    scratch: str,
    engine: AsyncEngine,
    hook_settings: Settings,
    receiver: Receiver,
) -> None:
    settings = hook_settings.model_copy(update={"webhook_max_attempts": 3})
    worker = asyncio.create_task(run_worker(make_queue(settings, scratch, engine), settings))
    try:
        receiver.script = [500, 502, 503, 500]
        subscription = await subscribe(admin, receiver.url, event_types=["partnership.created"])
        partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
        await create_partnership(admin, partner["id"])
        await receiver.wait_for(3)
        await asyncio.sleep(0.5)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert [status for _, _, status in receiver.received] == [500, 502, 503]
    await attempts_of(admin, subscription["id"], 3)  # the last one pauses it
    read = (await admin.get(f"{SUBS}/{subscription['id']}")).json()
    assert read["active"] is False
    assert "3 failed attempts" in read["paused_reason"]
    assert "HTTP 503" in read["paused_reason"]


async def test_a_ping_reaches_only_its_subscription(
    admin: AsyncClient, receiver: Receiver, worker: None
) -> None:
    target = await subscribe(admin, receiver.url)
    await subscribe(admin, receiver.url)  # another, of every type: gets no ping
    pinged = await admin.post(f"{SUBS}/{target['id']}/ping")
    assert pinged.status_code == 202, pinged.text
    await receiver.wait_for(1)
    await asyncio.sleep(0.3)
    assert len(receiver.received) == 1
    headers, body, _ = receiver.received[0]
    event = verified(target["secret"], headers, body)
    assert event["type"] == "ping"
    assert event["id"] == pinged.json()["event_id"]
    assert event["data"] == {"subscription_id": target["id"]}


async def test_replay_one_delivery_and_redeliver_a_range(
    admin: AsyncClient, receiver: Receiver, worker: None
) -> None:
    subscription = await subscribe(admin, receiver.url, event_types=["partnership.created"])
    partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
    first = await create_partnership(admin, partner["id"], title="First")
    second = await create_partnership(admin, partner["id"], title="Second")
    await receiver.wait_for(2)
    log = await attempts_of(admin, subscription["id"], 2)
    replayed = await admin.post(
        f"{SUBS}/{subscription['id']}/deliveries/{log[0]['delivery_id']}/replay"
    )
    assert replayed.status_code == 202, replayed.text
    await receiver.wait_for(3)
    again = verified(subscription["secret"], receiver.received[2][0], receiver.received[2][1])
    assert again["object"]["id"] == first["id"]
    assert receiver.received[2][0]["webhook-id"] == receiver.received[0][0]["webhook-id"]
    # A range: both events again, oldest first; nothing of other types or other subscriptions'.
    since = "2000-01-01T00:00:00Z"
    redelivered = await admin.post(
        f"{SUBS}/{subscription['id']}/redeliver",
        json={"since": since, "until": "2100-01-01T00:00:00Z"},
    )
    assert redelivered.status_code == 202, redelivered.text
    count = redelivered.json()["deliveries"]
    assert count >= 2  # the module's earlier tests made partnerships too
    await receiver.wait_for(3 + count)
    await asyncio.sleep(0.3)
    assert len(receiver.received) == 3 + count
    ids = [
        verified(subscription["secret"], h, b)["object"]["id"] for h, b, _ in receiver.received[3:]
    ]
    assert ids.index(first["id"]) < ids.index(second["id"])
    refused = await admin.post(
        f"{SUBS}/{subscription['id']}/redeliver", json={"since": since, "until": since}
    )
    assert refused.status_code == 422
    missing = await admin.post(f"{SUBS}/{subscription['id']}/deliveries/{uuid.uuid4()}/replay")
    assert missing.status_code == 404


async def test_after_a_rotation_both_secrets_verify_during_the_grace_period(
    admin: AsyncClient, receiver: Receiver, worker: None
) -> None:
    subscription = await subscribe(admin, receiver.url, event_types=["partnership.created"])
    rotated = await admin.post(
        f"{SUBS}/{subscription['id']}/rotate-secret", headers={"If-Match": '"v1"'}
    )
    assert rotated.status_code == 200, rotated.text
    partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
    await create_partnership(admin, partner["id"])
    await receiver.wait_for(1)
    headers, body, _ = receiver.received[0]
    assert len(headers["webhook-signature"].split(" ")) == 2
    verified(subscription["secret"], headers, body)  # receivers not yet switched
    verified(rotated.json()["secret"], headers, body)  # receivers switched


async def test_a_revoked_keys_subscription_gets_nothing_more(
    admin: AsyncClient, engine: AsyncEngine, receiver: Receiver, worker: None
) -> None:
    mine = await create_organisation(admin, name=f"Mine {uuid.uuid4().hex[:6]}")
    token = await token_for(engine, Role.coordinator, [mine["id"]])
    async with as_client(admin, token) as coordinator:
        subscription = await subscribe(coordinator, receiver.url)
    await create_partnership(admin, mine["id"], title="Before")
    await receiver.wait_for(1)
    keys = (await admin.get("/api/v1/api-keys", params={"limit": 100})).json()["items"]
    [key] = [k for k in keys if token.startswith(f"pk_{k['prefix']}_")]
    assert (await admin.post(f"/api/v1/api-keys/{key['id']}/revoke")).status_code == 200
    await create_partnership(admin, mine["id"], title="After")
    # A replay of what it received before is judged at the send too: nothing goes out.
    log = await attempts_of(admin, subscription["id"], 1)
    replayed = await admin.post(
        f"{SUBS}/{subscription['id']}/deliveries/{log[0]['delivery_id']}/replay"
    )
    assert replayed.status_code == 202, replayed.text
    await asyncio.sleep(0.5)
    delivered = [verified(subscription["secret"], h, b) for h, b, _ in receiver.received]
    assert [e["data"]["title"] for e in delivered] == ["Before"]


async def test_408_and_429_are_retried_and_retry_after_is_honoured(
    admin: AsyncClient,
    scratch: str,
    engine: AsyncEngine,
    hook_settings: Settings,
    receiver: Receiver,
) -> None:
    settings = hook_settings.model_copy(update={"webhook_retry_max_delay_s": 5.0})
    worker = asyncio.create_task(run_worker(make_queue(settings, scratch, engine), settings))
    try:
        receiver.script = [408, 429]
        receiver.extra = {429: "retry-after: 1\r\n"}
        await subscribe(admin, receiver.url, event_types=["partnership.created"])
        partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
        await create_partnership(admin, partner["id"])
        await receiver.wait_for(3)
    finally:
        worker.cancel()
        await asyncio.gather(worker, return_exceptions=True)
    assert [status for _, _, status in receiver.received] == [408, 429, 204]
    # Backoff alone would wait 0.05-0.2 s before the third attempt; the receiver asked for 1 s.
    assert receiver.times[2] - receiver.times[1] >= 0.95


async def test_two_workers_at_once_announce_an_overdue_report_once(
    admin: AsyncClient,
    engine: AsyncEngine,
    receiver: Receiver,
    worker: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subscription = await subscribe(admin, receiver.url, event_types=["report.overdue"])
    # Two project years from 15 months ago: the interim report on the first is overdue today.
    starts = add_months(today(), -15)
    grant = await create_grant(
        admin,
        await partnership(admin),
        reference=f"KP {uuid.uuid4().hex[:8]}",
        decided_on=str(starts - timedelta(days=30)),
        starts=str(starts),
        ends=str(add_years(starts, 2) - timedelta(days=1)),
    )
    # Both runs judge what is overdue before either writes (each waits for the other here),
    # as two workers running the periodic task at the same moment would.
    judged = figures.overdue_reports
    arrived: list[None] = []
    both = asyncio.Event()

    async def judged_together(*args: Any) -> Any:
        found = await judged(*args)
        arrived.append(None)
        if len(arrived) == 2:
            both.set()
        await asyncio.wait_for(both.wait(), DELIVERY_WAIT_S)
        return found

    monkeypatch.setattr(overdue, "overdue_reports", judged_together)

    async def run() -> int:
        async with AsyncSession(engine) as session, session.begin():
            return await overdue.announce_overdue_reports(session, today())

    announced = await asyncio.gather(run(), run())
    monkeypatch.setattr(overdue, "overdue_reports", judged)
    assert await run() == 0
    # The worker's own hourly run may have come first: then neither announced it, but it is
    # announced once all the same.
    assert sum(announced) <= 1
    async with engine.connect() as conn:
        events = list(
            await conn.scalars(
                text("SELECT payload FROM events WHERE type = 'report.overdue' AND object_id = :g"),
                {"g": grant["id"]},
            )
        )
    assert [(e["kind"], e["year"]) for e in events] == [("interim", 1)]
    await receiver.wait_for(1)
    await asyncio.sleep(0.5)
    assert len(receiver.received) == 1
    headers, body, _ = receiver.received[0]
    event = verified(subscription["secret"], headers, body)
    assert (event["type"], event["object"]["id"], event["data"]["grant_id"]) == (
        "report.overdue",
        grant["id"],
        grant["id"],
    )
    assert event["actor"] == {"type": "system", "id": "system:report-overdue"}


async def test_the_job_queue_sweeps_events_past_the_retention_period(
    admin: AsyncClient, scratch: str, engine: AsyncEngine, hook_settings: Settings
) -> None:
    subscription = await subscribe(admin, "http://127.0.0.1:9/hooks")  # nothing listens
    partner = await create_organisation(admin, name=f"Partner {uuid.uuid4().hex[:6]}")
    old, owed = [
        await create_partnership(admin, partner["id"], title=title) for title in ("Old", "Owed")
    ]
    async with engine.begin() as conn:
        ids = {
            str(row.object_id): row.event_id
            for row in await conn.execute(
                text(
                    "SELECT e.id AS event_id, e.object_id FROM events e "
                    "JOIN webhook_deliveries d ON d.event_id = e.id "
                    "WHERE d.subscription_id = :s"
                ),
                {"s": subscription["id"]},
            )
        }
        await conn.execute(
            text("UPDATE events SET occurred_at = now() - interval '3 days' WHERE id = ANY(:ids)"),
            {"ids": list(ids.values())},
        )
        await conn.execute(  # the old one was delivered; the other is still owed (pending)
            text("UPDATE webhook_deliveries SET status = 'delivered' WHERE event_id = :id"),
            {"id": ids[old["id"]]},
        )
    settings = hook_settings.model_copy(update={"event_retention_days": 2})
    queue = make_queue(settings, scratch, engine)
    async with queue.open_async():
        await queue.tasks[RETENTION_TASK].func(timestamp=0)  # what a worker runs every hour
    async with engine.connect() as conn:
        left = await conn.scalars(
            text("SELECT id FROM events WHERE id = ANY(:ids)"), {"ids": list(ids.values())}
        )
        assert list(left) == [ids[owed["id"]]]
