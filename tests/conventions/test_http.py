"""Request ids, security headers, docs served without a CDN, and the OpenAPI document."""

import json
import re
from collections import Counter
from pathlib import Path

from httpx import AsyncClient

from app.openapi_markdown import render_openapi_markdown

ROOT = Path(__file__).resolve().parents[2]


async def test_request_id_is_echoed(client: AsyncClient) -> None:
    response = await client.get("/healthz", headers={"X-Request-ID": "intranet-42"})
    assert response.headers["x-request-id"] == "intranet-42"


async def test_request_id_is_made_when_missing_or_unsafe(client: AsyncClient) -> None:
    made = (await client.get("/healthz")).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", made)
    unsafe = await client.get("/healthz", headers={"X-Request-ID": "bad id\twith spaces"})
    assert re.fullmatch(r"[0-9a-f]{32}", unsafe.headers["x-request-id"])


async def test_security_headers_on_every_response(client: AsyncClient) -> None:
    for response in (await client.get("/healthz"), await client.get("/nowhere")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"


async def test_docs_use_local_assets_only(client: AsyncClient) -> None:
    for page in ("/docs", "/redoc"):
        html = (await client.get(page)).text
        urls = re.findall(r'(?:src|href)=["\']([^"\']+)', html)
        assert urls, page
        assert all(not u.startswith(("http:", "https:", "//")) for u in urls), urls
        for url in urls:
            asset = await client.get(url)
            assert asset.status_code == 200, url
    assert "fonts.googleapis" not in (await client.get("/redoc")).text


async def test_operation_ids_are_unique_and_readable(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    ids = [
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in {"get", "post", "patch", "put", "delete"}
    ]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z]+(_[a-z]+)*", i) for i in ids), ids


async def test_every_operation_has_a_tag_and_every_body_an_example(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    schemas = spec["components"]["schemas"]
    for path, item in spec["paths"].items():
        for method, op in item.items():
            assert op.get("tags"), f"{method} {path}"
            for content in op.get("requestBody", {}).get("content", {}).values():
                if content["schema"].get("format") == "binary":
                    continue  # a file's raw bytes (documents): no JSON example to give
                name = content["schema"]["$ref"].rsplit("/", 1)[-1]
                assert schemas[name].get("examples"), f"{method} {path}: {name} has no example"


async def test_every_schema_has_a_title_of_its_own(client: AsyncClient) -> None:
    """openapi-python-client names a model by its title: two alike make it drop one (clients/)."""
    schemas = (await client.get("/openapi.json")).json()["components"]["schemas"]
    titles = Counter(schema.get("title", name) for name, schema in schemas.items())
    assert [title for title, count in titles.items() if count > 1] == []


async def test_errors_are_documented_as_problem_json(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for item in spec["paths"].values():
        for op in item.values():
            for status, response in op["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == ["application/problem+json"]


def test_openapi_md_is_current() -> None:
    committed = (ROOT / "openapi.md").read_text(encoding="utf-8")
    assert committed == render_openapi_markdown(), "run `partnership-api openapi` and commit"


def test_openapi_md_lists_every_operation() -> None:
    text = (ROOT / "openapi.md").read_text(encoding="utf-8")
    for op_id in ("list_countries", "create_organisation", "update_person", "get_readiness"):
        assert f"`{op_id}`" in text
    json.dumps(text)
