"""`expand`: related objects embedded in reads and lists (docs/front-ends.md, "Expanding related
objects"). Every embedded object is compared with what its own route answers the same caller
(admin, the coordinators of a Swedish and of a partner-side party, a viewer): equal, or null
where that route answers 404. The routes and their values are read from the OpenAPI document,
so a value added later is held to the same check."""

import uuid
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.clock import today
from app.core.principal import system_principal
from app.demo.seeds import load_demo_data
from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import (
    PARTNERSHIPS_PATH,
    create_organisation,
    create_partnership,
    create_person,
    create_phase,
    reference_municipality,
)
from tests.funding.helpers import APPLICATIONS, GRANTS, attachments, grant_body, line, sek
from tests.funding.helpers import act as act_on_application
from tests.partnerships.test_phases import act, visits
from tests.test_networks import gender_network
from tests.test_query_counts import fill, items_of

# Every route that embeds, and what it embeds (the list; the document must say the same).
EXPANDABLE = {
    "/api/v1/partnerships": {"parties", "current_phase", "next_meeting", "compliance", "network"},
    "/api/v1/partnerships/{partnership_id}": {
        "parties",
        "current_phase",
        "next_meeting",
        "compliance",
        "network",
    },
    "/api/v1/partnerships/{partnership_id}/meetings": {"host"},
    "/api/v1/partnerships/{partnership_id}/meetings/{meeting_id}": {"host"},
    "/api/v1/partnerships/{partnership_id}/members": {"person"},
    "/api/v1/partnerships/{partnership_id}/members/{member_id}": {"person"},
    "/api/v1/grants": {"partnership", "application"},
    "/api/v1/grants/{grant_id}": {"partnership", "application"},
    "/api/v1/workshops": {"network"},
    "/api/v1/workshops/{workshop_id}": {"network"},
}


def expandable(client: AsyncClient) -> dict[str, list[str]]:
    """Each GET route with `expand`, and its values, from the OpenAPI document."""
    doc = client._transport.app.openapi()  # type: ignore[attr-defined]
    found = {}
    for path, operations in doc["paths"].items():
        for parameter in operations.get("get", {}).get("parameters", []):
            if parameter["name"] == "expand":
                ref = parameter["schema"]["items"]["$ref"].rsplit("/", 1)[-1]
                found[path] = list(doc["components"]["schemas"][ref]["enum"])
    return found


def query(values: list[str], limit: bool) -> str:
    return "?" + "&".join([*(f"expand={v}" for v in values), *(["limit=100"] if limit else [])])


async def test_the_document_declares_each_routes_values_and_their_optional_fields(
    client: AsyncClient,
) -> None:
    declared = expandable(client)
    assert {path: set(values) for path, values in declared.items()} == EXPANDABLE
    doc = client._transport.app.openapi()  # type: ignore[attr-defined]
    schemas = doc["components"]["schemas"]
    for path, values in declared.items():
        answer = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        ref = answer["schema"].get("$ref") or answer["schema"]["items"]["$ref"]
        schema = schemas[ref.rsplit("/", 1)[-1]]
        if "items" in schema["properties"]:  # a page: its items' schema
            ref = schema["properties"]["items"]["items"]["$ref"]
            schema = schemas[ref.rsplit("/", 1)[-1]]
        for value in values:
            # Typed, optional (absent unless asked for), with no default a generator would fill.
            assert value in schema["properties"], (path, value)
            assert value not in schema["required"], (path, value)
            assert "default" not in schema["properties"][value], (path, value)
    # Public routes embed public fields of their own and take no `expand`.
    assert not [path for path in declared if path.startswith("/api/v1/public")]


