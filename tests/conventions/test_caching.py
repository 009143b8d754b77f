"""List ETags (304 to `If-None-Match`), `Cache-Control`, and gzip for clients that ask."""

import gzip
import json
import uuid

from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import create_organisation, create_partnership

BIG = "/api/v1/organisations?country=SE&limit=100"  # reference data: some 20 KiB of JSON
GZIP = {"Accept-Encoding": "gzip"}
IDENTITY = {"Accept-Encoding": "identity"}


async def raw(client: AsyncClient, path: str, headers: dict[str, str]) -> tuple[Response, bytes]:
    """The answer and its body as sent, not decoded."""
    async with client.stream("GET", path, headers=headers) as response:
        return response, b"".join([chunk async for chunk in response.aiter_raw()])


async def test_an_unchanged_list_answers_304_without_a_body(client: AsyncClient) -> None:
    organisation = await create_organisation(client, name="Etag Council")
    path = f"/api/v1/organisations?q={organisation['name']}"
    first = await client.get(path)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert etag.startswith('W/"')
    assert first.headers["cache-control"] == "private, no-cache"
    again = await client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    assert again.headers["etag"] == etag
    assert again.headers["cache-control"] == "private, no-cache"
    # A change of an item answers 200 with another ETag.
    patched = await client.patch(
        f"/api/v1/organisations/{organisation['id']}",
        json={"name_en": "Etag Council (en)"},
        headers={
            "If-Match": (await client.get(f"/api/v1/organisations/{organisation['id']}")).headers[
                "etag"
            ]
        },
    )
    assert patched.status_code == 200, patched.text
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.json()["items"][0]["name_en"] == "Etag Council (en)"
    assert changed.headers["etag"] not in (etag, "")
    # So does an item more, and the new ETag answers 304 in its turn.
    await create_organisation(client, name="Etag Council 2")
    grown = await client.get(path, headers={"If-None-Match": changed.headers["etag"]})
    assert grown.status_code == 200
    assert len(grown.json()["items"]) == 2
    assert (
        await client.get(path, headers={"If-None-Match": grown.headers["etag"]})
    ).status_code == 304


async def test_part_lists_and_other_lists_are_tagged_too(client: AsyncClient) -> None:
    partner = await create_organisation(client)
    partnership = await create_partnership(client, partner["id"])
    for path in (
        f"/api/v1/partnerships/{partnership['id']}/phases",  # a JSON array
        "/api/v1/event-types",
        "/api/v1/compliance",
    ):
        first = await client.get(path)
        assert first.status_code == 200, path
        etag = first.headers["etag"]
        assert (await client.get(path, headers={"If-None-Match": etag})).status_code == 304, path


