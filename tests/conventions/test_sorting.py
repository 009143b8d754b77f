"""Sorting, paging back, totals and `updated_since` on every paged list (docs/front-ends.md,
"Sorting, paging back, totals and sync"). The lists and their orders are read from the OpenAPI
document, so a list added later, or an order added to one, is covered without being named here;
the data are the demo's, with a second of whatever it holds one of (tests/test_query_counts.py).
"""

import math
from datetime import datetime, timedelta
from typing import Any

from httpx import AsyncClient

from tests.factories import create_organisation, create_partnership
from tests.test_query_counts import demo, fill

__all__ = ["demo"]  # the fixture, used by name

Item = dict[str, Any]


def sorted_lists(client: AsyncClient) -> dict[str, tuple[list[str], int]]:
    """Every list that takes `sort`: path template -> its sort values and its largest limit."""
    doc = client._transport.app.openapi()  # type: ignore[attr-defined]
    found = {}
    for path, operations in doc["paths"].items():
        parameters = {p["name"]: p for p in operations.get("get", {}).get("parameters", [])}
        if "sort" in parameters:
            ref = parameters["sort"]["schema"]["items"]["$ref"].rsplit("/", 1)[-1]
            enum = doc["components"]["schemas"][ref]["enum"]
            found[path] = (enum, parameters["limit"]["schema"]["maximum"])
    return found


async def page(client: AsyncClient, path: str, **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params)
    assert response.status_code == 200, (path, params, response.text)
    return dict(response.json())


async def walk(client: AsyncClient, path: str, sort: str, limit: int) -> list[dict[str, Any]]:
    """The pages of a list in one order (whole answers), by `next_cursor` from the first."""
    bodies: list[dict[str, Any]] = []
    cursor = None
    for _ in range(200):
        body = await page(
            client, path, sort=sort, limit=limit, **({"cursor": cursor} if cursor else {})
        )
        assert (body["prev_cursor"] is None) == (cursor is None), (path, sort)
        bodies.append(body)
        cursor = body["next_cursor"]
        if cursor is None:
            return bodies
    raise AssertionError(f"{path}: the cursor chain did not end")


async def forward(client: AsyncClient, path: str, sort: str, limit: int) -> list[list[Item]]:
    """The pages of a list in one order, by `next_cursor` from the first."""
    return [body["items"] for body in await walk(client, path, sort, limit)]


async def backward(
    client: AsyncClient, path: str, sort: str, limit: int, cursor: str | None
) -> list[list[Item]]:
    """The pages before a page, by `prev_cursor`, nearest first."""
    pages: list[list[Item]] = []
    for _ in range(200):
        if cursor is None:
            return pages
        body = await page(client, path, sort=sort, limit=limit, cursor=cursor)
        assert body["next_cursor"] is not None, (path, sort)
        pages.append(body["items"])
        cursor = body["prev_cursor"]
    raise AssertionError(f"{path}: the cursor chain did not end")


def ids(items: list[Item]) -> list[Any]:
    return [i.get("id", i.get("code", i.get("partnership_id"))) for i in items]


def in_order(items: list[Item], sort: str) -> bool:
    """The items' field is in the order `sort` names (when the answer shows that field)."""
    field = sort.removeprefix("-")
    values = [i[field] for i in items if field in i]
    if len(values) < len(items) or not all(isinstance(v, str | int) for v in values):
        return True
    text = all(isinstance(v, str) and not v[:10].replace("-", "").isdigit() for v in values)
    if text:
        return True  # text: the database's collation, which Python does not know
    return values == sorted(values, reverse=sort.startswith("-"))


async def test_every_list_sorts_both_ways_on_every_field_with_stable_cursors(
    demo: AsyncClient,
) -> None:
    lists = sorted_lists(demo)
    assert len(lists) >= 22  # the top-level lists, and the lists under a partnership
    for template, (values, most) in lists.items():
        paths = (await fill(demo, template))[:3]
        sizes = {
            p: len((await page(demo, p, limit=most, with_total="true"))["items"]) for p in paths
        }
        path = max(paths, key=lambda p: sizes[p])
        wholes = {
            sort: [i for p in await forward(demo, path, sort, most) for i in p] for sort in values
        }
        for sort, whole in wholes.items():
            assert in_order(whole, sort), (path, sort)
            if not sort.startswith("-"):  # ties broken by id, the same way: exactly reversed
                assert ids(wholes["-" + sort]) == ids(whole)[::-1], (path, sort)
            size = max(1, min(most, math.ceil(len(whole) / 3)))
            bodies = await walk(demo, path, sort, size)
            pages = [body["items"] for body in bodies]
            assert ids([i for p in pages for i in p]) == ids(whole), (path, sort)
            back = await backward(demo, path, sort, size, bodies[-1]["prev_cursor"])
            assert [ids(p) for p in back] == [ids(p) for p in pages[-2::-1]], (path, sort)
        assert max(sizes.values()) >= 2, f"{template}: too few items to show anything"


