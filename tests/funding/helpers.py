"""Shared steps of the funding tests: rounds open today, partnerships ready to apply."""

from datetime import timedelta
from typing import Any

from httpx import AsyncClient, Response

from app.clock import today
from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_partnership

ROUNDS, APPLICATIONS = "/api/v1/application-rounds", "/api/v1/applications"


def sek(amount: int | str) -> dict[str, str]:
    return {"amount": f"{amount}", "currency": "SEK"}


def line(category: str, year: int, amount: int | str) -> dict[str, Any]:
    return {"category": category, "year": year, "amount": sek(amount)}


async def open_round(client: AsyncClient, days_left: int = 10) -> dict[str, Any]:
    """A round open today (the rule judges the server's calendar day)."""
    day = today()
    response = await client.post(
        ROUNDS,
        json={
            "title": f"Round closing in {days_left} days",
            "opens": str(day - timedelta(days=5)),
            "closes": str(day + timedelta(days=days_left)),
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def partnership(
    client: AsyncClient, country_code: str = "ZM", **fields: Any
) -> dict[str, Any]:
    """Alingsås and a partner (in Zambia unless told)."""
    partner = await create_organisation(client, country_code=country_code)
    return await create_partnership(client, partner["id"], swedish_code="1489", **fields)


async def attachments(client: AsyncClient, p: dict[str, Any]) -> list[str]:
    """A signed letter of intent and a budget of the partnership."""
    ids = []
    for body in (
        {
            "kind": "letter_of_intent",
            "title": "Letter of intent",
            "swedish_signed_on": "2026-01-10",
            "partner_signed_on": "2026-01-24",
        },
        {"kind": "budget", "title": "Budget"},
    ):
        response = await client.post(f"{PARTNERSHIPS_PATH}/{p['id']}/documents", json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def act(
    client: AsyncClient, application: dict[str, Any], action: str, **body: Any
) -> Response:
    return await client.post(f"{APPLICATIONS}/{application['id']}/{action}", json=body or None)
