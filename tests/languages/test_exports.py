"""Calendars, CSV exports and public views in the chosen language: summary lines and column
headers from the labels data, titles as served (docs/languages-content.md)."""

from typing import Any

import pytest
from httpx import AsyncClient
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.factories import PARTNERSHIPS_PATH
from tests.languages.test_content import demo
from tests.test_networks import NETWORKS

FUNDING = "/api/v1/funding"


def events(body: bytes) -> list[Any]:
    return list(Calendar.from_ical(body).walk("VEVENT"))


@pytest.mark.parametrize(
    ("lang", "grants", "payments"),
    [
        ("en", "reference,kind,status,partnership,", "paid_on,reference,grant_reference,"),
        ("sv", "Diarienummer,Typ,Status,Partnerskap,", "Utbetalningsdatum,Referens,"),
        ("es", "Referencia,Tipo,Estado,Asociación,", "Fecha de pago,Referencia,"),
    ],
)
async def test_csv_headers_in_the_chosen_language(
    client: AsyncClient, lang: str, grants: str, payments: str
) -> None:
    listed = await client.get(f"{FUNDING}/grants.csv", params={"lang": lang})
    assert listed.status_code == 200, listed.text
    assert listed.headers["content-language"] == lang
    assert listed.text.removeprefix("\ufeff").startswith(grants)
    paid = await client.get(f"{FUNDING}/payments.csv", headers={"Accept-Language": lang})
    assert paid.text.removeprefix("\ufeff").startswith(payments)


async def test_swedish_headers_keep_the_swedish_dialect(client: AsyncClient) -> None:
    summary = await client.get(
        f"{FUNDING}/summary.csv", params={"year": 2023, "lang": "sv", "dialect": "excel-sv"}
    )
    assert summary.status_code == 200, summary.text
    header = summary.text.removeprefix("\ufeff").splitlines()[0]
    assert header == "Dimension;Nyckel;Antal bidrag;Beviljat (SEK);Utbetalt (SEK)"


async def test_calendars_in_three_languages(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    await demo(client, connection)
    [karlstad] = (await client.get(PARTNERSHIPS_PATH, params={"q": "Makueni"})).json()["items"]
    path = f"{PARTNERSHIPS_PATH}/{karlstad['id']}/meetings.ics"

    async def summaries(lang: str) -> list[str]:
        response = await client.get(path, params={"lang": lang})
        assert response.status_code == 200, response.text
        return [str(e["summary"]) for e in events(response.content)]

    english = "Karlstad - Makueni: breaking gender-typical choices of study and work"
    swedish = "Karlstad - Makueni: att bryta könsstereotypa val av studier och arbete"
    assert await summaries("en") == [f"{english}: visit"] * 2
    assert await summaries("sv") == [f"{swedish}: besök"] * 2
    assert await summaries("es") == [f"{english}: visita"] * 2  # no Spanish title: English

    [network] = (await client.get(NETWORKS, params={"q": "gender"})).json()["items"]
    feed = await client.get(
        f"{NETWORKS}/{network['id']}/workshops.ics", headers={"Accept-Language": "es"}
    )
    calendar = Calendar.from_ical(feed.content)
    assert str(calendar["x-wr-calname"]) == "Red para la igualdad de género"
    assert [str(e["summary"]) for e in events(feed.content)] == [
        "Taller: Local democracy and gender equality",
        "Taller: Local democracy and gender equality, part two",
    ]
    etags = {
        (await client.get(path, params={"lang": lang})).headers.get("etag") for lang in ("en", "sv")
    }
    assert len(etags) == 2


async def test_public_views_in_the_chosen_language(
    anonymous: AsyncClient, client: AsyncClient, connection: AsyncConnection
) -> None:
    await demo(client, connection)
    listed = await anonymous.get("/api/v1/public/networks", params={"lang": "es"})
    assert listed.status_code == 200, listed.text
    [network] = [n for n in listed.json()["items"] if n["theme"] == "gender equality"]
    assert network["title"] == "Red para la igualdad de género"
    assert network["description"].startswith("Talleres en Guatemala")
    assert network["served_language"] == "es"
    assert {w["served_language"] for w in network["workshops"]} == {"en"}
