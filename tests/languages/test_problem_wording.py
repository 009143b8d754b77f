"""Problem details in the caller's language: the title and detail of every problem type, as
answered and as documented at /problems (docs/translations.md)."""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient

from app.core.errors import PROBLEM_KINDS, ProblemError
from app.main import create_app
from app.settings import Settings

WORDED = ("en", "sv", "es")


@pytest.fixture(scope="module")
async def raising(settings: Settings) -> AsyncIterator[AsyncClient]:
    """The app with a route that answers with any problem type by its code, through the app's
    own problem handlers and middleware."""
    app = create_app(settings)
    router = APIRouter()

    @router.get("/raise/{code}")
    async def answer_with(code: str) -> None:
        raise ProblemError(PROBLEM_KINDS[code])

    app.include_router(router)
    transport = ASGITransport(app=app, raise_app_exceptions=False)
    async with AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def _worded(client: AsyncClient, path: str) -> dict[str, Any]:
    answers = {}
    for language in WORDED:
        response = await client.get(path, headers={"Accept-Language": language})
        assert response.headers["content-language"] == language
        answers[language] = response.json()
    return answers


def _all_different(texts: dict[str, str]) -> bool:
    return len(set(texts.values())) == len(texts)


@pytest.mark.parametrize("code", sorted(PROBLEM_KINDS))
async def test_every_problem_type_is_answered_in_three_languages(
    raising: AsyncClient, code: str
) -> None:
    answers = await _worded(raising, f"/raise/{code}")
    for body in answers.values():
        assert (body["code"], body["type"], body["status"]) == (
            code,
            f"/problems/{code}",
            PROBLEM_KINDS[code].status,
        )
    assert _all_different({k: b["title"] for k, b in answers.items()}), answers
    assert _all_different({k: b["detail"] for k, b in answers.items()}), answers


async def test_every_problem_type_is_documented_in_three_languages(client: AsyncClient) -> None:
    listed = await _worded(client, "/problems")
    by_code = {lang: {p["code"]: p for p in items} for lang, items in listed.items()}
    assert set(by_code["en"]) == set(PROBLEM_KINDS)
    for code, english in by_code["en"].items():
        swedish, spanish = by_code["sv"][code], by_code["es"][code]
        for field in ("title", "description"):
            assert _all_different(
                {"en": english[field], "sv": swedish[field], "es": spanish[field]}
            ), (code, field)
        # Each answer also lists all three, whatever language it is in.
        assert english["translations"] == swedish["translations"] == spanish["translations"]
        assert english["translations"]["sv"]["title"] == swedish["title"]
        assert swedish["translations"]["es"]["description"] == spanish["description"]


async def test_one_problem_type_in_spanish(client: AsyncClient) -> None:
    response = await client.get(
        "/problems/precondition-failed", headers={"Accept-Language": "es-GT,es;q=0.9"}
    )
    assert response.headers["content-language"] == "es"
    assert response.json()["title"] == "Falló la condición previa"
    unknown = await client.get("/problems/no-such-thing", headers={"Accept-Language": "sv"})
    assert unknown.status_code == 404
    assert unknown.json()["title"] == "Hittades inte"
    assert unknown.json()["detail"] == "Ingen problemtyp 'no-such-thing'."
