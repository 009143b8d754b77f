"""The writes of `make bench`: a person created and a grant paid through the API, beside the raw
twin's one INSERT (bench/twin.py), without an `Idempotency-Key`, with a fresh key per request and
replaying stored keys; and what the audit trail and the event outbox add to a write: the same
write with them detached (in the bench's own processes only, `detached`), and with an active
webhook subscription (the fan-out the database runs at commit).

Every row, key and subscription the writes make holds `MARK`; `clean_up` deletes them after the
run, so that a scale's data stays as generated and the read routes read the same rows each run.
"""

import asyncio
import json
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any
from unittest import mock

import asyncpg
import httpx
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.clock import today
from app.services.access import audit

MARK = "bench-write"
UNIQUE = "@N@"  # in a write's body or key: a token of its own for each request
PAYABLE_GRANTS = 32  # payments go round these grants: sixteen connections rarely meet on one lock
STORED_KEYS = 100  # for each of a replay's three runs (warm-up, throughput, latency): more than
# the requests in flight, none of which may hold a key sent again (409 key-in-progress)
HOOK = "http://127.0.0.1:9/bench"  # never called: the bench's servers run no worker


@dataclass(frozen=True)
class Write:
    """A POST of a load, sent in turn with the others of the load, again and again: `UNIQUE` in
    its body and key becomes a token of the request's own (a name, a payment's reference)."""

    path: str
    body: str
    key: str | None = None

    def request(self, unique: str) -> tuple[str, dict[str, str], str]:
        headers = {"Content-Type": "application/json"}
        if self.key is not None:
            headers["Idempotency-Key"] = self.key.replace(UNIQUE, unique)
        return self.path, headers, self.body.replace(UNIQUE, unique)


@dataclass(frozen=True)
class Variant:
    """How a write is sent, or served: `key` "fresh" (a new key each request) or "replayed" (a
    key stored by an earlier request); `subscribed` with an active subscription to the event;
    `detached` by a server without the outbox or the whole audit hook (`python -m bench.serve`)."""

    name: str
    key: str | None = None
    subscribed: bool = False
    detached: str | None = None


# In the order run: those compared with "no key" for the outbox's cost first, one after the other.
VARIANTS = (
    Variant("no key"),
    Variant("outbox detached", detached="outbox"),
    Variant("audit detached", detached="audit"),
    Variant("1 subscription", subscribed=True),
    Variant("fresh key", key="fresh"),
    Variant("key replayed", key="replayed"),
)
# The writes bench.ab and bench.profile send, by name: without a key, and with a fresh one.
ROUTES = ("POST person", "POST payment", "POST person: fresh key", "POST payment: fresh key")
EVENTFUL = {"payment"}  # a person's creation is no event: no subscription is owed anything


def variants(route: str) -> list[Variant]:
    return [v for v in VARIANTS if route in EVENTFUL or not v.subscribed]


def row_name(route: str, variant: Variant) -> str:
    return f"POST {route}: {variant.name}"


def with_fresh_keys(load: list[Write]) -> list[Write]:
    return [replace(w, key=f"{MARK}-{UNIQUE}") for w in load]


def stored_unique(write: Write) -> str | None:
    """The token a stored write was sent with (`stored_keys`): in its key, and in its answer."""
    if write.key is None or UNIQUE in write.key:
        return None
    return write.key.removeprefix(f"{MARK}-")


def lua_script(load: list[Write], token: str, authorization: str) -> str:
    """wrk's script for a load: each request the next write, its `UNIQUE` made of `token` and
    the request's number (a new `token` for every run of wrk keeps them unique). Stored writes
    (a replay) are sent one at a time each, whatever the answers' delays: each is free again
    when its answer, which holds its token, comes back; two requests with one key at once would
    answer 409. The first answers that are not 2xx go to stderr."""

    def text(value: str | None) -> str:
        if value is None:
            return "nil"
        assert value.isascii()
        return json.dumps(value)  # an ASCII JSON string is a Lua string too

    entries = ",\n".join(
        f"  {{path = {text(w.path)}, body = {text(w.body)}, key = {text(w.key)}, "
        f"stored = {text(stored_unique(w))}}}"
        for w in load
    )
    return f"""
local writes = {{
{entries}
}}
local token, authorization, n = {text(token)}, {text(authorization)}, 0
local free, stored = {{}}, {{}}
for i, w in ipairs(writes) do
  if w.stored then
    free[#free + 1] = i
    stored[w.stored] = i
  end
end
request = function()
  n = n + 1
  local w = writes[table.remove(free, 1) or (n - 1) % #writes + 1]
  local unique = token .. "-" .. n
  local headers = {{["Content-Type"] = "application/json", ["Authorization"] = authorization}}
  if w.key then headers["Idempotency-Key"] = (string.gsub(w.key, "{UNIQUE}", unique)) end
  return wrk.format("POST", w.path, headers, (string.gsub(w.body, "{UNIQUE}", unique)))
end
local told = 0
response = function(status, headers, body)
  local answered = stored[string.match(body, "{MARK.replace("-", "%-")} ([%x%-]+)") or ""]
  if answered then free[#free + 1] = answered end
  if status >= 300 and told < 3 then
    told = told + 1
    io.stderr:write(status, " ", string.sub(body, 1, 300), "\\n")
  end
end
"""