async def test_every_list_counts_itself_when_asked_and_filters_by_updated_since(
    demo: AsyncClient,
) -> None:
    for template, (_, most) in sorted_lists(demo).items():
        path = (await fill(demo, template))[0]
        plain = await page(demo, path, limit=1)
        assert plain["total"] is None, path
        whole = [
            i
            for p in await forward(
                demo, path, "-" + sorted_lists(demo)[template][0][0].lstrip("-"), most
            )
            for i in p
        ]
        counted = await page(demo, path, limit=1, with_total="true")
        assert counted["total"] == len(whole), path
        since = await page(
            demo, path, limit=1, with_total="true", updated_since="2000-01-01T00:00:00Z"
        )
        assert since["total"] == len(whole), path
        future = await page(
            demo, path, with_total="true", updated_since="2999-01-01T00:00:00+02:00"
        )
        assert future["items"] == [] and future["total"] == 0, path


async def test_a_cursor_used_with_another_sort_is_refused(client: AsyncClient) -> None:
    for name in ("Alpha", "Beta", "Gamma"):
        await create_organisation(client, country_code="MZ", name=f"{name} Municipal Council")
    first = await page(client, "/api/v1/organisations", country="MZ", limit=1, sort="-name")
    assert first["next_cursor"] is not None and first["prev_cursor"] is None
    for other in ({}, {"sort": "name"}, {"sort": ["-name", "created_at"]}):
        response = await client.get(
            "/api/v1/organisations",
            params={"country": "MZ", "limit": 1, "cursor": first["next_cursor"], **other},
        )
        assert response.status_code == 400, other
        assert response.json()["code"] == "invalid-cursor"
    same = await page(
        client,
        "/api/v1/organisations",
        country="MZ",
        limit=1,
        sort="-name",
        cursor=first["next_cursor"],
    )
    assert [i["name"] for i in same["items"]] == ["Beta Municipal Council"]


async def test_several_keys_in_mixed_directions(client: AsyncClient) -> None:
    partner = await create_organisation(client, country_code="MZ")
    made = [
        await create_partnership(client, partner["id"], title=title)
        for title in ("B", "A", "B", "A", "C")
    ]
    # A change stamps the second "B" later than the others (made in one transaction here).
    changed = await client.patch(
        f"/api/v1/partnerships/{made[2]['id']}",
        json={"description": "Moved on"},
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    params = {"partner_id": partner["id"], "sort": ["title", "-updated_at"], "limit": 2}
    pages = await forward_with(client, "/api/v1/partnerships", params)
    items = [i for p in pages for i in p]
    titles = [i["title"] for i in items]
    assert titles == ["A", "A", "B", "B", "C"]
    assert items[2]["id"] == made[2]["id"]  # the later change first among the "B"s
    stamps = [(i["title"], i["updated_at"]) for i in items]
    assert stamps == sorted(stamps, key=lambda s: (s[0], [-ord(c) for c in s[1]]))


async def forward_with(client: AsyncClient, path: str, params: dict[str, Any]) -> list[list[Item]]:
    pages, cursor = [], None
    for _ in range(20):
        body = await page(client, path, **params, **({"cursor": cursor} if cursor else {}))
        pages.append(body["items"])
        cursor = body["next_cursor"]
        if cursor is None:
            break
    return pages


async def test_updated_since_lists_what_changed_and_needs_an_offset(client: AsyncClient) -> None:
    partner = await create_organisation(client, country_code="MZ")
    made = [await create_partnership(client, partner["id"], title=t) for t in ("One", "Two")]
    changed = await client.patch(
        f"/api/v1/partnerships/{made[1]['id']}",
        json={"description": "Changed"},
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    since = changed.json()["updated_at"]
    found = await page(
        client,
        "/api/v1/partnerships",
        partner_id=partner["id"],
        updated_since=since,
        with_total="true",
    )
    assert [i["id"] for i in found["items"]] == [made[1]["id"]]
    assert found["total"] == 1
    for naive in ("2026-12-01T08:00:00", "2026-12-01", "yesterday"):
        response = await client.get("/api/v1/partnerships", params={"updated_since": naive})
        assert response.status_code == 422, naive
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_table_without_its_own_stamp_is_stamped_by_the_database(
    client: AsyncClient,
) -> None:
    # API keys had no `updated_at`: a trigger (migration 0025) stamps a change, whatever writes
    # it, but not a key's use. The test's keys are all made in its one transaction, at one time.
    keys = [
        (
            await client.post("/api/v1/api-keys", json={"name": n, "role": "programme_officer"})
        ).json()
        for n in ("kept", "revoked")
    ]
    revoked = await client.post(f"/api/v1/api-keys/{keys[1]['id']}/revoke")
    assert revoked.status_code == 200, revoked.text
    made = datetime.fromisoformat(keys[0]["created_at"])
    since = (made + timedelta(microseconds=1)).isoformat()
    changed = await page(client, "/api/v1/api-keys", updated_since=since)
    assert [k["id"] for k in changed["items"]] == [keys[1]["id"]]
    everything = await page(client, "/api/v1/api-keys", updated_since=made.isoformat())
    assert {keys[0]["id"], keys[1]["id"]} <= {k["id"] for k in everything["items"]}