async def test_fields_are_absent_unless_asked_for_and_unknown_values_are_refused(
    client: AsyncClient,
) -> None:
    partner = await create_organisation(client)
    await create_partnership(client, partner["id"])
    plain = (await client.get(PARTNERSHIPS_PATH)).json()["items"][0]
    assert not EXPANDABLE[PARTNERSHIPS_PATH] & set(plain)
    twice = await client.get(f"{PARTNERSHIPS_PATH}?expand=network&expand=network")
    assert twice.status_code == 200
    assert [set(i) - set(plain) for i in twice.json()["items"]] == [{"network"}]
    for bad in ("parties,network", "people", "Parties"):
        refused = await client.get(f"{PARTNERSHIPS_PATH}?expand={bad}")
        assert refused.status_code == 422, bad
        [error] = refused.json()["errors"]
        assert (error["location"], error["pointer"], error["type"]) == ("query", "expand.0", "enum")


async def test_no_route_embeds_anything_for_an_anonymous_caller(anonymous: AsyncClient) -> None:
    for template, values in EXPANDABLE.items():
        path = template.format(
            partnership_id=uuid.uuid4(),
            meeting_id=uuid.uuid4(),
            member_id=uuid.uuid4(),
            grant_id=uuid.uuid4(),
            workshop_id=uuid.uuid4(),
        )
        response = await anonymous.get(path + query(sorted(values), limit=False))
        assert response.status_code == 401, template


async def test_the_overview_screen_in_one_request(client: AsyncClient) -> None:
    """Parties with their countries, the phase with its dates, compliance and the next meeting."""
    makueni = await create_organisation(client, country_code="KE", name="Makueni County")
    kibaha = await create_organisation(client, country_code="TZ", name="Kibaha Town Council")
    tampere = await create_organisation(client, country_code="FI", name="Tampereen kaupunki")
    karlstad = await reference_municipality(client, "1780")
    p = await create_partnership(
        client,
        makueni["id"],
        partner_ids=[makueni["id"], kibaha["id"]],
        third_party_id=tampere["id"],
    )
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    await visits(client, p, "2020-04-20", "2020-10-12")
    assert (await act(client, p, inception, "start", actual_start="2020-02-01")).status_code == 200
    soon, later = today() + timedelta(days=30), today() + timedelta(days=90)
    meetings = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings"
    for start, host in ((later, kibaha), (soon, makueni), (today() - timedelta(days=9), karlstad)):
        made = await client.post(
            meetings,
            json={
                "kind": "digital_meeting",
                "host_organisation_id": host["id"],
                "place": "Online",
                "start_date": str(start),
                "end_date": str(start),
            },
        )
        assert made.status_code == 201, made.text
    sooner = (
        await client.post(
            meetings,
            json={
                "kind": "visit",
                "host_organisation_id": karlstad["id"],
                "place": "Karlstad",
                "start_date": str(today() + timedelta(days=10)),
                "end_date": str(today() + timedelta(days=12)),
            },
        )
    ).json()
    cancelled = await client.post(
        f"{meetings}/{sooner['id']}/cancel",
        json={"reason": "The council was dissolved."},
        headers={"If-Match": '"v1"'},
    )
    assert cancelled.status_code == 200, cancelled.text

    values = ["parties", "current_phase", "next_meeting", "compliance"]
    response = await client.get(f"{PARTNERSHIPS_PATH}{query(values, limit=False)}")
    [item] = response.json()["items"]
    # The Swedish party, the partners in `partner_ids`' order, the third party; their countries.
    parties = item["parties"]
    assert [(x["id"], x["side"]) for x in parties] == [
        (karlstad["id"], "swedish"),
        *((partner, "partner") for partner in p["partner_ids"]),
        (tampere["id"], "third_party"),
    ]
    assert {x["name"]: (x["country_code"], x["type"]) for x in parties} == {
        "Karlstads kommun": ("SE", "municipality"),
        "Makueni County": ("KE", "municipality"),
        "Kibaha Town Council": ("TZ", "municipality"),
        "Tampereen kaupunki": ("FI", "municipality"),
    }
    phase = item["current_phase"]
    assert (phase["id"], phase["kind"], phase["status"]) == (inception["id"], "inception", "active")
    assert (phase["starts"], phase["ends"]) == ("2020-02-01", "2021-01-31")
    # The cancelled meeting and the one already held are not next; the sooner planned one is.
    next_meeting = item["next_meeting"]
    assert (next_meeting["start_date"], next_meeting["host_organisation_id"]) == (
        str(soon),
        makueni["id"],
    )
    assert next_meeting["host_side"] == "partner"
    assert "host" not in next_meeting  # an embedded object embeds nothing in turn
    compliance = item["compliance"]
    assert compliance["as_of"] == str(datetime.now(UTC).date())  # as its own route judges
    assert compliance["met"] is False  # the inception ran past its end with no team
    codes = {w["code"] for w in compliance["warnings"]}
    assert "rule.inception-team" in codes, codes
    assert "network" not in item


