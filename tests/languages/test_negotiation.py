"""Which language an answer is in: `Accept-Language` with q-values and fallbacks, or `?lang=`."""

import pytest
from httpx import AsyncClient


@pytest.mark.parametrize(
    ("accept_language", "expected"),
    [
        (None, "en"),
        ("sv", "sv"),
        ("es-GT", "es"),
        ("es-GT,es;q=0.9,en;q=0.8", "es"),
        ("de-DE, sv;q=0.5, en;q=0.4", "sv"),
        ("fr, de", "en"),
        ("en;q=0.2, sv;q=0.9", "sv"),
        ("sv;q=0, es", "es"),
        ("*", "en"),
        ("sv;q=nonsense, es;q=0.1", "es"),
        (";;,", "en"),
    ],
)
async def test_accept_language_picks_one_of_three(
    client: AsyncClient, accept_language: str | None, expected: str
) -> None:
    headers = {"Accept-Language": accept_language} if accept_language is not None else {}
    response = await client.get("/healthz", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-language"] == expected
    assert "accept-language" in response.headers["vary"].lower()


async def test_lang_parameter_wins_over_the_header(client: AsyncClient) -> None:
    response = await client.get("/healthz?lang=sv", headers={"Accept-Language": "es"})
    assert response.headers["content-language"] == "sv"


async def test_a_lang_we_do_not_speak_falls_back_to_the_header(client: AsyncClient) -> None:
    response = await client.get("/healthz?lang=fi", headers={"Accept-Language": "es"})
    assert response.headers["content-language"] == "es"


async def test_problems_carry_the_language_too(client: AsyncClient) -> None:
    response = await client.get("/api/v1/no-such-route", headers={"Accept-Language": "sv-SE"})
    assert response.status_code == 404
    assert response.headers["content-language"] == "sv"
    assert "accept-language" in response.headers["vary"].lower()
