"""Texts in more than one language (docs/languages-content.md): the main language and its
translations in, the caller's language out with a fallback to the main one, and what was served
said; L1-L4 refused with a pointer; merge patches per language."""

from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.principal import system_principal
from app.demo.seeds import load_demo_data
from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_partnership
from tests.test_networks import NETWORKS, gender_network

Json = dict[str, Any]
SPANISH = {
    "title": "Red para la igualdad de género",
    "description": "Talleres en Guatemala y en Suecia.",
}
SWEDISH = {"title": "Nätverk för jämställdhet", "description": "Workshoppar i Guatemala."}


async def demo(client: AsyncClient, connection: AsyncConnection) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()


async def merge(client: AsyncClient, path: str, body: Json) -> Response:
    """A merge patch of what was read last."""
    etag = (await client.get(path)).headers["etag"]
    headers = {"Content-Type": "application/merge-patch+json", "If-Match": etag}
    return await client.patch(path, json=body, headers=headers)


async def read(client: AsyncClient, path: str, language: str | None = None) -> Json:
    headers = {"Accept-Language": language} if language else {}
    response = await client.get(path, headers=headers)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_a_network_answers_in_the_callers_language_and_says_which(
    client: AsyncClient,
) -> None:
    network = await gender_network(
        client, description="Workshops in Guatemala.", translations={"es": SPANISH}
    )
    assert network["language"] == "en"
    path = f"{NETWORKS}/{network['id']}"

    spanish = await read(client, path, "es-GT")
    assert (spanish["title"], spanish["description"]) == (SPANISH["title"], SPANISH["description"])
    assert spanish["served_language"] == "es"

    # Swedish is not there: the main language, and the answer says so.
    swedish = await read(client, path, "sv")
    assert swedish["title"] == "Network for gender equality"
    assert swedish["served_language"] == "en"

    # The originals stay there for editors, whatever was served.
    assert spanish["translations"] == {
        "en": {"title": "Network for gender equality", "description": "Workshops in Guatemala."},
        "es": SPANISH,
    }
    assert (await read(client, f"{path}?lang=es"))["served_language"] == "es"


async def test_a_translation_without_every_text_falls_back_whole(client: AsyncClient) -> None:
    network = await gender_network(
        client, description="Workshops.", translations={"sv": {"title": SWEDISH["title"]}}
    )
    swedish = await read(client, f"{NETWORKS}/{network['id']}", "sv")
    # Never a Swedish title above an English description: the main language, both.
    assert (swedish["title"], swedish["description"]) == (
        "Network for gender equality",
        "Workshops.",
    )
    assert swedish["served_language"] == "en"


async def test_a_main_language_other_than_english(client: AsyncClient) -> None:
    kenya = await create_organisation(client)
    partnership = await create_partnership(
        client,
        kenya["id"],
        title="Att bryta könsstereotypa val",
        description="Studieval och arbetsmarknad",
        language="sv",
        translations={"en": {"title": "Breaking gender-typical choices"}},
    )
    path = f"{PARTNERSHIPS_PATH}/{partnership['id']}"
    # English asked, but the English translation has no description: the Swedish original.
    english = await read(client, path)
    assert (english["title"], english["served_language"]) == ("Att bryta könsstereotypa val", "sv")
    changed = await merge(
        client, path, {"translations": {"en": {"description": "Choices of study and work"}}}
    )
    assert changed.status_code == 200, changed.text
    english = await read(client, path, "en")
    assert (english["title"], english["description"], english["served_language"]) == (
        "Breaking gender-typical choices",
        "Choices of study and work",
        "en",
    )
    listed = await read(client, f"{PARTNERSHIPS_PATH}?lang=sv")
    [item] = [p for p in listed["items"] if p["id"] == partnership["id"]]
    assert (item["title"], item["served_language"]) == ("Att bryta könsstereotypa val", "sv")


async def test_merge_patches_change_one_language_at_a_time(client: AsyncClient) -> None:
    network = await gender_network(client, translations={"es": SPANISH, "sv": SWEDISH})
    path = f"{NETWORKS}/{network['id']}"

    async def patch(body: Json) -> Json:
        response = await merge(client, path, body)
        assert response.status_code == 200, response.text
        return dict(response.json()["translations"])

    changed = await patch({"translations": {"es": {"title": "Red de igualdad"}}})
    assert changed["es"] == {"title": "Red de igualdad", "description": SPANISH["description"]}
    assert changed["sv"] == SWEDISH
    changed = await patch({"translations": {"es": {"description": None}}})
    assert changed["es"] == {"title": "Red de igualdad", "description": None}
    changed = await patch({"translations": {"sv": None}})
    assert set(changed) == {"en", "es"}
    changed = await patch({"translations": {"es": {"title": None}}})  # nothing left: gone
    assert set(changed) == {"en"}
    await patch({"translations": {"sv": SWEDISH, "es": SPANISH}})
    assert set(await patch({"translations": {"sv": None, "es": None}})) == {"en"}
    # Null is not "no translations": the field always has a value (an object).
    refused = await merge(client, path, {"translations": None})
    assert refused.status_code == 422
    assert [e["pointer"] for e in refused.json()["errors"]] == ["/translations"]