async def test_callers_with_other_rights_never_share_a_list_etag(
    client: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    mine = await create_organisation(client, name="Rights Council")
    theirs = await create_organisation(client, name="Other Rights Council")
    await create_partnership(client, mine["id"], title="Rights mine")
    await create_partnership(client, theirs["id"], title="Rights theirs")
    token = await api_key(connection, Role.coordinator, [uuid.UUID(mine["id"])])
    async with authorised(anonymous, token) as coordinator:
        # The same items (countries are the same for everyone): still another ETag.
        countries = "/api/v1/countries?limit=5"
        ours, yours = await client.get(countries), await coordinator.get(countries)
        assert ours.json() == yours.json()
        assert ours.headers["etag"] != yours.headers["etag"]
        sent = await coordinator.get(countries, headers={"If-None-Match": ours.headers["etag"]})
        assert sent.status_code == 200
        # Other items: the admin's ETag tells the coordinator nothing, and the reverse.
        listed = "/api/v1/partnerships?q=Rights"
        admin_page = await client.get(listed)
        coordinator_page = await coordinator.get(listed)
        assert [p["title"] for p in coordinator_page.json()["items"]] == ["Rights mine"]
        assert len(admin_page.json()["items"]) == 2
        for caller, other in ((coordinator, admin_page), (client, coordinator_page)):
            answer = await caller.get(listed, headers={"If-None-Match": other.headers["etag"]})
            assert answer.status_code == 200
            assert answer.headers["etag"] != other.headers["etag"]


async def test_a_single_read_says_private_no_cache(client: AsyncClient) -> None:
    organisation = await create_organisation(client)
    read = await client.get(f"/api/v1/organisations/{organisation['id']}", headers=IDENTITY)
    assert read.headers["etag"] == '"v1"'
    assert read.headers["cache-control"] == "private, no-cache"


async def test_a_big_list_is_gzipped_for_clients_that_ask(client: AsyncClient) -> None:
    plain, plain_body = await raw(client, BIG, IDENTITY)
    assert "content-encoding" not in plain.headers
    assert len(plain_body) > 10_000
    zipped, zipped_body = await raw(client, BIG, GZIP)
    assert zipped.headers["content-encoding"] == "gzip"
    assert "accept-encoding" in zipped.headers["vary"].lower()
    assert int(zipped.headers["content-length"]) == len(zipped_body) < len(plain_body) / 4
    assert json.loads(gzip.decompress(zipped_body)) == json.loads(plain_body)
    # The list's ETag is weak either way, and the same: the same items.
    assert zipped.headers["etag"] == plain.headers["etag"]
    revalidated = await client.get(BIG, headers={**GZIP, "If-None-Match": zipped.headers["etag"]})
    assert revalidated.status_code == 304
    # A weight of 0 refuses gzip.
    refused, _ = await raw(client, BIG, {"Accept-Encoding": "gzip;q=0, identity"})
    assert "content-encoding" not in refused.headers


async def test_small_answers_are_not_compressed(client: AsyncClient) -> None:
    for path in ("/healthz", "/api/v1/countries/SE"):
        response, body = await raw(client, path, GZIP)
        assert response.status_code == 200
        assert len(body) < 1024, path
        assert "content-encoding" not in response.headers, path


async def test_a_compressed_read_has_a_weak_etag_that_if_match_takes(client: AsyncClient) -> None:
    partner = await create_organisation(client)
    partnership = await create_partnership(client, partner["id"], description="x" * 1500)
    path = f"/api/v1/partnerships/{partnership['id']}"
    zipped, _ = await raw(client, path, GZIP)
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["etag"] == 'W/"v1"'
    plain = await client.get(path, headers=IDENTITY)
    assert plain.headers["etag"] == '"v1"'
    # Either form revalidates, and the 304 names the tag the client holds: weak for the
    # answer it holds compressed, strong for one that came as it was (a small one).
    for tag in ('W/"v1"', '"v1"'):
        unchanged = await client.get(path, headers={**GZIP, "If-None-Match": tag})
        assert unchanged.status_code == 304
        assert unchanged.headers["etag"] == tag
    # The weak form names version 1 in If-Match.
    patched = await client.patch(path, json={"title": "Renamed"}, headers={"If-Match": 'W/"v1"'})
    assert patched.status_code == 200, patched.text
    stale = await client.patch(path, json={"title": "Again"}, headers={"If-Match": 'W/"v1"'})
    assert stale.status_code == 412


async def test_a_calendar_feed_is_compressed_and_revalidated(client: AsyncClient) -> None:
    partner = await create_organisation(client)
    partnership = await create_partnership(client, partner["id"])
    for n in range(4):
        made = await client.post(
            f"/api/v1/partnerships/{partnership['id']}/meetings",
            json={
                "kind": "visit",
                "host_organisation_id": partner["id"],
                "place": f"Town hall {n}",
                "start_date": f"202{n}-04-20",
                "end_date": f"202{n}-04-24",
            },
        )
        assert made.status_code == 201, made.text
    path = f"/api/v1/partnerships/{partnership['id']}/meetings.ics"
    plain, plain_body = await raw(client, path, IDENTITY)
    zipped, zipped_body = await raw(client, path, GZIP)
    assert len(plain_body) > 1024
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.headers["content-type"].startswith("text/calendar")
    assert gzip.decompress(zipped_body) == plain_body
    assert zipped.headers["etag"] == "W/" + plain.headers["etag"]
    again = await client.get(path, headers={**GZIP, "If-None-Match": zipped.headers["etag"]})
    assert again.status_code == 304
