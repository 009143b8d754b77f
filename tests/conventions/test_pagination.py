"""Cursor pagination: every row exactly once, in the documented order, whatever the page size."""

from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection


async def walk(client: AsyncClient, path: str, **params: str | int) -> list[dict[str, object]]:
    items: list[dict[str, object]] = []
    cursor = None
    for _ in range(100):
        query: dict[str, str | int] = {**params, **({"cursor": cursor} if cursor else {})}
        response = await client.get(path, params=query)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= int(str(params.get("limit", 20)))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
    raise AssertionError("the cursor chain did not end")


async def test_walking_swedish_organisations_returns_each_once_in_name_order(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    items = await walk(client, "/api/v1/organisations", country="SE", is_reference="true", limit=37)
    assert len(items) == 311  # 290 municipalities + 21 regions
    assert len({i["id"] for i in items}) == 311
    # The documented order is the database's collation of names, then id.
    expected = await connection.scalars(
        text(
            "SELECT id::text FROM organisations WHERE country_code = 'SE' AND is_reference "
            "ORDER BY name, id"
        )
    )
    assert [i["id"] for i in items] == list(expected)
    page_of_100 = await walk(
        client, "/api/v1/organisations", country="SE", is_reference="true", limit=100
    )
    assert [i["id"] for i in page_of_100] == [i["id"] for i in items]


async def test_last_page_has_no_cursor(client: AsyncClient) -> None:
    response = await client.get(
        "/api/v1/countries", params={"limit": 100, "eligible_on": "2024-06-01"}
    )
    page = response.json()
    assert page["next_cursor"] is None
    assert [c["code"] for c in page["items"]] == sorted(c["code"] for c in page["items"])


async def test_a_cursor_from_another_list_is_refused(client: AsyncClient) -> None:
    countries = (await client.get("/api/v1/countries", params={"limit": 1})).json()
    response = await client.get(
        "/api/v1/organisations", params={"cursor": countries["next_cursor"]}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid-cursor"


async def test_a_page_that_ends_exactly_at_the_limit_is_the_last(client: AsyncClient) -> None:
    response = await client.get(
        "/api/v1/organisations", params={"country": "SE", "type": "region", "limit": 21}
    )
    page = response.json()
    assert len(page["items"]) == 21
    assert page["next_cursor"] is None


async def test_cursors_after_long_non_latin_names_are_accepted(client: AsyncClient) -> None:
    long_name = "Општина " + "Београдска " * 8
    for suffix in ("1", "2"):
        made = await client.post(
            "/api/v1/organisations",
            json={"type": "municipality", "country_code": "RS", "name": long_name + suffix},
        )
        assert made.status_code == 201
    first = (await client.get("/api/v1/organisations", params={"country": "RS", "limit": 1})).json()
    second = await client.get(
        "/api/v1/organisations",
        params={"country": "RS", "limit": 1, "cursor": first["next_cursor"]},
    )
    assert second.status_code == 200
    assert second.json()["items"][0]["name"] == long_name + "2"