async def test_the_current_phase_is_the_active_else_the_first_planned_else_the_last_ended(
    client: AsyncClient,
) -> None:
    partner = await create_organisation(client)
    await create_partnership(client, partner["id"], title="A: no phase")
    planned = await create_partnership(client, partner["id"], title="B: planned")
    later = await create_phase(client, planned["id"], "project", "2024-02-01", "2025-01-31")
    first = await create_phase(client, planned["id"], "inception", "2022-02-01", "2023-01-31")
    ended = await create_partnership(client, partner["id"], title="C: ended")
    done = await create_phase(client, ended["id"], "inception", "2020-02-01", "2021-01-31")
    await visits(client, ended, "2020-04-20", "2020-10-12")
    assert (await act(client, ended, done, "start", actual_start="2020-02-01")).status_code == 200
    completed = await act(client, ended, done, "complete", actual_end="2020-12-31")
    assert completed.status_code == 200, completed.text
    items = (await client.get(f"{PARTNERSHIPS_PATH}?expand=current_phase")).json()["items"]
    current = {i["title"]: i["current_phase"] for i in items}
    assert current["A: no phase"] is None
    assert current["B: planned"]["id"] == first["id"] != later["id"]
    assert current["C: ended"]["id"] == done["id"]
    assert (current["C: ended"]["status"], current["C: ended"]["ends"]) == (
        "completed",
        "2020-12-31",
    )


async def test_an_expanded_read_keeps_its_version_etag_but_is_never_answered_304(
    client: AsyncClient,
) -> None:
    partner = await create_organisation(client)
    p = await create_partnership(client, partner["id"])
    url = f"{PARTNERSHIPS_PATH}/{p['id']}"
    etag = (await client.get(url)).headers["ETag"]
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304
    # Its phases and meetings change without the partnership's version: no 304 on it.
    expanded = await client.get(f"{url}?expand=current_phase", headers={"If-None-Match": etag})
    assert (expanded.status_code, expanded.headers["ETag"]) == (200, etag)
    assert expanded.json()["current_phase"] is None


async def test_an_expanded_list_is_answered_304_until_an_embedded_object_changes(
    client: AsyncClient,
) -> None:
    partner = await create_organisation(client)
    p = await create_partnership(client, partner["id"])
    url = f"{PARTNERSHIPS_PATH}?expand=current_phase"
    etag = (await client.get(url)).headers["ETag"]
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304
    # A phase changes no partnership's version, but the list's tag is its whole answer's.
    phase = await create_phase(client, p["id"], "project", "2027-01-01", "2027-12-31")
    again = await client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 200, again.text
    assert again.headers["ETag"] != etag
    assert again.json()["items"][0]["current_phase"]["id"] == phase["id"]


# What each embedded object must be: derived from the object's own routes, as the same caller.
Expect = Callable[[AsyncClient, dict[str, Any], dict[str, Any]], Awaitable[Any]]


async def own(caller: AsyncClient, url: str) -> Any:
    """The object's own route's answer to this caller; None where it answers 404."""
    response = await caller.get(url)
    if response.status_code == 404:
        return None
    assert response.status_code == 200, (url, response.text)
    return response.json()


async def parties(caller: AsyncClient, item: dict[str, Any], embedded: dict[str, Any]) -> Any:
    sides = [(item["swedish_party_id"], "swedish"), *((o, "partner") for o in item["partner_ids"])]
    if item["third_party_id"]:
        sides.append((item["third_party_id"], "third_party"))
    return [{**await own(caller, f"/api/v1/organisations/{o}"), "side": s} for o, s in sides]


