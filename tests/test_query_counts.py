"""No N+1, on every read route of the API (bench/README.md has the speed figures; this is not a
timing). The routes are taken from the OpenAPI document, so a route added later is covered
without being listed here; their path parameters are filled from the demo data, plus a second
of whatever it holds only one of.

- A paged list issues the same number of statements for `limit=1` and its largest limit, and a
  page holds at least two items (or the comparison would prove nothing).
- An unpaged part list (a partnership's meetings, a grant's reports, ...) issues the same number
  of statements for every parent with parts, and the parents hold different numbers of parts.
- Every other read (details, summaries, the CSV, iCalendar and XML files) stays within a small
  fixed number of statements, and issues as many for each item of its collection (a network's
  summary for a network of six members and one of one, a person's export for people with more
  and fewer audit events, ...). The funding summary and alerts and the IATI activity file sum
  up everything, and are held to the bound only.
- A route with `expand` is held to all of this once plain, once with each of its values and once
  with all of them (docs/front-ends.md, "Expanding related objects"), and each value adds at most
  its cost: one statement, or the compliance view's fixed few.
"""

import re
import uuid
from datetime import timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.clock import today
from app.core.principal import TokenClaims, system_principal
from app.demo.seeds import load_demo_data
from app.services.access.users import sign_in
from tests.events.test_pull import positions_as_written
from tests.factories import (
    create_organisation,
    create_partnership,
    create_person,
    create_phase,
    reference_municipality,
)
from tests.funding.helpers import create_grant
from tests.funding.helpers import partnership as funding_partnership
from tests.test_networks import add, gender_network
from tests.test_programmes import itp_322

# The savepoint and its release (the test's transaction), the API key, the scope, then the
# reads: the compliance view, the widest, reads eight kinds of fact (phases, meetings, ...).
MOST_STATEMENTS = 15
PARAM = re.compile(r"\{([a-z_]+)\}")
# Values for query parameters a read requires.
REQUIRED_QUERY = {"year": "2022"}
# Routes whose answer is not a read of stored resources, and an uploaded file's bytes.
NOT_READS = {
    "/healthz",
    "/readyz",
    "/problems",
    "/problems/{code}",
    # Labels shipped as files, read with no statement (app/core/vocabularies.py).
    "/api/v1/vocabularies",
    "/api/v1/vocabularies/{vocabulary}",
    "/api/v1/partnerships/{partnership_id}/documents/{document_id}/file",
    # Reached by a secret no list shows: tests/calendars/test_feeds.py counts its statements.
    "/api/v1/calendar-feeds/{token}.ics",
}
# Reads that skip a statement for a part an item lacks (no meetings: no participants to read),
# and the calendar feeds, which stamp the meetings they list for the first time (one statement
# when some are new, none otherwise: docs/partnerships.md, "in a published calendar").
SKIPS_WHEN_EMPTY = {
    "/api/v1/partnerships/{partnership_id}/compliance": 1,
    "/api/v1/partnerships/{partnership_id}/meetings.ics": 1,
    "/api/v1/organisations/{organisation_id}/meetings.ics": 1,
    "/api/v1/organisations/{organisation_id}/calendar.ics": 1,
}
# Where a path parameter comes from when the path before it lists nothing.
COLLECTION_OF = {"/api/v1/iati/partnerships": "/api/v1/public/partnerships"}
# The statements each `expand` value may add to a read, whatever the page size: one, but the
# compliance view's facts (phases, meetings and their participants, pauses, members, letters of
# intent, grants and their reports: app/services/partnerships/compliance.py).
EXPANSION_COST = {"compliance": 9}
# ... of which it skips one for a partnership with no meetings (no participants to read).
EXPANSION_SKIPS = {"compliance": 1}


