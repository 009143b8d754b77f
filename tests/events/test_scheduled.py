"""The events of time rather than of a request: `report.overdue`, announced once per report by
a periodic task, and the retention sweep of old events and attempts (each test rolled back;
the fan-out, a trigger deferred to the commit, is fired with `SET CONSTRAINTS ALL IMMEDIATE`).
The same tasks run by a worker, two at once, on committed data: tests/events/test_delivery.py."""

import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from jsonschema import Draft202012Validator
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.services.events.retention import sweep_batch
from app.services.funding.overdue import announce_overdue_reports
from tests.events.test_subscriptions import PUBLIC_TARGET, SUBS
from tests.funding.helpers import create_grant, line_id, partnership
from tests.funding.test_grants import cost, report


@pytest.fixture(autouse=True)
async def fan_out_at_once(connection: AsyncConnection) -> None:
    """Deliveries are owed as each event is written, not at a commit that never comes."""
    await connection.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))


async def announce(connection: AsyncConnection, on: date) -> int:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        announced = await announce_overdue_reports(session, on)
        await session.commit()
    return announced


async def overdue_events(connection: AsyncConnection) -> list[Any]:
    rows = await connection.execute(
        text(
            "SELECT id, object_id, object_url, actor_type, payload FROM events "
            "WHERE type = 'report.overdue' ORDER BY occurred_at, payload->>'reference', "
            "payload->>'year'"
        )
    )
    return list(rows)


async def deliveries_to(connection: AsyncConnection, subscription: dict[str, Any]) -> int:
    owed = await connection.scalar(
        text("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = :id"),
        {"id": subscription["id"]},
    )
    return int(owed or 0)


