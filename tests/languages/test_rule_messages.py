"""A broken rule's message and a validation error in the caller's language, with dates and
money written as the language writes them (docs/translations.md); `pointer`, `type` and `code`
stay as they are."""

from typing import Any

from httpx import AsyncClient

from tests.factories import ORG_PATH, PARTNERSHIPS_PATH, create_organisation, create_partnership
from tests.funding.helpers import GRANTS, grant_body, line, partnership, sek

NBSP = "\xa0"


def _plain(text: str) -> str:
    """Babel spaces thousands and currencies with no-break spaces."""
    return text.replace(NBSP, " ")


async def _in_each_language(
    client: AsyncClient, method: str, url: str, body: Any
) -> dict[str, Any]:
    answers = {}
    for language in ("en", "sv", "es"):
        response = await client.request(
            method, url, json=body, headers={"Accept-Language": language}
        )
        assert response.status_code == 422, response.text
        answers[language] = response.json()
    return answers


async def test_a_rule_with_dates_in_each_language(client: AsyncClient) -> None:
    partner = await create_organisation(client)
    p = await create_partnership(client, partner["id"], swedish_code="1489")
    body = {"kind": "project", "planned_start": "2020-01-01", "planned_end": "2023-01-01"}
    answers = await _in_each_language(client, "POST", f"{PARTNERSHIPS_PATH}/{p['id']}/phases", body)
    for answer in answers.values():
        assert answer["code"] == "rule.project-duration"
        [error] = answer["errors"]
        assert (error["pointer"], error["type"], error["rule"]) == (
            "/planned_end",
            "rule.project-duration",
            "rule.project-duration",
        )
        assert error["message"] == answer["detail"]
    assert answers["en"]["title"] == "A project lasts 1 to 3 years"
    assert answers["sv"]["title"] == "Ett projekt pågår i 1 till 3 år"
    assert answers["es"]["title"] == "Un proyecto dura de 1 a 3 años"
    assert answers["en"]["detail"] == (
        "a project starting 2020-01-01 ends between 2020-12-31 and 2022-12-31, not on 2023-01-01"
    )
    assert answers["sv"]["detail"] == (
        "ett projekt som börjar 1 januari 2020 slutar mellan 31 december 2020 och "
        "31 december 2022, inte 1 januari 2023"
    )
    assert answers["es"]["detail"] == (
        "un proyecto que empieza el 1 de enero de 2020 termina entre el 31 de diciembre de 2020 "
        "y el 31 de diciembre de 2022, no el 1 de enero de 2023"
    )


async def test_a_rule_with_money_in_each_language(client: AsyncClient) -> None:
    p = await partnership(client)
    body = grant_body(p, amount=sek(800000), budget=[line("travel", 1, 1234567)])
    answers = await _in_each_language(client, "POST", GRANTS, body)
    for answer in answers.values():
        assert answer["code"] == "rule.budget-lines-sum"
    assert _plain(answers["en"]["detail"]) == (
        "the budget lines sum to SEK 1,234,567.00, the amount is SEK 800,000.00"
    )
    assert _plain(answers["sv"]["detail"]) == (
        "budgetposterna summerar till 1 234 567,00 kr, beloppet är 800 000,00 kr"
    )
    assert _plain(answers["es"]["detail"]) == (
        "las partidas presupuestarias suman SEK 1,234,567.00, el monto es SEK 800,000.00"
    )
    assert answers["sv"]["title"] == "Budgetposterna summerar till det beslutade beloppet"


async def test_validation_errors_in_each_language(client: AsyncClient) -> None:
    body = {"type": "municipality", "name": "x" * 201}
    answers = await _in_each_language(client, "POST", ORG_PATH, body)
    by_language = {
        language: {e["pointer"]: e for e in answer["errors"]}
        for language, answer in answers.items()
    }
    for language, errors in by_language.items():
        assert answers[language]["code"] == "validation-error"
        assert {p: e["type"] for p, e in errors.items()} == {
            "/country_code": "missing",
            "/name": "string_too_long",
        }
    assert by_language["en"]["/country_code"]["message"] == "Field required"
    assert by_language["sv"]["/country_code"]["message"] == "Fältet är obligatoriskt"
    assert by_language["es"]["/country_code"]["message"] == "Campo obligatorio"
    assert by_language["sv"]["/name"]["message"] == "Värdet ska ha högst 200 tecken"
    assert by_language["es"]["/name"]["message"] == (
        "El valor debe tener como máximo 200 caracteres"
    )
    assert answers["sv"]["title"] == "Valideringsfel"
    assert answers["es"]["detail"].startswith("/")
    assert "Campo obligatorio" in answers["es"]["detail"]


async def test_a_message_a_schema_raises_in_each_language(client: AsyncClient) -> None:
    body = {"type": "municipality", "country_code": "SE", "name": "X", "org_number": "12"}
    answers = await _in_each_language(client, "POST", ORG_PATH, body)
    messages = {lang: a["errors"][0]["message"] for lang, a in answers.items()}
    assert messages == {
        "en": "an organisation number has 10 digits, written NNNNNN-NNNN",
        "sv": "ett organisationsnummer har 10 siffror, skrivna NNNNNN-NNNN",
        "es": "un número de organización tiene 10 dígitos, escritos NNNNNN-NNNN",
    }


async def test_a_malformed_amount_is_explained_in_each_language(client: AsyncClient) -> None:
    p = await partnership(client)
    answers = await _in_each_language(client, "POST", GRANTS, grant_body(p, amount=sek("1e5")))
    errors = {lang: a["errors"][0] for lang, a in answers.items()}
    assert {(e["pointer"], e["type"]) for e in errors.values()} == {
        ("/amount/amount", "decimal_format")
    }
    assert errors["en"]["message"].startswith("Input should be a decimal string such as '")
    assert "greater than 0" in errors["en"]["message"]
    assert errors["sv"]["message"].startswith("Värdet ska vara ett decimaltal som sträng")
    assert "siffror 0-9 utan inledande nollor" in errors["sv"]["message"]
    assert "större än 0" in errors["sv"]["message"]
    assert errors["es"]["message"].startswith("El valor debe ser un número decimal en texto")
    assert "dígitos 0-9 sin ceros a la izquierda" in errors["es"]["message"]
