"""Shared steps of the funding tests: rounds open today, partnerships ready to apply."""

from datetime import timedelta
from decimal import Decimal
from typing import Any

from httpx import AsyncClient, Response

from app.clock import today
from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_partnership

ROUNDS, APPLICATIONS = "/api/v1/application-rounds", "/api/v1/applications"


def sek(amount: int | str | Decimal) -> dict[str, str]:
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
    client: AsyncClient, country_code: str = "ZM", swedish_code: str = "1489", **fields: Any
) -> dict[str, Any]:
    """A Swedish municipality (Alingsås unless told) and a partner (in Zambia unless told)."""
    partner = await create_organisation(client, country_code=country_code)
    return await create_partnership(client, partner["id"], swedish_code=swedish_code, **fields)


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
        url = f"{PARTNERSHIPS_PATH}/{p['id']}/documents"
        response = await client.post(url, json=body)
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
        uploaded = await client.put(
            f"{url}/{ids[-1]}/file", content=PDF, headers={"Content-Type": "application/pdf"}
        )
        assert uploaded.status_code == 200, uploaded.text
    return ids


PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


async def act(
    client: AsyncClient, application: dict[str, Any], action: str, **body: Any
) -> Response:
    return await client.post(f"{APPLICATIONS}/{application['id']}/{action}", json=body or None)


GRANTS = "/api/v1/grants"


def grant_body(p: dict[str, Any], **fields: Any) -> dict[str, Any]:
    """A two-year project grant of 800,000 SEK: travel and venue in each year."""
    return {
        "partnership_id": p["id"],
        "kind": "project",
        "reference": fields.pop("reference", "KP 2019/101"),
        "decided_on": "2019-06-10",
        "starts": "2019-09-01",
        "ends": "2021-08-31",
        "amount": sek(800000),
        "budget": [
            line("travel", 1, 300000),
            line("venue", 1, 100000),
            line("travel", 2, 300000),
            line("venue", 2, 100000),
        ],
        **fields,
    }


async def create_grant(client: AsyncClient, p: dict[str, Any], **fields: Any) -> dict[str, Any]:
    response = await client.post(GRANTS, json=grant_body(p, **fields))
    assert response.status_code == 201, response.text
    return dict(response.json())


def line_id(grant: dict[str, Any], category: str, year: int) -> str:
    [found] = [x["id"] for x in grant["budget"] if (x["category"], x["year"]) == (category, year)]
    return str(found)
