"""ETags differ per language: an answer worded in Swedish is not the English one
(docs/translations.md)."""

from httpx import AsyncClient

from tests.factories import ORG_PATH, create_organisation

MERGE_PATCH = "application/merge-patch+json"


async def test_a_version_etag_names_the_language(client: AsyncClient) -> None:
    made = await create_organisation(client)
    url = f"{ORG_PATH}/{made['id']}"
    english = await client.get(url)
    swedish = await client.get(url, headers={"Accept-Language": "sv"})
    spanish = await client.get(f"{url}?lang=es")
    assert [r.headers["etag"] for r in (english, swedish, spanish)] == [
        '"v1"',
        '"v1-sv"',
        '"v1-es"',
    ]
    again = await client.get(url, headers={"Accept-Language": "sv", "If-None-Match": '"v1-sv"'})
    assert again.status_code == 304
    other = await client.get(url, headers={"Accept-Language": "es", "If-None-Match": '"v1-sv"'})
    assert other.status_code == 200


async def test_if_match_takes_the_version_in_any_language(client: AsyncClient) -> None:
    made = await create_organisation(client)
    url = f"{ORG_PATH}/{made['id']}"
    changed = await client.patch(
        url,
        json={"name": "Chililabombwe Town Council"},
        headers={"content-type": MERGE_PATCH, "If-Match": '"v1-sv"', "Accept-Language": "es"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.headers["etag"] == '"v2-es"'
    stale = await client.patch(
        url,
        json={"name": "Chililabombwe"},
        headers={"content-type": MERGE_PATCH, "If-Match": '"v1-es"', "Accept-Language": "sv"},
    )
    assert stale.status_code == 412
    assert stale.json()["detail"] == (
        'If-Match "v1-es" stämmer inte med den aktuella ETaggen "v2-sv".'
    )


async def test_a_list_etag_differs_per_language(client: AsyncClient) -> None:
    await create_organisation(client)
    tags = set()
    for language in ("en", "sv", "es"):
        listed = await client.get(ORG_PATH, headers={"Accept-Language": language})
        assert listed.status_code == 200
        tags.add(listed.headers["etag"])
    assert len(tags) == 3
