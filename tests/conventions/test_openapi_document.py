"""The OpenAPI document against the server's behaviour: `If-Match` is required exactly where a
change without it answers 428, every problem a route answers with is declared, and the `ETag`
and `Location` headers are declared exactly where they are sent."""

import re
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from httpx import AsyncClient, Response

from app.api.deps import if_match_header, if_match_to_replace
from app.api.problems import DEPENDENCY_PROBLEMS
from app.core.i18n import english
from tests.access.test_routes import body_example, objects_of
from tests.conftest import ROOT
from tests.factories import create_organisation
from tests.funding.helpers import open_round
from tests.test_networks import add, gender_network
from tests.test_programmes import itp_322

METHODS = ("get", "post", "put", "patch", "delete")
STALE = '"v999"'

Operation = tuple[str, str, dict[str, Any]]


@pytest.fixture(autouse=True)
def allow_loopback(app: Any) -> Iterator[None]:
    """A webhook subscription to a loopback receiver, as the demo's."""
    original = app.state.settings
    app.state.settings = original.model_copy(update={"webhook_allow_loopback": True})
    yield
    app.state.settings = original


def operations(spec: dict[str, Any]) -> Iterator[Operation]:
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method in item:
                yield method.upper(), path, item[method]


def parameter(operation: dict[str, Any], name: str) -> dict[str, Any] | None:
    return next((p for p in operation.get("parameters", ()) if p["name"] == name), None)


