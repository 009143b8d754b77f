"""The statements of the two writes `make bench` measures (bench/writes.py), counted (never
timed): a person is created in one INSERT of its own and its audit event's, a payment in its two
reads (the grant locked, the report with what it approved and what is paid) and two writes (its
audit event and its outbox event in one statement, then the payment). Each statement is a round
trip and the ORM's work around it, the main cost of a write (bench/README.md, "Writes in fewer
statements").

And what the fewer statements must keep: the answer is the stored row (the INSERT's RETURNING,
no read after it), an unknown organisation is still `unknown-organisation` and one outside the
writer's scope still a 403, the payment's rules still hold against what is stored.

The statements are asserted as SQL on purpose, though they are internals: their number is the
issue's lever, and the lock's `FOR UPDATE OF partnerships, grants` is what keeps the partnership
locked before the grant (app/services/partnerships/partnerships.py, `_with_partnership`). A new
statement in either write (an event for a person, say) changes these lists: update them with it,
and bench/README.md's count."""

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import PEOPLE_PATH, create_organisation
from tests.funding.helpers import GRANTS, create_grant, line_id, partnership
from tests.funding.test_grants import cost, decide, pay, report

# The suite's own: the savepoint each request's session runs in, and the caller's key.
CEREMONY = re.compile(r"^\s*(SAVEPOINT|RELEASE SAVEPOINT|ROLLBACK TO SAVEPOINT)\b|api_keys\.prefix")


@contextmanager
def statements(connection: AsyncConnection) -> Iterator[list[str]]:
    """The statements sent while the block runs, but for the suite's ceremony."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not CEREMONY.search(statement):
            seen.append(" ".join(statement.split()))

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(sync, "before_cursor_execute", record)


def verbs(sent: list[str]) -> list[str]:
    """Each statement as its verb and table: `INSERT people`, `SELECT partnerships` (the last
    FROM's first table: that of the outer SELECT, after those of its subqueries)."""
    named = []
    for statement in sent:
        verb = statement.split()[0]
        tables = re.findall(r"\b(?:INTO|FROM)\s+(\w+)", statement)
        named.append(f"{verb} {tables[-1] if tables else ''}".strip())
    return named


async def test_a_person_is_two_inserts_and_answers_the_stored_row(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org = await create_organisation(client)
    body = {"organisation_id": org["id"], "kind": "official", "given_name": "A", "family_name": "B"}
    with statements(connection) as sent:
        created = await client.post(PEOPLE_PATH, json=body)
    assert created.status_code == 201, created.text
    assert verbs(sent) == ["INSERT audit_events", "INSERT people"]
    stored = await client.get(created.headers["location"])
    assert stored.json() == created.json()
    assert stored.headers["etag"] == created.headers["etag"] == '"v1"'
    assert created.json()["created_at"] is not None


async def test_a_person_in_an_unknown_organisation_is_the_named_rule_for_every_writer(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org, other = await create_organisation(client), await create_organisation(client)
    unknown = str(uuid.uuid4())
    body = {"kind": "official", "given_name": "A", "family_name": "B"}

    def refused_as_unknown(response: Any) -> None:
        assert response.status_code == 422, response.text
        problem = response.json()
        assert problem["code"] == "rule.unknown-organisation"
        assert problem["errors"][0]["pointer"] == "/organisation_id"
        assert unknown in problem["detail"]

    # An administrator's scope holds every id: the INSERT's foreign key refuses it, and with an
    # `Idempotency-Key` the refusal is kept (the change rolled back to the key's savepoint).
    refused_as_unknown(await client.post(PEOPLE_PATH, json={**body, "organisation_id": unknown}))
    keyed = {"Idempotency-Key": f"unknown-{unknown}"}
    first = await client.post(PEOPLE_PATH, json={**body, "organisation_id": unknown}, headers=keyed)
    refused_as_unknown(first)
    again = await client.post(PEOPLE_PATH, json={**body, "organisation_id": unknown}, headers=keyed)
    refused_as_unknown(again)
    assert again.headers["idempotent-replayed"] == "true"
    assert again.content == first.content
    coordinator = await api_key(connection, Role.coordinator, [uuid.UUID(org["id"])])
    async with authorised(client, coordinator) as as_coordinator:
        # Outside a coordinator's scope: still the rule first, then the 403.
        unknown_to_them = await as_coordinator.post(
            PEOPLE_PATH, json={**body, "organisation_id": unknown}
        )
        refused_as_unknown(unknown_to_them)
        outside = await as_coordinator.post(
            PEOPLE_PATH, json={**body, "organisation_id": other["id"]}
        )
        assert outside.status_code == 403, outside.text
        inside = await as_coordinator.post(PEOPLE_PATH, json={**body, "organisation_id": org["id"]})
        assert inside.status_code == 201, inside.text
    listed = await client.get(PEOPLE_PATH, params={"organisation_id": other["id"]})
    assert listed.json()["items"] == []


async def test_a_payment_is_two_reads_and_two_writes_and_answers_the_stored_row(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    filed = (
        await report(client, grant, "interim", 1, cost(line_id(grant, "travel", 1), "1000"))
    ).json()
    assert (await decide(client, grant, filed, "approve")).status_code == 200
    with statements(connection) as sent:
        first = await pay(client, grant, filed, "600")
    assert first.status_code == 201, first.text
    assert verbs(sent) == [
        "SELECT partnerships",  # the partnership and the grant, locked in that order
        "SELECT grant_reports",  # with what it approved and what is paid on it
        "WITH events",  # its audit event, and its outbox event (a WITH of the one, the other)
        "INSERT grant_payments",
    ]
    assert sent[0].endswith("FOR UPDATE OF partnerships, grants")
    stored = await client.get(first.headers["location"])
    assert stored.json() == first.json()
    assert first.headers["etag"] == '"v1"'  # a payment never changes: its GET has none
    beyond = await pay(client, grant, filed, "400.01")  # 600 paid of 1000 approved
    assert beyond.status_code == 422
    assert beyond.json()["code"] == "rule.payment-beyond-approved"
    assert (await pay(client, grant, filed, "400")).status_code == 201
    unknown = await pay(client, grant, {"id": str(uuid.uuid4())}, "1")
    assert (unknown.json()["code"], unknown.json()["errors"][0]["pointer"]) == (
        "rule.payment-after-approved-report",
        "/report_id",
    )
    missing = await client.post(
        f"{GRANTS}/{uuid.uuid4()}/payments",
        json={
            "report_id": filed["id"],
            "amount": {"amount": "1", "currency": "SEK"},
            "paid_on": "2020-11-30",
            "reference": "UTB none",
        },
    )
    assert missing.status_code == 404
