"""Every route of the app, enumerated from the OpenAPI document, against every kind of caller:
a route added later is covered automatically (or the test names what it needs)."""

import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import today
from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import (
    create_organisation,
    create_partnership,
    create_person,
    create_phase,
)

# Routes anyone may call without credentials (docs/access-control.md).
PUBLIC = {
    ("GET", "/api/v1/countries"),
    ("GET", "/api/v1/countries/{code}"),
    ("GET", "/api/v1/organisations"),
    ("GET", "/api/v1/organisations/{organisation_id}"),
    ("GET", "/api/v1/public/partnerships"),
    ("GET", "/api/v1/public/partnerships/{partnership_id}"),
    ("GET", "/api/v1/public/networks"),
    ("GET", "/api/v1/public/networks/{network_id}"),
    ("GET", "/api/v1/public/networks/{network_id}/workshops.ics"),
    ("GET", "/api/v1/public/partner-interests"),
    ("GET", "/api/v1/public/partner-interests/{interest_id}"),
    ("GET", "/api/v1/iati/activities.xml"),
    ("GET", "/api/v1/iati/partnerships/{partnership_id}.xml"),
    ("GET", "/api/v1/calendar-feeds/{token}.ics"),  # its secret URL is the credential
    ("GET", "/api/v1/vocabularies"),
    ("GET", "/api/v1/vocabularies/{vocabulary}"),
    ("GET", "/problems"),
    ("GET", "/problems/{code}"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
}
METHODS = {"get", "post", "patch", "put", "delete"}
# Writes a viewer may make: its own calendar subscriptions, as reading a feed is enough to
# subscribe to it (docs/calendars.md).
VIEWERS_OWN = {
    ("POST", "/api/v1/calendar-subscriptions"),
    ("DELETE", "/api/v1/calendar-subscriptions/{subscription_id}"),
}


async def operations(client: AsyncClient) -> list[tuple[str, str, dict[str, Any]]]:
    spec = (await client.get("/openapi.json")).json()
    return [
        (method.upper(), path, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    ]


def body_example(spec_op: dict[str, Any], spec: dict[str, Any]) -> Any:
    content = spec_op.get("requestBody", {}).get("content", {})
    for media in content.values():
        if media["schema"].get("format") == "binary":
            return None  # a file upload: sent without a body, it is refused before it is read
        name = media["schema"]["$ref"].rsplit("/", 1)[-1]
        return spec["components"]["schemas"][name]["examples"][0]
    return None


def fill(path: str, values: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            pytest.fail(f"{path}: no test object for path parameter {{{name}}}; add one")
        return values[name]

    return re.sub(r"\{(\w+)\}", value, path)


async def call(client: AsyncClient, method: str, path: str, body: Any) -> Any:
    headers = {"If-Match": '"v1"'} if method in {"PATCH", "DELETE"} else {}
    return await client.request(method, path, json=body, headers=headers)


async def test_no_credentials_means_401_unless_public(anonymous: AsyncClient) -> None:
    spec = (await anonymous.get("/openapi.json")).json()
    placeholders = {
        "code": "SE",
        "organisation_id": str(uuid.uuid4()),
        "token": "cal_x",
        "vocabulary": "phase_kind",
    }
    checked = 0
    for method, path, op in await operations(anonymous):
        url = fill(path, {**placeholders, **_any_ids(path)})
        response = await call(anonymous, method, url, body_example(op, spec))
        if (method, path) in PUBLIC:
            assert response.status_code != 401, (method, path)
        else:
            assert response.status_code == 401, (method, path, response.text)
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert response.json()["code"] == "unauthorized"
        checked += 1
    assert checked >= 20


def _any_ids(path: str) -> dict[str, str]:
    return {name: str(uuid.uuid4()) for name in re.findall(r"\{(\w+_id)\}", path)}


Factory = Callable[[AsyncClient, str], Awaitable[dict[str, str]]]


async def objects_of(client: AsyncClient, organisation_id: str) -> dict[str, str]:
    """One object of each scoped kind belonging to the organisation, by path parameter name."""
    person = await create_person(client, organisation_id)
    partnership = await create_partnership(client, organisation_id)
    phase = await create_phase(client, partnership["id"], "inception", "2020-02-01", "2021-01-31")
    member = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/members",
        json={
            "person_id": person["id"],
            "team": "project_group",
            "role": "member",
            "start_date": "2020-02-01",
        },
    )
    assert member.status_code == 201, member.text
    meeting = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/meetings",
        json={
            "kind": "visit",
            "host_organisation_id": organisation_id,
            "place": "Town hall",
            "start_date": "2020-04-20",
            "end_date": "2020-04-24",
        },
    )
    assert meeting.status_code == 201, meeting.text
    result = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/results",
        json={
            "principle": "participation",
            "side": "both",
            "description": "Study circles",
            "observed_on": "2020-12-31",
        },
    )
    assert result.status_code == 201, result.text
    document = await client.post(
        f"/api/v1/partnerships/{partnership['id']}/documents",
        json={"kind": "report", "title": "Annual report 2020"},
    )
    assert document.status_code == 201, document.text
    visit = await client.post(
        "/api/v1/study-visits",
        json={
            "visit_on": "2019-09-24",
            "host_organisation_id": organisation_id,
            "topics": ["local job tracks"],
        },
    )
    assert visit.status_code == 201, visit.text
    application = await client.post(
        "/api/v1/applications",
        json={
            "partnership_id": partnership["id"],
            "kind": "inception",
            "planned_start": "2027-03-01",
            "planned_end": "2028-02-29",
        },
    )
    assert application.status_code == 201, application.text
    grant = await client.post(
        "/api/v1/grants",
        json={
            "partnership_id": partnership["id"],
            "kind": "inception",
            "reference": f"KP {organisation_id}",
            "decided_on": "2020-01-10",
            "starts": "2020-02-01",
            "ends": "2021-01-31",
            "amount": {"amount": "100000", "currency": "SEK"},
            "budget": [
                {"category": "travel", "year": 1, "amount": {"amount": "100000", "currency": "SEK"}}
            ],
        },
    )
    assert grant.status_code == 201, grant.text
    grant_url = f"/api/v1/grants/{grant.json()['id']}"
    line = grant.json()["budget"][0]["id"]
    report = await client.post(
        f"{grant_url}/reports",
        json={
            "kind": "final",
            "year": 1,
            "narrative": "Done.",
            "costs": [{"budget_line_id": line, "amount": {"amount": "1000", "currency": "SEK"}}],
        },
    )
    assert report.status_code == 201, report.text
    approved = await client.post(f"{grant_url}/reports/{report.json()['id']}/approve")
    assert approved.status_code == 200, approved.text
    payment = await client.post(
        f"{grant_url}/payments",
        json={
            "report_id": report.json()["id"],
            "amount": {"amount": "1000", "currency": "SEK"},
            "paid_on": str(today()),
            "reference": f"UTB {organisation_id}",
        },
    )
    assert payment.status_code == 201, payment.text
    amendment = await client.post(
        f"{grant_url}/amendments",
        json={
            "kind": "postponement",
            "reference": f"KP P {organisation_id}",
            "decided_on": "2020-06-01",
            "days": 30,
        },
    )
    assert amendment.status_code == 201, amendment.text
    interests = []
    for _ in range(2):
        interest = await client.post(
            "/api/v1/partner-interests",
            json={
                "organisation_id": organisation_id,
                "themes": ["gender equality"],
                "principles": ["participation"],
                "local_challenge": "Few women in the council.",
                "earliest_start": "2026-03-01",
            },
        )
        assert interest.status_code == 201, interest.text
        interests.append(interest.json()["id"])
    return {
        "interest_id": interests[0],
        "candidate_id": interests[1],
        "amendment_id": amendment.json()["id"],
        "payment_id": payment.json()["id"],
        "grant_id": grant.json()["id"],
        "report_id": report.json()["id"],
        "application_id": application.json()["id"],
        "visit_id": visit.json()["id"],
        "document_id": document.json()["id"],
        "result_id": result.json()["id"],
        "meeting_id": meeting.json()["id"],
        "person_id": person["id"],
        "organisation_id": organisation_id,
        "partnership_id": partnership["id"],
        "phase_id": phase["id"],
        "member_id": member.json()["id"],
    }