@pytest.mark.parametrize(
    ("fields", "pointer", "error_type"),
    [
        (
            {"translations": {"fi": {"title": "Tasa-arvo"}}},
            "/translations/fi/[key]",
            "literal_error",
        ),
        ({"translations": {"es": {"title": "  "}}}, "/translations/es/title", "string_too_short"),
        ({"translations": {"es": {"description": "\t"}}}, "/translations/es/description", None),
        ({"translations": {"es": {"title": "x" * 301}}}, "/translations/es/title", None),
        ({"translations": {"es": {}}}, "/translations/es", "value_error"),
        ({"translations": {"en": {"title": "Again"}}}, "/translations/en", "value_error"),
        ({"translations": {"es": {"titulo": "Red"}}}, "/translations/es/titulo", None),
        ({"language": "fi"}, "/language", "literal_error"),
    ],
)
async def test_translations_are_judged_like_the_main_texts(
    client: AsyncClient, fields: Json, pointer: str, error_type: str | None
) -> None:
    body = {
        "title": "Network for gender equality",
        "theme": "gender equality",
        "country_codes": ["SE", "GT"],
        "starts": "2024-01-01",
        "ends": "2026-12-31",
        **fields,
    }
    response = await client.post(NETWORKS, json=body)
    assert response.status_code == 422, response.text
    errors = {e["pointer"]: e for e in response.json()["errors"]}
    assert pointer in errors, errors
    if error_type:
        assert errors[pointer]["type"] == error_type


async def test_changing_the_main_language_onto_a_translation_is_refused(
    client: AsyncClient,
) -> None:
    network = await gender_network(client, translations={"es": SPANISH})
    response = await merge(client, f"{NETWORKS}/{network['id']}", {"language": "es"})
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == ["/translations/es"]
    # Moving the texts in the same patch is a change of the main language.
    response = await merge(
        client,
        f"{NETWORKS}/{network['id']}",
        {
            "language": "es",
            **SPANISH,
            "translations": {"es": None, "en": {"title": "Network for gender equality"}},
        },
    )
    assert response.status_code == 200, response.text
    moved = response.json()
    # English asked, but the English translation has no description: the Spanish original.
    assert (moved["language"], moved["title"], moved["served_language"]) == (
        "es",
        SPANISH["title"],
        "es",
    )


async def test_the_demo_data_in_three_languages(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    await demo(client, connection)
    [network] = (await read(client, f"{NETWORKS}?theme=gender+equality"))["items"]
    path = f"{NETWORKS}/{network['id']}"
    assert (await read(client, path, "es"))["title"] == "Red para la igualdad de género"
    assert (await read(client, path, "sv"))["title"] == "Nätverk för jämställdhet"
    assert (await read(client, path, "fr"))["title"] == "Network for gender equality"

    async def partnership(q: str, language: str) -> Json:
        [found] = (await read(client, f"{PARTNERSHIPS_PATH}?q={q}", language))["items"]
        return dict(found)

    lessebo = await partnership("Lessebo", "es")
    assert lessebo["title"] == "Lessebo - Municipalidad Ejemplo A: igualdad de género"
    assert lessebo["description"].startswith("Surgió de los talleres de 2024")
    assert lessebo["served_language"] == "es"
    karlstad = await partnership("Makueni", "sv")
    assert (
        karlstad["title"]
        == "Karlstad - Makueni: att bryta könsstereotypa val av studier och arbete"
    )
    assert karlstad["served_language"] == "sv"
    assert (await partnership("Makueni", "es"))["served_language"] == "en"

    # The public views, too.
    public = await read(client, "/api/v1/public/partnerships?q=Makueni", "sv")
    [summary] = public["items"]
    assert (summary["title"], summary["served_language"]) == (karlstad["title"], "sv")


async def test_results_and_workshops_too(client: AsyncClient) -> None:
    partner = await create_organisation(client)
    partnership = await create_partnership(client, partner["id"])
    created = await client.post(
        f"{PARTNERSHIPS_PATH}/{partnership['id']}/results",
        json={
            "principle": "participation",
            "side": "partner",
            "description": "Cabildos abiertos en cada aldea",
            "language": "es",
            "translations": {"sv": {"description": "Öppna byamöten i varje by"}},
            "observed_on": "2024-12-31",
        },
    )
    assert created.status_code == 201, created.text
    path = f"{PARTNERSHIPS_PATH}/{partnership['id']}/results/{created.json()['id']}"
    swedish = await read(client, path, "sv")
    assert (swedish["description"], swedish["served_language"]) == (
        "Öppna byamöten i varje by",
        "sv",
    )
    english = await read(client, path, "en")
    assert (english["description"], english["served_language"]) == (
        "Cabildos abiertos en cada aldea",
        "es",
    )
    blank = await merge(client, path, {"translations": {"sv": {"description": " "}}})
    assert blank.status_code == 422
    assert [e["pointer"] for e in blank.json()["errors"]] == ["/translations/sv/description"]

    network = await gender_network(client, country_codes=["SE", "GT"])
    workshop = await client.post(
        "/api/v1/workshops",
        json={
            "network_id": network["id"],
            "title": "Local democracy and gender equality",
            "translations": {"es": {"title": "Democracia local e igualdad de género"}},
            "host_organisation_id": partner["id"],
            "country_code": "GT",
            "city": "Guatemala",
            "starts": "2024-06-03",
            "ends": "2024-06-07",
        },
    )
    assert workshop.status_code == 201, workshop.text
    spanish = await read(client, f"/api/v1/workshops/{workshop.json()['id']}", "es")
    assert (spanish["title"], spanish["served_language"]) == (
        "Democracia local e igualdad de género",
        "es",
    )