def _first(phase: dict[str, Any]) -> str:
    return str(phase["actual_start"] or phase["planned_start"])


def _last(phase: dict[str, Any]) -> str:
    return str(phase["actual_end"] or phase["planned_end"])


async def current_phase(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    phases = await own(caller, f"{PARTNERSHIPS_PATH}/{item['id']}/phases")
    active = [p for p in phases if p["status"] == "active"]
    planned = sorted(
        (p for p in phases if p["status"] == "planned"), key=lambda p: (p["planned_start"], p["id"])
    )
    ended = sorted((p for p in phases if p["status"] in ("completed", "terminated")), key=_last)
    chosen = (active or planned or ended[-1:] or [None])[0]
    return chosen and {**chosen, "starts": _first(chosen), "ends": _last(chosen)}


async def next_meeting(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    meetings = (await own(caller, f"{PARTNERSHIPS_PATH}/{item['id']}/meetings?limit=100"))["items"]
    upcoming = [m for m in meetings if m["status"] == "planned" and m["end_date"] >= str(today())]
    return min(upcoming, key=lambda m: (m["start_date"], m["id"]), default=None)


async def compliance(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    view = await own(caller, f"{PARTNERSHIPS_PATH}/{item['id']}/compliance")
    return {"as_of": view["as_of"], "met": not view["warnings"], "warnings": view["warnings"]}


async def network(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    return item["network_id"] and await own(caller, f"/api/v1/networks/{item['network_id']}")


async def host(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    return await own(caller, f"/api/v1/organisations/{item['host_organisation_id']}")


async def person(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    return await own(caller, f"/api/v1/people/{item['person_id']}")


async def partnership(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    found = await own(caller, f"{PARTNERSHIPS_PATH}/{item['partnership_id']}")
    assert found is not None  # a grant is read through its partnership's scope
    return found


async def application(caller: AsyncClient, item: dict[str, Any], embedded: Any) -> Any:
    return item["application_id"] and await own(caller, f"{APPLICATIONS}/{item['application_id']}")


EXPECTED: dict[tuple[str, str], Expect] = {
    ("partnerships", "parties"): parties,
    ("partnerships", "current_phase"): current_phase,
    ("partnerships", "next_meeting"): next_meeting,
    ("partnerships", "compliance"): compliance,
    ("partnerships", "network"): network,
    ("meetings", "host"): host,
    ("members", "person"): person,
    ("grants", "partnership"): partnership,
    ("grants", "application"): application,
    ("workshops", "network"): network,
}


def resource(template: str) -> str:
    return [part for part in template.split("/") if part and "{" not in part][-1]


@pytest.fixture
async def callers(client: AsyncClient, connection: AsyncConnection) -> dict[str, AsyncClient]:
    """The demo data, a planned meeting ahead and a grant of an approved application; an
    administrator, the coordinators of Karlstad (a Swedish party) and of Makueni County (its
    partner), and a viewer of Alingsås."""
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    karlstad = await reference_municipality(client, "1780")
    alingsas = await reference_municipality(client, "1489")
    [makueni] = (await client.get("/api/v1/organisations?q=Makueni")).json()["items"]
    [ours] = (await client.get(f"{PARTNERSHIPS_PATH}?swedish_party_id={karlstad['id']}")).json()[
        "items"
    ]
    ahead = str(today() + timedelta(days=40))
    made = await client.post(
        f"{PARTNERSHIPS_PATH}/{ours['id']}/meetings",
        json={
            "kind": "visit",
            "host_organisation_id": makueni["id"],
            "place": "Wote",
            "start_date": ahead,
            "end_date": ahead,
        },
    )
    assert made.status_code == 201, made.text
    # Alingsås, with a Zambian partner, in a network: an application approved, then its grant.
    zambian = await create_organisation(client, name="Kitwe City Council")
    network = await gender_network(
        client, title="Network for open budgets", country_codes=["SE", "ZM"]
    )
    p = await create_partnership(
        client,
        zambian["id"],
        swedish_code="1489",
        title="Alingsås - Kitwe",
        network_id=network["id"],
    )
    await create_person(client, zambian["id"], given_name="Kitwe")
    documents = await attachments(client, p)
    applied = await client.post(
        APPLICATIONS,
        json={
            "partnership_id": p["id"],
            "kind": "inception",
            "planned_start": "2027-03-01",
            "planned_end": "2028-02-29",
            "attachment_ids": documents,
            "budget": [line("travel", 1, 200000)],
        },
    )
    assert applied.status_code == 201, applied.text
    for step in ("submit", "assess", "approve"):
        assert (await act_on_application(client, applied.json(), step)).status_code == 200
    granted = await client.post(
        GRANTS,
        json=grant_body(
            p,
            kind="inception",
            reference="KP 2027/9",
            application_id=applied.json()["id"],
            starts="2027-03-01",
            ends="2028-02-29",
            amount=sek(200000),
            budget=[line("travel", 1, 200000)],
        ),
    )
    assert granted.status_code == 201, granted.text

    async def key(role: Role, organisation: dict[str, Any]) -> AsyncClient:
        return authorised(client, await api_key(connection, role, [organisation["id"]]))

    return {
        "admin": client,
        "coordinator of Karlstad": await key(Role.coordinator, karlstad),
        "coordinator of Makueni": await key(Role.coordinator, makueni),
        "viewer of Alingsås": await key(Role.viewer, alingsas),
    }


async def test_each_embedded_object_is_what_its_own_route_answers_the_same_caller(
    callers: dict[str, AsyncClient],
) -> None:
    routes = expandable(callers["admin"])
    seen: Counter[tuple[str, str, str, bool]] = Counter()  # caller, resource, value, null
    for name, caller in callers.items():
        for template, values in routes.items():
            kind = resource(template)
            lists = not template.endswith("}")
            for path in await fill(caller, template):
                plain = await caller.get(path + ("?limit=100" if lists else ""))
                expanded = await caller.get(path + query(values, limit=lists))
                assert expanded.status_code == 200, (name, path, expanded.text)
                items = items_of(expanded.json()) if lists else [expanded.json()]
                bare = items_of(plain.json()) if lists else [plain.json()]
                assert len(items) == len(bare), (name, path)
                for item, without in zip(items, bare, strict=True):
                    # The item itself is unchanged; only the fields asked for are added.
                    assert {k: v for k, v in item.items() if k not in values} == without
                    for value in values:
                        wanted = await EXPECTED[(kind, value)](caller, without, item[value])
                        assert item[value] == wanted, (name, path, value)
                        seen[(name, kind, value, not item[value])] += 1
    # Every expansion embedded something for the administrator and for one of the others (the
    # comparisons were not of nulls only),
    shown = {(who == "admin", kind, value) for (who, kind, value, null) in seen if not null}
    assert shown == {(admin, *expansion) for admin in (True, False) for expansion in EXPECTED}
    # and the coordinators of each side got their own side's people and the other's as null.
    for name in ("coordinator of Karlstad", "coordinator of Makueni"):
        assert seen[(name, "members", "person", False)] >= 2, name
        assert seen[(name, "members", "person", True)] >= 2, name


async def test_a_coordinator_gets_its_own_people_through_members_never_another_organisations(
    callers: dict[str, AsyncClient],
) -> None:
    karlstad = callers["coordinator of Karlstad"]
    [ours] = (await karlstad.get(PARTNERSHIPS_PATH)).json()["items"][:1]
    members = (
        await karlstad.get(f"{PARTNERSHIPS_PATH}/{ours['id']}/members?expand=person")
    ).json()["items"]
    by_side = {(m["side"], m["person"] is None) for m in members}
    assert by_side == {("swedish", False), ("partner", True)}
    assert all(m["person"]["email"] for m in members if m["side"] == "swedish")
    seen_by_admin = (
        await callers["admin"].get(f"{PARTNERSHIPS_PATH}/{ours['id']}/members?expand=person")
    ).json()["items"]
    assert {(m["side"], m["person"] is None) for m in seen_by_admin} == {
        ("swedish", False),
        ("partner", False),
    }