def ok(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 400:
        raise SystemExit(
            f"{response.request.method} {response.request.url.path}: {response.status_code} "
            f"{response.text}"
        )
    return response.json() if response.content else {}


async def loads(conn: asyncpg.Connection, http: httpx.AsyncClient) -> dict[str, list[Write]]:
    """The loads: a person of a partner-side organisation, and 1.00 SEK paid today on each of
    `PAYABLE_GRANTS` approved reports in turn."""
    organisation = await conn.fetchval(
        "SELECT id FROM organisations WHERE NOT is_reference ORDER BY id LIMIT 1"
    )
    person = {
        "organisation_id": str(organisation),
        "kind": "official",
        "given_name": "Bench",
        "family_name": f"{MARK} {UNIQUE}",
        "title": "Benchmark writer",
        "email": "bench.writer@example.org",
    }
    payments = [
        Write(
            f"/api/v1/grants/{grant}/payments",
            json.dumps(
                {
                    "report_id": str(report),
                    "amount": {"amount": "1.00", "currency": "SEK"},
                    "paid_on": today().isoformat(),
                    "reference": f"{MARK} {UNIQUE}",
                }
            ),
        )
        for grant, report in await payable_reports(conn, http)
    ]
    return {"person": [Write("/api/v1/people", json.dumps(person))], "payment": payments}


async def payable_reports(
    conn: asyncpg.Connection, http: httpx.AsyncClient
) -> list[tuple[Any, Any]]:
    """An approved report on each of `PAYABLE_GRANTS` grants: those an earlier run filed, and for
    the rest an interim report on the first year of a grant without reports, claiming its year-one
    lines whole, filed and approved through the API (so they keep every rule). They stay: a
    report approves 400,000 SEK, paid 1.00 SEK a request."""
    pairs = [
        (r["grant_id"], r["id"])
        for r in await conn.fetch(
            "SELECT grant_id, id FROM grant_reports WHERE narrative = $1 AND status = 'approved' "
            "ORDER BY grant_id LIMIT $2",
            MARK,
            PAYABLE_GRANTS,
        )
    ]
    for grant in await conn.fetch(
        "SELECT id FROM grants g WHERE status = 'active' "
        "AND NOT EXISTS (SELECT FROM grant_reports r WHERE r.grant_id = g.id) "
        "ORDER BY starts, id LIMIT $1",
        PAYABLE_GRANTS - len(pairs),
    ):
        lines = await conn.fetch(
            "SELECT id, amount FROM grant_budget_lines WHERE grant_id = $1 AND year = 1 "
            "ORDER BY position",
            grant["id"],
        )
        costs = [
            {"budget_line_id": str(line["id"]), "amount": {"amount": str(line["amount"])}}
            for line in lines
        ]
        report = ok(
            await http.post(
                f"/api/v1/grants/{grant['id']}/reports",
                json={"kind": "interim", "year": 1, "narrative": MARK, "costs": costs},
            )
        )["id"]
        ok(await http.post(f"/api/v1/grants/{grant['id']}/reports/{report}/approve", json={}))
        pairs.append((grant["id"], report))
    if len(pairs) < PAYABLE_GRANTS:
        raise SystemExit(f"only {len(pairs)} grants to pay, {PAYABLE_GRANTS} wanted")
    return pairs


async def stored_keys(http: httpx.AsyncClient, load: list[Write], count: int) -> list[Write]:
    """`count` writes of the load, each sent once with a key of its own, so that its answer is
    stored: the writes a replay sends again, unchanged."""
    token = secrets.token_hex(4)
    stored = []
    for n in range(count):
        unique = f"{token}-{n}"
        write = load[n % len(load)]
        stored.append(Write(write.path, write.body.replace(UNIQUE, unique), f"{MARK}-{unique}"))

    async def send(write: Write) -> None:
        path, headers, body = write.request("")
        ok(await http.post(path, content=body, headers=headers))

    for first in range(0, count, 16):
        await asyncio.gather(*(send(w) for w in stored[first : first + 16]))
    return stored


async def subscribe(http: httpx.AsyncClient) -> str:
    """An administrator's subscription to every payment (no worker runs: nothing is sent)."""
    body = {"url": HOOK, "event_types": ["payment.made"], "description": MARK}
    return str(ok(await http.post("/api/v1/webhook-subscriptions", json=body))["id"])


SUBSCRIPTIONS = f"SELECT id FROM webhook_subscriptions WHERE description = '{MARK}'"


async def unsubscribe(conn: asyncpg.Connection) -> None:
    """Delete the bench's subscriptions with their deliveries and their jobs, which the API's
    DELETE leaves to the worker (it finds no delivery and sends nothing)."""
    async with conn.transaction():
        await conn.execute(
            "DELETE FROM procrastinate.procrastinate_jobs WHERE lock IN "
            f"(SELECT 'webhook-subscription:' || id FROM ({SUBSCRIPTIONS}) s)"
        )
        await conn.execute(f"DELETE FROM webhook_subscriptions WHERE id IN ({SUBSCRIPTIONS})")


def _no_events(session: Session, changed: list[Any], principal: Any) -> list[Any]:
    return []


def _no_record(session: Session, flush_context: Any, instances: Any) -> None:
    return None


@contextmanager
def detached(part: str) -> Iterator[None]:
    """While the block runs, in this process: writes without the event outbox ("outbox": the
    audit hook records each change and makes no event), or without the whole audit hook
    ("audit": no audit event and no outbox event). For the bench's measurements only; the
    product has no such switch (every change is audited, and its events are written with it)."""
    if part == "outbox":
        with mock.patch.object(audit, "events_of", _no_events):
            yield
        return
    if part != "audit":
        raise ValueError(f"nothing called {part!r} to detach")
    hooked = audit._record
    listening = event.contains(Session, "before_flush", hooked)
    if listening:
        event.remove(Session, "before_flush", hooked)
    try:
        # An app made in the block hooks the no-op (`install_audit_hook` reads `_record`).
        with mock.patch.object(audit, "_record", _no_record):
            yield
    finally:
        if event.contains(Session, "before_flush", _no_record):
            event.remove(Session, "before_flush", _no_record)
        if listening:
            event.listen(Session, "before_flush", hooked)


# What a write may add rows to: its own table, the audit trail, the outbox, the fan-out's
# deliveries and jobs, the stored answers of `Idempotency-Key`.
WRITTEN = (
    "people",
    "grant_payments",
    "audit_events",
    "events",
    "webhook_deliveries",
    "procrastinate.procrastinate_jobs",
    "idempotency_keys",
)


async def table_rows(conn: asyncpg.Connection) -> dict[str, int]:
    counts = ", ".join(f"(SELECT count(*) FROM {t}) AS t{i}" for i, t in enumerate(WRITTEN))
    row = await conn.fetchrow(f"SELECT {counts}")
    return {table: row[f"t{i}"] for i, table in enumerate(WRITTEN)}


async def clean_up(conn: asyncpg.Connection) -> None:
    """Delete what the writes made: the people and payments marked `MARK`, their audit and
    outbox events (the deliveries go with the events), the stored keys, the subscriptions with
    their jobs and audit events. The approved reports stay, to be paid again by the next run."""
    await unsubscribe(conn)
    people = f"SELECT id FROM people WHERE family_name LIKE '{MARK} %'"
    payments = f"SELECT id FROM grant_payments WHERE reference LIKE '{MARK} %'"
    async with conn.transaction():
        await conn.execute(
            f"DELETE FROM audit_events WHERE (object_type = 'people' AND object_id IN "
            f"(SELECT id::text FROM ({people}) p)) OR (object_type = 'grant_payments' AND "
            f"object_id IN (SELECT id::text FROM ({payments}) p)) OR (object_type = "
            f"'webhook_subscriptions' AND changes -> 'description' ? '{MARK}')"
        )
        await conn.execute(f"DELETE FROM events WHERE object_id IN ({payments})")
        await conn.execute(f"DELETE FROM people WHERE id IN ({people})")
        await conn.execute(f"DELETE FROM grant_payments WHERE id IN ({payments})")
        await conn.execute(f"DELETE FROM idempotency_keys WHERE key LIKE '{MARK}-%'")
