"""The labels of the closed vocabularies, as data in three languages, served to cache
(docs/languages-content.md)."""

import csv
from collections import Counter

import pytest
from httpx import AsyncClient

from app.core.i18n import LANGUAGES
from app.core.vocabularies import LABELS_PATH, VOCABULARIES_PATH, enumerations
from app.models.texts import CONTENT_LANGUAGES

VOCABULARIES = "/api/v1/vocabularies"


def rows(path: object) -> list[dict[str, str]]:
    with open(str(path), encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_every_member_of_every_enumeration_has_a_label_in_every_language() -> None:
    labelled = {(r["vocabulary"], r["code"]): r for r in rows(VOCABULARIES_PATH)}
    members = {(name, m.value) for name, enum in enumerations().items() for m in enum}
    assert sorted(members - set(labelled)) == [], "members without a label"
    assert sorted(set(labelled) - members) == [], "labels of no member"
    counted = Counter((r["vocabulary"], r["code"]) for r in rows(VOCABULARIES_PATH))
    assert [key for key, n in counted.items() if n > 1] == []
    for key, row in labelled.items():
        for language in LANGUAGES:
            assert row[language].strip(), (key, language)


def test_every_word_has_every_language_and_the_same_placeholders() -> None:
    for row in rows(LABELS_PATH):
        english = row["en"]
        for language in LANGUAGES:
            assert row[language].strip(), (row["code"], language)
            assert sorted(_placeholders(row[language])) == sorted(_placeholders(english)), row


def _placeholders(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]


def test_the_models_speak_the_same_languages() -> None:
    assert CONTENT_LANGUAGES == LANGUAGES


async def test_the_vocabularies_in_the_callers_language(anonymous: AsyncClient) -> None:
    response = await anonymous.get(VOCABULARIES, headers={"Accept-Language": "es-CO"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["language"] == "es"
    names = [v["name"] for v in body["vocabularies"]]
    assert names == sorted(enumerations())
    phase_kind = next(v for v in body["vocabularies"] if v["name"] == "phase_kind")
    assert phase_kind["terms"] == [
        {"code": "inception", "label": "Fase inicial"},
        {"code": "project", "label": "Proyecto"},
    ]
    assert response.headers["content-language"] == "es"
    assert "accept-language" in response.headers["vary"].lower()
    assert response.headers["cache-control"] == "public, max-age=86400"


@pytest.mark.parametrize(
    ("lang", "label"),
    [("sv", "Förstudie"), ("en", "Inception"), ("es", "Fase inicial"), ("fi", "Inception")],
)
async def test_one_vocabulary_by_lang(anonymous: AsyncClient, lang: str, label: str) -> None:
    response = await anonymous.get(f"{VOCABULARIES}/phase_kind", params={"lang": lang})
    assert response.status_code == 200
    assert response.json()["terms"][0] == {"code": "inception", "label": label}


async def test_an_etag_per_language_and_304(anonymous: AsyncClient) -> None:
    path = f"{VOCABULARIES}/principle"
    swedish = await anonymous.get(path, headers={"Accept-Language": "sv"})
    spanish = await anonymous.get(path, headers={"Accept-Language": "es"})
    assert swedish.headers["etag"] != spanish.headers["etag"]
    again = await anonymous.get(
        path, headers={"Accept-Language": "sv", "If-None-Match": swedish.headers["etag"]}
    )
    assert again.status_code == 304
    assert again.headers["etag"] == swedish.headers["etag"]
    other = await anonymous.get(
        path, headers={"Accept-Language": "es", "If-None-Match": swedish.headers["etag"]}
    )
    assert other.status_code == 200
    assert other.json()["terms"][0]["label"] == "Igualdad y no discriminación"


async def test_an_unknown_vocabulary_is_404(anonymous: AsyncClient) -> None:
    response = await anonymous.get(f"{VOCABULARIES}/no_such_thing")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
