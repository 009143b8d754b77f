"""Full-text search `q` over the texts in every language, each stemmed in its own (Swedish,
English, Spanish), plus prefixes (docs/languages-content.md)."""

from httpx import AsyncClient

from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_partnership
from tests.languages.test_content import merge
from tests.test_networks import NETWORKS, gender_network


async def titles(client: AsyncClient, path: str, q: str) -> list[str]:
    response = await client.get(path, params={"q": q})
    assert response.status_code == 200, response.text
    return [item["title"] for item in response.json()["items"]]


async def test_a_network_is_found_in_each_language(client: AsyncClient) -> None:
    await gender_network(
        client,
        translations={
            "sv": {"title": "Nätverk för jämställdhet"},
            "es": {"title": "Red para la igualdad de género"},
        },
    )
    await gender_network(client, title="Network for climate adaptation", theme="climate")
    found = ["Network for gender equality"]
    assert await titles(client, NETWORKS, "jämställdheten") == found  # Swedish stemming
    assert await titles(client, NETWORKS, "igualdad de género") == found  # Spanish stemming
    assert await titles(client, NETWORKS, "equalities") == found  # English stemming
    assert await titles(client, NETWORKS, "igual") == found  # a prefix
    assert await titles(client, NETWORKS, "climate") == ["Network for climate adaptation"]


async def test_spanish_is_found_once_it_is_there(client: AsyncClient) -> None:
    network = await gender_network(client)
    assert await titles(client, NETWORKS, "igualdad de género") == []
    response = await merge(
        client,
        f"{NETWORKS}/{network['id']}",
        {"translations": {"es": {"title": "Red para la igualdad de género"}}},
    )
    assert response.status_code == 200, response.text
    assert await titles(client, NETWORKS, "igualdad de género") == ["Network for gender equality"]


async def test_partnerships_are_found_by_their_translations(client: AsyncClient) -> None:
    guatemalan = await create_organisation(client)
    await create_partnership(
        client,
        guatemalan["id"],
        title="Gender equality in local democracy",
        translations={
            "es": {
                "title": "Igualdad de género en la democracia local",
                "description": "Las municipalidades aprenden juntas.",
            }
        },
    )
    found = ["Gender equality in local democracy"]
    assert await titles(client, PARTNERSHIPS_PATH, "municipalidad") == found  # Spanish stem
    assert await titles(client, PARTNERSHIPS_PATH, "democracias locales") == found
    assert await titles(client, PARTNERSHIPS_PATH, "kommunerna") == []