async def statements(
    connection: AsyncConnection, client: AsyncClient, path: str
) -> tuple[int, Any]:
    """The statements one GET sends, and its body (parsed when it is JSON)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", record)
    try:
        response = await client.get(path)
    finally:
        event.remove(sync, "before_cursor_execute", record)
    assert response.status_code == 200, (path, response.text)
    is_json = response.headers["content-type"].startswith("application/json")
    return len(seen), response.json() if is_json else response.content


def reads(client: AsyncClient) -> dict[str, tuple[str, int]]:
    """Every GET of stored data: path template -> its 200 schema's name ('' for a JSON array;
    the media type of a CSV, iCalendar or XML file) and its largest `limit` (0 without one)."""
    doc = client._transport.app.openapi()  # type: ignore[attr-defined]
    found = {}
    for path, operations in doc["paths"].items():
        get = operations.get("get", {})
        content = get.get("responses", {}).get("200", {}).get("content", {})
        if path in NOT_READS or not content:
            continue
        if list(content) == ["application/json"]:
            schema = content["application/json"]["schema"].get("$ref", "").rsplit("/", 1)[-1]
        else:
            schema = next(iter(content))
        parameters = get.get("parameters", [])
        limits = [p["schema"]["maximum"] for p in parameters if p["name"] == "limit"]
        required = [p["name"] for p in parameters if p["in"] == "query" and p.get("required")]
        if required:  # a KeyError names a parameter REQUIRED_QUERY should learn
            path += "?" + "&".join(f"{name}={REQUIRED_QUERY[name]}" for name in required)
        found[path] = (schema, limits[0] if limits else 0)
    return found


def expansions(client: AsyncClient, template: str) -> list[str]:
    """The `expand` queries to try a read with: none, each value alone, all of them."""
    doc = client._transport.app.openapi()  # type: ignore[attr-defined]
    get = doc["paths"][template.split("?")[0]]["get"]
    [values] = [
        doc["components"]["schemas"][p["schema"]["items"]["$ref"].rsplit("/", 1)[-1]]["enum"]
        for p in get.get("parameters", [])
        if p["name"] == "expand"
    ] or [[]]
    every = "&".join(f"expand={v}" for v in values)
    return ["", *(f"expand={v}" for v in values), *([every] if len(values) > 1 else [])]


def values_of(expand: str) -> list[str]:
    return [part.removeprefix("expand=") for part in expand.split("&") if part]


def cost(expand: str) -> int:
    """The most statements an `expand` query may add (see EXPANSION_COST)."""
    return sum(EXPANSION_COST.get(v, 1) for v in values_of(expand))


def with_query(path: str, *parts: str) -> str:
    query = "&".join(part for part in parts if part)
    return path + ("&" if "?" in path else "?") + query if query else path


def cursor_parameter(client: AsyncClient, template: str) -> str:
    """`cursor`, or the name a list gives it (the event feed's `after`)."""
    doc = client._transport.app.openapi()  # type: ignore[attr-defined]
    names = {p["name"] for p in doc["paths"][template.split("?")[0]]["get"]["parameters"]}
    return "cursor" if "cursor" in names else "after"


def items_of(body: Any) -> list[Any]:
    return list(body["items"] if isinstance(body, dict) else body)


async def fill(client: AsyncClient, template: str) -> list[str]:
    """Concrete paths for a template: each path parameter is taken from the collection that
    precedes it (`/grants/{grant_id}` from `/grants`), for every item of that collection."""
    match = PARAM.search(template)
    if match is None:
        return [template]
    collection = template[: match.start() - 1]
    parents = await fill(client, collection)
    paths = []
    for parent in parents:
        listed = COLLECTION_OF.get(parent, parent)
        response = await client.get(listed, params={"limit": 100} if "{" not in collection else {})
        assert response.status_code == 200, (listed, response.text)
        for item in items_of(response.json()):
            key = "code" if match.group(1) == "code" else "id"
            concrete = parent + "/" + str(item[key]) + template[match.end() :]
            paths += await fill(client, concrete) if PARAM.search(concrete) else [concrete]
    return paths


async def created(client: AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code in (200, 201), (path, response.text)
    return dict(response.json())


@pytest.fixture
async def demo(client: AsyncClient, connection: AsyncConnection) -> AsyncClient:
    """The demo data, and a second of whatever it holds only one of (a page or a part list of
    one item would show nothing)."""
    await positions_as_written(connection)  # the demo's events in the feed, as if committed
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        for n in range(2):  # users are made by signing in, which the API has no route for
            claims = TokenClaims(f"user-{n}", f"User {n}", None, "programme_officer", ())
            await sign_in(session, claims)
        await session.commit()
    await created(client, "/api/v1/api-keys", {"name": "second", "role": "programme_officer"})
    partnerships = (await client.get("/api/v1/partnerships")).json()["items"]
    first = partnerships[0]
    funded = {g["partnership_id"] for g in (await client.get("/api/v1/grants")).json()["items"]}
    published = {p["id"] for p in partnerships if p["published_at"]}
    # Published, with grants: in the public views and IATI (the demo publishes its seeds').
    assert len(funded & published) >= 2
    org = first["swedish_party_id"]
    await create_person(client, org, given_name="Second")
    for n in range(2):
        await created(
            client,
            f"/api/v1/partnerships/{first['id']}/documents",
            {"kind": "report", "title": f"Annual report {2020 + n}"},
        )
        await created(
            client,
            f"/api/v1/partnerships/{first['id']}/results",
            {
                "principle": "participation",
                "side": "both",
                "description": f"Study circles, round {n + 1}",
                "observed_on": f"{2020 + n}-12-31",
            },
        )
    # Part lists of different lengths: a second partnership with one document and one result,
    second = partnerships[1]["id"]
    await created(
        client,
        f"/api/v1/partnerships/{second}/documents",
        {"kind": "report", "title": "Annual report 2021"},
    )
    await created(
        client,
        f"/api/v1/partnerships/{second}/results",
        {
            "principle": "transparency",
            "side": "both",
            "description": "Open budget meetings",
            "observed_on": "2021-06-30",
        },
    )
    # a meeting moved once (a history of two steps) beside the demo's, planned or held at once,
    early = await created(
        client,
        f"/api/v1/partnerships/{first['id']}/meetings",
        {
            "kind": "visit",
            "host_organisation_id": org,
            "place": "Town hall",
            "start_date": "2010-03-01",
            "end_date": "2010-03-05",
        },
    )
    moved = await client.post(
        f"/api/v1/partnerships/{first['id']}/meetings/{early['id']}/reschedule",
        json={"start_date": "2010-04-12", "end_date": "2010-04-16", "reason": "Elections"},
        headers={"If-Match": '"v1"'},
    )
    assert moved.status_code == 200, moved.text
    # a seventh member beside the demo's six,
    seventh = await create_person(client, org, given_name="Seventh")
    await created(
        client,
        f"/api/v1/partnerships/{first['id']}/members",
        {
            "person_id": seventh["id"],
            "team": "project_group",
            "role": "member",
            "start_date": "2020-02-01",
        },
    )
    # a grant with one amendment beside the demo's grant with two,
    grant = await create_grant(client, await funding_partnership(client))
    await created(
        client,
        f"/api/v1/grants/{grant['id']}/amendments",
        {"kind": "postponement", "days": 30, "decided_on": "2020-03-01", "reference": "KP X/1"},
    )
    # and a network with one member beside the demo's with six.
    finance = await gender_network(client, title="Network for local finance", theme="local finance")
    karlstad = await reference_municipality(client, "1780")
    assert (await add(client, finance, karlstad["id"])).status_code == 201
    # and a second partnership of the gender network (from its countries) beside the demo's.
    networks = await client.get("/api/v1/networks", params={"theme": "gender equality"})
    [network] = networks.json()["items"]
    colombian = await create_organisation(
        client, type="municipality", country_code="CO", name="Municipio de Ejemplo"
    )
    await create_partnership(
        client,
        colombian["id"],
        swedish_code="1490",
        title="Borås - Colombia",
        applied_on="2025-03-01",
        network_id=network["id"],
    )
    # and two partnerships facing an election in the next 12 months (the continuity list's page:
    # docs/continuity.md), whatever day the suite runs.
    soon = today() + timedelta(days=30)
    await created(
        client,
        "/api/v1/elections",
        {"country_code": "ZM", "level": "municipal", "held_on": str(soon), "source": "ECZ"},
    )
    for n in range(2):
        zambian = await create_organisation(client, name=f"Council facing an election {n}")
        facing = await create_partnership(client, zambian["id"], title=f"Facing an election {n}")
        await create_phase(
            client,
            facing["id"],
            "project",
            str(soon - timedelta(days=200)),
            str(soon + timedelta(days=300)),
        )
    await itp_322(client)
    await created(
        client,
        "/api/v1/study-visits",
        {"visit_on": "2019-09-24", "host_organisation_id": org, "topics": ["local job tracks"]},
    )
    application = await created(
        client,
        "/api/v1/applications",
        {
            "partnership_id": first["id"],
            "kind": "inception",
            "planned_start": "2027-03-01",
            "planned_end": "2028-02-29",
        },
    )
    await created(client, f"/api/v1/applications/{application['id']}/withdraw", {})
    hooks = [
        await created(client, "/api/v1/webhook-subscriptions", {"url": "https://93.184.215.14/h"})
        for _ in range(2)
    ]
    for feed, object_id in (("partnership", first["id"]), ("organisation", org)):
        await created(
            client, "/api/v1/calendar-subscriptions", {"feed": feed, f"{feed}_id": object_id}
        )
    # Attempts are written by a worker (tests/events); two of them, as a worker would log them.
    event_id = await connection.scalar(text("SELECT id FROM events LIMIT 1"))
    delivery = uuid.uuid4()
    await connection.execute(
        text(
            "INSERT INTO webhook_deliveries (id, subscription_id, event_id, status, attempts) "
            "VALUES (:id, :subscription, :event, 'delivered', 2)"
        ),
        {"id": delivery, "subscription": hooks[0]["id"], "event": event_id},
    )
    for status in (500, 204):
        await connection.execute(
            text(
                "INSERT INTO webhook_attempts (id, delivery_id, subscription_id, event_id, "
                "attempted_at, status_code, duration_ms, success) VALUES (:id, :delivery, "
                ":subscription, :event, now() + :n * interval '1 s', :status, 5, :status < 300)"
            ),
            {
                "id": uuid.uuid4(),
                "delivery": delivery,
                "subscription": hooks[0]["id"],
                "event": event_id,
                "n": status,
                "status": status,
            },
        )
    return client


async def test_every_paged_list_issues_the_same_statements_whatever_the_page_size(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    pages = {path: most for path, (schema, most) in reads(demo).items() if most}
    assert len(pages) >= 18  # the OpenAPI document was read
    for template, most in pages.items():
        sizes = []
        for path in (await fill(demo, template))[:3]:
            for expand in expansions(demo, template):
                bound = MOST_STATEMENTS + cost(expand)
                one, first = await statements(connection, demo, with_query(path, "limit=1", expand))
                many, body = await statements(
                    connection, demo, with_query(path, f"limit={most}", expand)
                )
                assert one == many, (path, expand, one, many)
                if first["next_cursor"]:  # the next page, by the cursor handed out
                    cursor = f"{cursor_parameter(demo, template)}={first['next_cursor']}"
                    after, second = await statements(
                        connection, demo, with_query(path, "limit=1", cursor, expand)
                    )
                    assert after <= bound, (path, expand, "next page", after)
                    assert second["items"][0] == body["items"][1], (path, expand)
                assert many <= bound, (path, expand, many)
                sizes.append(len(items_of(body)))
        assert max(sizes) >= 2, f"{template}: too few items to show anything"


async def test_every_part_list_issues_the_same_statements_for_every_parent(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    parts = [path for path, (schema, _) in reads(demo).items() if schema == ""]
    assert len(parts) >= 7  # a partnership's meetings, members, documents and results are paged
    for template in parts:
        parents = await fill(demo, template)
        for expand in expansions(demo, template):
            counts, sizes = set(), set()
            for path in parents:
                count, body = await statements(connection, demo, with_query(path, expand))
                if size := len(items_of(body)):  # an empty list may skip its parts' statements
                    counts.add(count)
                    sizes.add(size)
            # Two parents with different numbers of parts, or a query per part would not show.
            assert len(sizes) >= 2, f"{template}: parts of one size only ({sizes})"
            assert len(counts) == 1, f"{template}?{expand}: {sorted(counts)} statements by parent"
            assert counts.pop() <= MOST_STATEMENTS + cost(expand), (template, expand)


async def test_every_detail_read_issues_a_bounded_number_of_statements_for_each_item(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    details = [path for path, (schema, most) in reads(demo).items() if schema and not most]
    assert len(details) >= 40  # JSON details and summaries, and the CSV, iCalendar and XML files
    differ = {}
    for template in details:
        paths = await fill(demo, template)
        assert paths, f"{template}: the demo data has nothing to read"
        for expand in expansions(demo, template):
            counts = set()
            for path in paths[:3]:
                count, _ = await statements(connection, demo, with_query(path, expand))
                assert count <= MOST_STATEMENTS + cost(expand), (path, expand, count)
                counts.add(count)
            skips = SKIPS_WHEN_EMPTY.get(template, 0)
            skips += sum(EXPANSION_SKIPS.get(v, 0) for v in values_of(expand))
            if max(counts) - min(counts) > skips:
                differ[f"{template}?{expand}"] = sorted(counts)
    assert not differ, differ


async def test_each_expansion_adds_at_most_its_statements(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    """`expand` costs one statement per value whatever the page holds (the compliance view its
    fixed few): measured against the same read without it, on a page of the largest size."""
    routes = {t: most for t, (_, most) in reads(demo).items() if len(expansions(demo, t)) > 1}
    assert len(routes) >= 10  # partnerships, meetings, members, grants, workshops: lists, reads
    for template, most in routes.items():
        for path in (await fill(demo, template))[:3]:
            page = f"limit={most}" if most else ""
            plain, body = await statements(connection, demo, with_query(path, page))
            listed = isinstance(body, list) or "next_cursor" in body
            if listed and not items_of(body):
                continue  # no parts: nothing to expand, no statement
            for expand in expansions(demo, template)[1:]:
                count, _ = await statements(connection, demo, with_query(path, page, expand))
                assert plain < count <= plain + cost(expand), (path, expand, plain, count)
