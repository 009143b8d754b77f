"""The OpenAPI document says how to choose the language (docs/translations.md)."""

from httpx import AsyncClient


async def test_the_document_declares_languages(client: AsyncClient) -> None:
    spec = (await client.get("/openapi.json", headers={"Accept-Language": "sv"})).json()
    assert "## Languages" in spec["info"]["description"]
    assert spec["components"]["headers"]["Content-Language"]["schema"]["enum"] == ["en", "sv", "es"]
    linked = []
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status != "304":
                    assert "Content-Language" in response.get("headers", {}), (path, status)
            content = operation["responses"].get("200", {}).get("content", {})
            if "text/calendar" in content or "text/csv" in content:
                linked.append((method, path))
                names = [p["name"] for p in operation.get("parameters", ())]
                assert "lang" in names, path
    assert linked  # calendar feeds and CSV downloads take ?lang=
    # The document is shared by every caller: English whatever the request asked.
    assert "Validation error" in str(spec)
