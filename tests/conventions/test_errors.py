"""Every 4xx and 5xx is RFC 9457 problem details, with a stable code and no stack trace."""

from typing import Any

from fastapi import APIRouter, FastAPI
from httpx import ASGITransport, AsyncClient

from app.api.routing import skip_routers_by_prefix
from app.main import create_app
from app.settings import Settings

PROBLEM_KEYS = {"type", "title", "status", "detail", "code", "instance", "request_id"}


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = dict(response.json())
    assert body.keys() >= PROBLEM_KEYS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/problems/{code}"
    assert body["request_id"] == response.headers["x-request-id"]
    return body


async def test_unknown_route_is_a_problem(client: AsyncClient) -> None:
    body = assert_problem(await client.get("/api/v1/nowhere"), 404, "not-found")
    assert body["instance"] == "/api/v1/nowhere"
    assert body["detail"] == "No route GET /api/v1/nowhere."


async def test_wrong_method_is_a_problem_with_allow(client: AsyncClient) -> None:
    response = await client.put("/api/v1/organisations")
    assert_problem(response, 405, "method-not-allowed")
    assert set(response.headers["allow"].replace(" ", "").split(",")) == {"GET", "POST"}


async def test_validation_errors_point_at_each_field(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/organisations",
        json={"type": "castle", "country_code": "ZM", "name": "", "colour": "red"},
    )
    body = assert_problem(response, 422, "validation-error")
    by_pointer = {e["pointer"]: e for e in body["errors"]}
    assert set(by_pointer) == {"/type", "/name", "/colour"}
    assert by_pointer["/colour"]["type"] == "extra_forbidden"
    assert all(e["location"] == "body" for e in body["errors"])


async def test_query_errors_name_the_parameter(client: AsyncClient) -> None:
    body = assert_problem(
        await client.get("/api/v1/organisations", params={"limit": 101}), 422, "validation-error"
    )
    assert body["errors"] == [
        {
            "pointer": "limit",
            "location": "query",
            "message": "Input should be less than or equal to 100",
            "type": "less_than_equal",
        }
    ]


async def test_malformed_json_is_a_problem(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/organisations",
        content=b'{"name": ',
        headers={"content-type": "application/json"},
    )
    body = assert_problem(response, 422, "validation-error")
    assert body["errors"][0]["type"] == "json_invalid"


async def test_a_broken_rule_is_its_own_problem_type(client: AsyncClient) -> None:
    response = await client.post(
        "/api/v1/organisations",
        json={"type": "municipality", "country_code": "SE", "name": "Nya kommunen"},
    )
    body = assert_problem(response, 422, "rule.swedish-reference-organisation")
    assert body["errors"][0]["rule"] == "rule.swedish-reference-organisation"
    described = await client.get(body["type"])
    assert described.status_code == 200
    assert described.json()["status"] == 422


async def test_problem_types_are_listed(client: AsyncClient) -> None:
    response = await client.get("/problems")
    codes = {p["code"] for p in response.json()}
    assert {"not-found", "validation-error", "precondition-failed", "payload-too-large"} <= codes
    assert "rule.politician-political-side" in codes
    assert_problem(await client.get("/problems/no-such-problem"), 404, "not-found")


async def test_unexpected_errors_hide_the_trace(settings: Settings) -> None:
    app = create_app(settings)
    boom = APIRouter()

    @boom.get("/boom")
    async def explode() -> None:
        raise RuntimeError("secret internals at /srv/app.py line 42")

    app.include_router(boom)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/boom")
    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    assert body["detail"] == "Something failed on our side; it is logged."


async def test_body_over_one_mebibyte_is_413(client: AsyncClient) -> None:
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    response = await client.post(
        "/api/v1/organisations", content=big, headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload-too-large")


async def test_streamed_body_over_the_limit_is_413(client: AsyncClient) -> None:
    async def chunks() -> Any:
        for _ in range(20):
            yield b"x" * 65536

    response = await client.post(
        "/api/v1/organisations", content=chunks(), headers={"content-type": "application/json"}
    )
    assert_problem(response, 413, "payload-too-large")


async def test_invalid_cursor_is_400(client: AsyncClient) -> None:
    assert_problem(
        await client.get("/api/v1/organisations", params={"cursor": "not-a-cursor"}),
        400,
        "invalid-cursor",
    )


async def test_routes_are_found_with_routers_skipped_by_prefix(client: AsyncClient) -> None:
    """Routing passes over routers whose prefix the path lacks (app/api/routing.py): the first
    and last routers' routes, a 405 and a 404 beside a prefix still answer as before. That the
    skip is in place at all is test_installs.py's
    test_the_routing_patch_applies_to_the_installed_fastapi."""
    assert (await client.get("/api/v1/countries/SE")).status_code == 200
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/problems/not-found")).status_code == 200
    assert_problem(await client.delete("/api/v1/grants"), 405, "method-not-allowed")
    assert_problem(await client.get("/api/v1/grantsx"), 404, "not-found")


async def test_a_router_with_starlette_routes_is_not_skipped() -> None:
    """`add_route` paths do not get their router's prefix: such a router is always tried (the
    patch is installed here as create_app installs it; whether it applies is test_installs.py's)."""
    from starlette.requests import Request
    from starlette.responses import PlainTextResponse

    async def plain(request: Request) -> PlainTextResponse:
        return PlainTextResponse("plain")

    router = APIRouter(prefix="/x")
    router.add_route("/plain", plain)
    app = FastAPI()
    app.include_router(router, prefix="/v1")
    skip_routers_by_prefix()
    transport = ASGITransport(app=app)
    async with AsyncClient(transport=transport, base_url="http://t") as http:
        assert (await http.get("/v1/plain")).text == "plain"