async def test_a_coordinator_cannot_reach_another_organisations_objects(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    spec = (await client.get("/openapi.json")).json()
    org_a = await create_organisation(client, name="Organisation A")
    org_b = await create_organisation(client, name="Organisation B")
    own = await objects_of(client, org_a["id"])
    theirs = await objects_of(client, org_b["id"])
    # Not organisations' objects: the same answer whoever's ids are used.
    admin_only = {
        "key_id",
        "user_id",
        "event_id",
        "programme_id",
        "network_id",
        "workshop_id",
        "round_id",
        "subscription_id",  # a caller's own: no organisation's (tests/events, tests/calendars)
        "delivery_id",
    }
    async with authorised(
        client, await api_key(connection, Role.coordinator, [uuid.UUID(org_a["id"])])
    ) as coordinator:
        checked = 0
        for method, path, op in await operations(client):
            params = set(re.findall(r"\{(\w+)\}", path))
            if not params & set(theirs) or (method, path) in PUBLIC:
                continue
            assert params <= set(theirs) | admin_only | {"code"}, path
            body = body_example(op, spec)
            unscoped = {k: str(uuid.uuid4()) for k in admin_only}  # same for both callers
            on_own = await call(coordinator, method, fill(path, {**unscoped, **own}), body)
            on_theirs = await call(coordinator, method, fill(path, {**unscoped, **theirs}), body)
            if on_own.status_code == 403:
                # Refused on its own objects (the role, or not its side of the partnership):
                # another organisation's objects answer as objects that do not exist.
                missing = {k: str(uuid.uuid4()) for k in theirs}
                on_missing = await call(
                    coordinator, method, fill(path, {**unscoped, **missing}), body
                )
                assert on_theirs.status_code == on_missing.status_code, (method, path)
                assert on_theirs.status_code in (403, 404), (method, path)
            else:
                assert on_theirs.status_code == 404, (method, path, on_theirs.text)
            checked += 1
        assert checked >= 5
    # Organisation B's person is still there, unchanged.
    person = await client.get(f"/api/v1/people/{theirs['person_id']}")
    assert person.status_code == 200
    assert person.headers["etag"] == '"v1"'


async def test_a_viewer_cannot_write_anything(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    spec = (await client.get("/openapi.json")).json()
    org = await create_organisation(client, name="Viewer's organisation")
    own = {**await objects_of(client, org["id"]), "code": "SE"}
    own |= {
        k: str(uuid.uuid4())
        for k in (
            "key_id",
            "user_id",
            "event_id",
            "programme_id",
            "network_id",
            "workshop_id",
            "round_id",
            "subscription_id",
            "delivery_id",
            "election_id",
        )
    }
    async with authorised(
        client, await api_key(connection, Role.viewer, [uuid.UUID(org["id"])])
    ) as viewer:
        writes = [(m, p, op) for m, p, op in await operations(client) if m != "GET"]
        for method, path, op in writes:
            response = await call(viewer, method, fill(path, own), body_example(op, spec))
            # Not refused for the role: the example's organisation, the id, are none of its own.
            expected = 404 if (method, path) in VIEWERS_OWN else 403
            assert response.status_code == expected, (method, path, response.text)
        assert len(writes) >= 8
        readable = await viewer.get(f"/api/v1/people/{own['person_id']}")
        assert readable.status_code == 200


async def test_lists_and_creates_never_reach_another_organisation(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    """Every list route, as A's coordinator, returns nothing of B's; every create route refuses
    a body that places the object in B."""
    spec = (await client.get("/openapi.json")).json()
    org_a = await create_organisation(client, name="Organisation A")
    org_b = await create_organisation(client, name="Organisation B")
    await objects_of(client, org_a["id"])
    await objects_of(client, org_b["id"])
    token = await api_key(connection, Role.coordinator, [uuid.UUID(org_a["id"])])
    async with authorised(client, token) as coordinator:
        lists = creates = 0
        for method, path, op in await operations(client):
            if "{" in path:
                continue
            if method == "GET" and path.startswith("/api/"):
                response = await coordinator.get(path, params={"limit": 100})
                is_json = response.headers.get("content-type", "").startswith("application/json")
                if response.status_code == 200 and is_json and "items" in response.json():
                    owners = set()
                    for item in response.json()["items"]:
                        owners |= {
                            item.get("organisation_id"),
                            item.get("swedish_party_id"),
                            item.get("third_party_id"),
                            *item.get("partner_ids", []),
                        }
                    assert org_b["id"] not in owners, path
                    lists += 1
            body = body_example(op, spec)
            if method == "POST" and isinstance(body, dict) and "organisation_id" in body:
                response = await coordinator.post(
                    path, json={**body, "organisation_id": org_b["id"]}
                )
                assert response.status_code in {403, 404}, (path, response.text)
                creates += 1
        assert lists >= 3
        assert creates >= 1