async def test_a_report_past_due_is_announced_once_and_a_filed_one_never(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    subscribed = await client.post(
        SUBS, json={"url": PUBLIC_TARGET, "event_types": ["report.overdue"]}
    )
    assert subscribed.status_code == 201, subscribed.text
    subscription = subscribed.json()
    # Two grants of two project years (2019-09-01 to 2021-08-31): the interim report on year 1
    # is due 2020-10-31, the final report 2021-11-30 (docs/funding.md).
    late = await create_grant(client, await partnership(client), reference="KP 2019/201")
    filed = await create_grant(client, await partnership(client), reference="KP 2019/202")
    on_time = await report(client, filed, "interim", 1, cost(line_id(filed, "travel", 1), "1000"))
    assert on_time.status_code == 201, on_time.text  # submitted 2020-10-15

    day = date(2020, 11, 15)
    assert await announce(connection, day) == 1
    assert await announce(connection, day) == 0  # run again (or by another worker): nothing
    [event] = await overdue_events(connection)
    assert (event.object_id, event.object_url) == (
        uuid.UUID(late["id"]),
        f"/api/v1/grants/{late['id']}",
    )
    assert event.actor_type == "system"
    # The payload is the row the programme officers' alerts show for it that day ...
    alerts = await client.get("/api/v1/funding/alerts", params={"on": str(day)})
    assert alerts.json()["overdue_reports"] == [event.payload]
    assert (event.payload["kind"], event.payload["year"], event.payload["due_on"]) == (
        "interim",
        1,
        "2020-10-31",
    )
    # ... valid against the schema the catalogue publishes for it.
    types = {t["name"]: t for t in (await client.get("/api/v1/event-types")).json()["items"]}
    assert types["report.overdue"]["object_type"] == "grants"
    Draft202012Validator(
        types["report.overdue"]["payload_schema"],
        format_checker=Draft202012Validator.FORMAT_CHECKER,
    ).validate(event.payload)
    assert await deliveries_to(connection, subscription) == 1

    # A year later both final reports are overdue: each once; the interim one not again.
    later = date(2021, 12, 15)
    assert await announce(connection, later) == 2
    assert await announce(connection, later) == 0
    assert [
        (e.payload["reference"], e.payload["kind"]) for e in await overdue_events(connection)
    ] == [
        ("KP 2019/201", "interim"),
        ("KP 2019/201", "final"),
        ("KP 2019/202", "final"),
    ]
    assert await deliveries_to(connection, subscription) == 3


async def test_a_filed_report_is_not_overdue_and_a_returned_one_is_announced_once(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    grant = await create_grant(client, await partnership(client), reference="KP 2019/301")
    filed = await report(client, grant, "interim", 1, cost(line_id(grant, "travel", 1), "1000"))
    assert filed.status_code == 201, filed.text
    assert await announce(connection, date(2020, 11, 15)) == 0
    returned = await client.post(
        f"/api/v1/grants/{grant['id']}/reports/{filed.json()['id']}/return",
        json={"note": "Receipts missing", "decided_on": "2020-11-01"},
    )
    assert returned.status_code == 200, returned.text
    assert await announce(connection, date(2020, 11, 15)) == 1  # due again, and not filed
    assert await announce(connection, date(2020, 11, 16)) == 0


# Retention


async def aged(connection: AsyncConnection, event_id: Any, days: int) -> None:
    await connection.execute(
        text("UPDATE events SET occurred_at = now() - make_interval(days => :days) WHERE id = :id"),
        {"id": event_id, "days": days},
    )


async def attempted(connection: AsyncConnection, delivery: Any, days_ago: int) -> None:
    await connection.execute(
        text(
            "INSERT INTO webhook_attempts (id, delivery_id, subscription_id, event_id, "
            "attempted_at, status_code, duration_ms, success) "
            "SELECT gen_random_uuid(), d.id, d.subscription_id, d.event_id, "
            "now() - make_interval(days => :days), 500, 12, false "
            "FROM webhook_deliveries d WHERE d.id = :id"
        ),
        {"id": delivery.id, "days": days_ago},
    )


async def test_old_events_and_attempts_are_swept_in_batches_but_never_a_pending_one(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    subscribed = await client.post(SUBS, json={"url": PUBLIC_TARGET})
    assert subscribed.status_code == 201, subscribed.text
    subscription = subscribed.json()
    made = [await partnership(client, title=f"Retention {n}") for n in range(5)]
    rows = await connection.execute(
        text(
            "SELECT e.id AS event_id, d.id, e.object_id FROM events e "
            "JOIN webhook_deliveries d ON d.event_id = e.id AND d.subscription_id = :s "
            "WHERE e.type = 'partnership.created'"
        ),
        {"s": subscription["id"]},
    )
    by_partnership = {str(row.object_id): row for row in rows}
    done, retrying, replayed, recent, unsent = (by_partnership[p["id"]] for p in made)
    for row, status in (
        (done, "delivered"),
        (retrying, "pending"),
        (replayed, "failed"),
        (recent, "delivered"),
        (unsent, "skipped"),
    ):
        await connection.execute(
            text("UPDATE webhook_deliveries SET status = :status WHERE id = :id"),
            {"status": status, "id": row.id},
        )
    for row in (done, retrying, replayed, unsent):
        await aged(connection, row.event_id, 100)
    await attempted(connection, done, 99)  # delivered long ago
    await attempted(connection, retrying, 95)  # still being retried: kept, however old
    await attempted(connection, replayed, 99)
    await attempted(connection, replayed, 2)  # replayed lately: its event stays with the log
    await attempted(connection, recent, 1)

    cutoff = datetime.now(UTC) - timedelta(days=90)
    # Each batch: at most one attempt, then at most one event (with its deliveries).
    assert await sweep_batch(connection, cutoff, 1) == (1, 1)
    assert await sweep_batch(connection, cutoff, 1) == (1, 1)
    assert await sweep_batch(connection, cutoff, 1) == (0, 0)
    left = await connection.scalars(
        text("SELECT object_id FROM events WHERE type = 'partnership.created'")
    )
    kept = (retrying, replayed, recent)
    assert {str(i) for i in left} == {str(row.object_id) for row in kept}
    log = await client.get(f"{SUBS}/{subscription['id']}/attempts")
    assert sorted(a["event_id"] for a in log.json()["items"]) == sorted(
        str(row.event_id) for row in kept
    )