async def created(client: AsyncClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await client.post(path, json=body)
    assert response.status_code == 201, (path, response.text)
    return dict(response.json())


async def every_object(client: AsyncClient) -> dict[str, str]:
    """One object for each path parameter of the document, by its name; a network's member
    under `network_member_id`, a calendar subscription under `calendar_subscription_id`."""
    organisation = await create_organisation(client, name="Declared organisation")
    ids = await objects_of(client, organisation["id"])
    network = await gender_network(client, country_codes=["SE", "ZM"])
    member = await add(client, network, organisation["id"])
    assert member.status_code == 201, member.text
    workshop = await created(
        client,
        "/api/v1/workshops",
        {
            "network_id": network["id"],
            "title": "Local democracy",
            "host_organisation_id": organisation["id"],
            "country_code": "ZM",
            "city": "Lusaka",
            "starts": "2024-06-03",
            "ends": "2024-06-07",
        },
    )
    subscription = await created(
        client,
        "/api/v1/webhook-subscriptions",
        {"url": "http://127.0.0.1:9/hooks", "event_types": ["grant.decided"]},
    )
    calendar = await created(
        client,
        "/api/v1/calendar-subscriptions",
        {"feed": "organisation", "organisation_id": organisation["id"]},
    )
    key = await created(
        client, "/api/v1/api-keys", {"name": "declared", "role": "admin", "organisation_ids": []}
    )
    election = await created(
        client,
        "/api/v1/elections",
        {"country_code": "ZM", "level": "municipal", "held_on": "2031-08-14", "source": "Law"},
    )
    events = (await client.get("/api/v1/audit-events", params={"limit": 1})).json()
    return ids | {
        "election_id": election["id"],
        "code": "SE",
        "network_id": network["id"],
        "network_member_id": member.json()["id"],
        "workshop_id": workshop["id"],
        "programme_id": (await itp_322(client))["id"],
        "round_id": (await open_round(client))["id"],
        "subscription_id": subscription["id"],
        "calendar_subscription_id": calendar["id"],
        "token": calendar["token"],
        "vocabulary": "phase_kind",
        "key_id": key["id"],
        "event_id": events["items"][0]["id"],
        # No user signs in and no webhook is delivered in a rolled-back test: unknown ids.
        "user_id": "00000000-0000-4000-8000-000000000000",
        "delivery_id": "00000000-0000-4000-8000-000000000000",
    }


def url(path: str, objects: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name == "member_id" and path.startswith("/api/v1/networks/"):
            name = "network_member_id"
        if name == "subscription_id" and path.startswith("/api/v1/calendar-subscriptions/"):
            name = "calendar_subscription_id"
        return objects[name]

    return re.sub(r"\{(\w+)\}", value, path)


async def send(
    client: AsyncClient,
    spec: dict[str, Any],
    operation: Operation,
    objects: dict[str, str],
    headers: dict[str, str] | None = None,
) -> Response:
    method, path, op = operation
    body = body_example(op, spec)
    return await client.request(method, url(path, objects), json=body, headers=headers or {})


def declared(op: dict[str, Any], response: Response) -> dict[str, Any]:
    """The declaration of this answer's status (failing when there is none)."""
    status = str(response.status_code)
    assert status in op["responses"], (op["operationId"], status, response.text)
    return dict(op["responses"][status])


async def test_if_match_is_required_exactly_where_a_change_without_it_is_refused(
    client: AsyncClient, app: FastAPI
) -> None:
    spec = app.openapi()
    objects = await every_object(client)
    checked = 0
    for operation in operations(spec):
        _, path, op = operation
        header = parameter(op, "If-Match")
        if header is None:
            continue
        assert {"412", "428"} <= set(op["responses"]), path
        without = await send(client, spec, operation, objects)
        declared(op, without)
        assert (without.status_code == 428) is header["required"], (path, without.text)
        stale = await send(client, spec, operation, objects, {"If-Match": STALE})
        if header["required"]:
            assert stale.status_code == 412, (path, stale.text)
            assert stale.json()["current_etag"].startswith('"v')
        declared(op, stale)
        checked += 1
    assert checked >= 29


def with_ids(value: Any, objects: dict[str, str], field: str = "") -> Any:
    """An example body with its placeholder ids replaced by the test's objects of their kind
    (any organisation id by the organisation's)."""
    if isinstance(value, dict):
        return {k: with_ids(v, objects, k) for k, v in value.items()}
    if isinstance(value, list):
        return [with_ids(v, objects, field.removesuffix("s")) for v in value]
    if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", value):
        if field in objects:
            return objects[field]
        if "organisation" in field:
            return objects["organisation_id"]
    return value


HEADERS_OF_OUR_OWN = ("ETag", "Location", "Content-Disposition")


async def test_each_answer_is_declared_with_the_headers_it_carries(
    client: AsyncClient, app: FastAPI
) -> None:
    """Every operation once, reads first and deletes last, with its example body: whatever it
    answers is declared, and a success carries exactly the headers declared for it."""
    spec = app.openapi()
    objects = await every_object(client)
    order = {m: i for i, m in enumerate(("GET", "POST", "PUT", "PATCH", "DELETE"))}
    succeeded = set()
    for method, path, op in sorted(operations(spec), key=lambda o: order[o[0]]):
        body = with_ids(body_example(op, spec), objects)
        answer = await client.request(
            method, url(path, objects), json=body, headers={"If-Match": "*"}
        )
        response = declared(op, answer)
        if answer.status_code >= 300:
            continue
        succeeded.add((method, path))
        headers = response.get("headers", {})
        for name in HEADERS_OF_OUR_OWN:
            assert (name in headers) is (name.lower() in answer.headers), (method, path, name)
            if name in headers:
                assert headers[name]["required"], (method, path, name)
        for name in answer.headers:
            if name.startswith("ratelimit-"):
                assert name in {h.lower() for h in headers}, (method, path, name)
        if "304" in op["responses"]:
            again = await client.get(
                url(path, objects), headers={"If-None-Match": answer.headers["etag"]}
            )
            assert again.status_code == 304, (path, again.text)
            assert again.headers["etag"] == answer.headers["etag"], path
    writes = {(m, p) for m, p in succeeded if m != "GET"}
    assert len(succeeded) >= 100 and len(writes) >= 35, sorted(writes)


async def test_a_cursor_no_list_handed_out_is_a_declared_400(
    client: AsyncClient, app: FastAPI
) -> None:
    spec = app.openapi()
    objects = await every_object(client)
    lists = 0
    for _, path, op in operations(spec):
        cursor = parameter(op, "cursor")
        if cursor is None:
            continue
        assert "opaque" in cursor["description"].lower(), path
        assert "invalid-cursor" in cursor["description"], path
        answer = await client.get(url(path, objects), params={"cursor": "eyJzIjoibm8ifQ"})
        assert (answer.status_code, answer.json()["code"]) == (400, "invalid-cursor"), path
        declared(op, answer)
        lists += 1
    assert lists >= 20


def test_every_problem_a_dependency_answers_with_is_declared(app: FastAPI) -> None:
    """A route declares the problems of every dependency it runs, however deeply: credentials,
    roles, `If-Match`, paging, `Idempotency-Key`, the session."""
    spec = app.openapi()
    checked = 0
    for route in iter_route_contexts(app.routes):
        if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
            continue
        calls = {d.call for d in walk(route.dependant)}
        for method in route.methods or ():
            op = spec["paths"][route.path_format][method.lower()]
            for call in calls & set(DEPENDENCY_PROBLEMS):
                for kind in DEPENDENCY_PROBLEMS[call]:
                    response = op["responses"][str(kind.status)]
                    assert english(kind.title) in response["description"] or kind.status == 422, (
                        op["operationId"],
                        kind.code,
                    )
                    assert list(response["content"]) == ["application/problem+json"]
            header = parameter(op, "If-Match")
            if if_match_header in calls or if_match_to_replace in calls:
                assert header is not None, op["operationId"]
                assert header["required"] is (if_match_header in calls), op["operationId"]
            else:
                assert header is None, op["operationId"]
            checked += 1
    assert checked == sum(1 for _ in operations(spec))


def walk(dependant: Any) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub
        yield from walk(sub)


def test_the_problems_described_do_not_depend_on_the_order_of_imports() -> None:
    """The document is the same when the routers are imported in the reverse order."""
    script = (
        "import importlib, json, pkgutil, sys\n"
        "import app.routers\n"
        "names = sorted(m.name for m in pkgutil.walk_packages(app.routers.__path__, "
        "'app.routers.'))\n"
        "for name in reversed(names): importlib.import_module(name)\n"
        "from app.openapi_markdown import render_openapi_markdown\n"
        "sys.stdout.write(render_openapi_markdown())\n"
    )
    reversed_order = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert reversed_order.stdout == (ROOT / "openapi.md").read_text(encoding="utf-8")


def nullable(schema: dict[str, Any]) -> bool:
    return schema.get("type") == "null" or any(nullable(s) for s in schema.get("anyOf", ()))


async def test_a_merge_patch_takes_null_exactly_where_it_is_declared(
    client: AsyncClient, app: FastAPI
) -> None:
    """A null clears a field that may be empty, and is refused, before the version is even
    compared, for one that always has a value: as each patch's schema says."""
    spec = app.openapi()
    objects = await every_object(client)
    schemas = spec["components"]["schemas"]
    refused = cleared = 0
    for method, path, op in operations(spec):
        body = op.get("requestBody", {}).get("content", {}).get("application/merge-patch+json")
        if body is None:
            continue
        patch = schemas[body["schema"]["$ref"].rsplit("/", 1)[-1]]
        for name, field in patch["properties"].items():
            answer = await client.request(
                method, url(path, objects), json={name: None}, headers={"If-Match": STALE}
            )
            errors = (answer.json().get("errors") or []) if answer.status_code >= 400 else []
            at_field = [e for e in errors if e["pointer"] == f"/{name}"]
            if nullable(field):
                assert not any("may not be null" in e["message"] for e in at_field), (path, name)
                cleared += 1
            else:
                assert answer.status_code == 422, (path, name, answer.text)
                assert [e["message"] for e in at_field] == [
                    "may not be null: it always has a value (leave it out to keep it)"
                ], (path, name)
                refused += 1
    assert refused >= 40 and cleared >= 20, (refused, cleared)


async def test_an_unknown_id_is_a_declared_404(client: AsyncClient, app: FastAPI) -> None:
    spec = app.openapi()
    unknown = "00000000-0000-4000-8000-000000000000"
    checked = 0
    for method, path, op in operations(spec):
        if "{" not in path:
            continue
        target = re.sub(r"\{code\}", "QQ", re.sub(r"\{\w+_id\}", unknown, path))
        body = body_example(op, spec)
        answer = await client.request(method, target, json=body, headers={"If-Match": "*"})
        assert answer.status_code == 404, (method, path, answer.text)
        declared(op, answer)
        checked += 1
    assert checked >= 100
