"""Inputs are strict where the schema names a format (docs/conventions.md, "Representation"):
a date is a "YYYY-MM-DD" string, a time an RFC 3339 string with its offset, an amount a canonical
decimal string; a boolean true or false; a URL whose %-escapes are not UTF-8 is a 400. A text and
an amount that must be more than 0 are refused exactly where the document's schema says."""

from typing import Any

import pytest
from httpx import AsyncClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from tests.conventions.test_errors import assert_problem
from tests.factories import reference_municipality
from tests.funding.helpers import GRANTS, ROUNDS, create_grant, line_id, partnership
from tests.test_partner_interests import INTERESTS
from tests.test_partner_interests import body as interest

# Each once as a JSON integer (Pydantic alone reads 0 as 1970-01-01), as a datetime, in another
# form of ISO 8601, and as no date at all.
NOT_DATES: list[Any] = [0, 1767225600, "2026-01-01T00:00:00", "20260101", "2026-1-1", "2026-02-30"]


def assert_refused(response: Any, location: str, pointer: str, error_type: str) -> None:
    body = assert_problem(response, 422, "validation-error")
    [error] = body["errors"]
    assert (error["location"], error["pointer"], error["type"]) == (location, pointer, error_type)


def date_error(value: Any) -> str:
    """The error type: the format is checked first, then that the day exists."""
    return "date_from_datetime_parsing" if value == "2026-02-30" else "date_format"


async def test_a_date_in_a_body_is_a_yyyy_mm_dd_string(client: AsyncClient) -> None:
    body = {"title": "Spring round", "opens": "2026-01-01", "closes": "2026-03-31"}
    for value in NOT_DATES:
        refused = await client.post(ROUNDS, json={**body, "opens": value})
        assert_refused(refused, "body", "/opens", date_error(value))
    assert (await client.get(ROUNDS)).json()["items"] == []  # nothing was stored

    made = await client.post(ROUNDS, json=body)
    assert made.status_code == 201, made.text
    assert made.json()["opens"] == "2026-01-01"
    url, etag = f"{ROUNDS}/{made.json()['id']}", made.headers["etag"]
    for value in NOT_DATES:
        patched = await client.patch(url, json={"opens": value}, headers={"If-Match": etag})
        assert_refused(patched, "body", "/opens", date_error(value))
    moved = await client.patch(url, json={"opens": "2026-01-15"}, headers={"If-Match": etag})
    assert (moved.status_code, moved.json()["opens"]) == (200, "2026-01-15")


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/api/v1/countries", "eligible_on"),
        ("/api/v1/compliance", "as_of"),
        ("/api/v1/partnerships/00000000-0000-4000-8000-000000000000/compliance", "as_of"),
        ("/api/v1/funding/alerts", "on"),
    ],
)
async def test_a_date_in_a_query_is_a_yyyy_mm_dd_string(
    client: AsyncClient, path: str, name: str
) -> None:
    for value in NOT_DATES:
        response = await client.get(path, params={name: value})
        assert_refused(response, "query", name, date_error(value))
    accepted = await client.get(path, params={name: "2023-01-01"})
    assert accepted.status_code in (200, 404), accepted.text  # 404: no such partnership


async def test_eligible_on_reads_the_day_it_names(anonymous: AsyncClient) -> None:
    eligible = await anonymous.get("/api/v1/countries", params={"eligible_on": "2023-01-01"})
    assert "ZM" in [c["code"] for c in eligible.json()["items"]]


async def test_a_time_is_an_rfc_3339_string_with_its_offset(client: AsyncClient) -> None:
    not_times: list[Any] = [
        0,
        "1700000000",
        "2026-01-01",
        "2026-01-01T00:00",
        "2026-01-01T00:00Z",
        "2026-01-01 00:00:00Z",
        "2026-01-01T00:00:00",
    ]
    for value in not_times:
        response = await client.get("/api/v1/audit-events", params={"since": value})
        assert_refused(response, "query", "since", "datetime_format")
        key = {"name": "k", "role": "admin", "expires_at": value}
        assert_refused(
            await client.post("/api/v1/api-keys", json=key),
            "body",
            "/expires_at",
            "datetime_format",
        )
    for value in ("2026-01-01T00:00:00Z", "2026-01-01t00:00:00.5+01:00"):
        response = await client.get("/api/v1/audit-events", params={"since": value})
        assert response.status_code == 200, (value, response.text)
    key = {"name": "k", "role": "admin", "expires_at": "2999-01-01T00:00:00+01:00"}
    made = await client.post("/api/v1/api-keys", json=key)
    assert made.json()["expires_at"] == "2998-12-31T23:00:00Z"


def cost(line: str, amount: Any, currency: str = "SEK", rate: Any = None) -> dict[str, Any]:
    body = {"budget_line_id": line, "amount": {"amount": amount, "currency": currency}}
    return body if rate is None else {**body, "rate": rate}


async def report(client: AsyncClient, grant: dict[str, Any], *costs: dict[str, Any]) -> Any:
    body = {"kind": "interim", "year": 1, "narrative": "Done.", "costs": list(costs)}
    return await client.post(f"{GRANTS}/{grant['id']}/reports", json=body)


async def test_an_amount_is_a_canonical_decimal_string(client: AsyncClient) -> None:
    grant = await create_grant(client, await partnership(client))
    travel = line_id(grant, "travel", 1)
    not_amounts: list[Any] = [
        "1_000",  # Python's Decimal reads these four; JSON clients do not mean them
        "1e3",
        "\uff11\uff10\uff10\uff10",  # full-width digits 1000
        "\u0661\u0660\u0660\u0660",  # Arabic-Indic digits
        " 10",
        "10 ",
        "10\n",
        "+10",
        "010",
        ".5",
        "5.",
        "1,000",
        "1.005",
        "NaN",
        "",
        10,  # JSON numbers: a float loses cents, and an integer is the same mistake
        10.0,
        True,
    ]
    for value in not_amounts:
        refused = await report(client, grant, cost(travel, value))
        assert_refused(refused, "body", "/costs/0/amount/amount", "decimal_format")
    for value in ("1e1", 10, "10.1234567"):
        refused = await report(client, grant, cost(travel, "10.00", "USD", rate=value))
        assert_refused(refused, "body", "/costs/0/rate", "decimal_format")
    assert (await client.get(f"{GRANTS}/{grant['id']}/reports")).json() == []

    filed = await report(
        client,
        grant,
        cost(travel, "1000"),
        cost(line_id(grant, "venue", 1), "1000.50"),
        cost(travel, "10.5", "USD", rate="10.512345"),
    )
    assert filed.status_code == 201, filed.text
    costs = filed.json()["costs"]
    assert [c["original"] for c in costs] == [
        {"amount": "1000.00", "currency": "SEK"},
        {"amount": "1000.50", "currency": "SEK"},
        {"amount": "10.50", "currency": "USD"},
    ]
    assert (costs[2]["rate"], costs[2]["amount"]["amount"]) == ("10.512345", "110.38")


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/countries?q=%ff",
        "/api/v1/countries?q=%C3",  # a sequence cut short
        "/api/v1/countries?q=%ED%A0%80",  # an encoded surrogate
        "/api/v1/countries?%ff=1",
        "/api/v1/countries?q=ok&funding_region=%C0%AF",  # an overlong "/"
        "/api/v1/organisations/%ff",
    ],
)
async def test_escapes_that_are_not_utf8_are_a_400(anonymous: AsyncClient, url: str) -> None:
    body = assert_problem(await anonymous.get(url), 400, "bad-request")
    assert "not UTF-8" in body["detail"]


async def test_escaped_utf8_is_read(anonymous: AsyncClient) -> None:
    found = await anonymous.get("/api/v1/countries?q=%C3%85land")
    assert [c["code"] for c in found.json()["items"]] == ["AX"]


async def document_schema(client: AsyncClient, name: str) -> Draft202012Validator:
    """A validator of the schema `name` of the OpenAPI document the service serves, with its
    references resolved in that document: what a client reads the API to take."""
    spec = (await client.get("/openapi.json")).json()
    document = Resource.from_contents(spec, default_specification=DRAFT202012)
    return Draft202012Validator(
        {"$ref": f"urn:openapi#/components/schemas/{name}"},
        registry=Registry().with_resource("urn:openapi", document),
    )


# A text that may not be blank (a round's title: at most 200 characters), as sent: as stored, or
# the error it is refused with. It is judged as sent, then stripped of Unicode's White_Space.
TITLES: dict[str, str] = {
    "Spring": "Spring",
    " \u3000Spring round\u2028\t": "Spring round",
    "\ufeff": "\ufeff",  # a zero-width no-break space is no whitespace to Unicode
    "": "string_too_short",
    " ": "string_too_short",
    "\t\n\r": "string_too_short",
    "\u3000\xa0\x85\u2000": "string_too_short",
    "\x0bSpring": "string_pattern_mismatch",  # a control character, where it would be stripped
    "Spring\x00": "string_pattern_mismatch",
    "a" * 200: "a" * 200,
    " " + "a" * 199: "a" * 199,
    "a" * 200 + " ": "string_too_long",  # 201 characters as sent
}


async def test_a_text_is_refused_exactly_as_the_document_says(client: AsyncClient) -> None:
    document = await document_schema(client, "RoundCreate")
    for title, outcome in TITLES.items():
        body = {"title": title, "opens": "2026-01-01", "closes": "2026-03-31"}
        response = await client.post(ROUNDS, json=body)
        assert (response.status_code == 201) == document.is_valid(body), repr(title)
        if response.status_code == 201:
            assert response.json()["title"] == outcome, repr(title)
        else:
            assert_refused(response, "body", "/title", outcome)


# Amounts of a reported cost, which is more than 0: accepted, or the error it is refused with.
COSTS = {
    "0.01": None,
    "0.1": None,
    "0.50": None,
    "7": None,
    "9999.99": None,
    "0": "greater_than",
    "0.0": "greater_than",
    "0.00": "greater_than",
    "-0": "greater_than",
    "-0.01": "greater_than",
    "-5": "greater_than",
    "0.001": "decimal_format",
    "00.5": "decimal_format",
    "1e3": "decimal_format",
}


async def test_an_amount_more_than_nothing_is_refused_as_its_pattern_says(
    client: AsyncClient,
) -> None:
    document = await document_schema(client, "PositiveMoney")
    grant = await create_grant(client, await partnership(client))
    travel = line_id(grant, "travel", 1)
    refused = await report(client, grant, *(cost(travel, amount) for amount in COSTS))
    body = assert_problem(refused, 422, "validation-error")
    errors = {e["pointer"]: e["type"] for e in body["errors"]}
    for i, (amount, error) in enumerate(COSTS.items()):
        assert errors.get(f"/costs/{i}/amount/amount") == error, amount
        assert document.is_valid({"amount": amount}) == (error is None), amount
    assert len(errors) == sum(error is not None for error in COSTS.values())
    accepted = [cost(travel, amount) for amount, error in COSTS.items() if error is None]
    filed = await report(client, grant, *accepted)
    assert filed.status_code == 201, filed.text
    assert filed.json()["total"] == {"amount": "10007.60", "currency": "SEK"}


async def test_a_boolean_is_true_or_false(client: AsyncClient) -> None:
    """Not 0, 1 or a string that reads as one, which Pydantic alone would take."""
    swedish = await reference_municipality(client, "2321")
    for value in (0, 1, "true", "yes", "on", 1.0):
        refused = await client.post(INTERESTS, json=interest(swedish["id"], listed=value))
        assert_refused(refused, "body", "/listed", "bool_type")
    made = await client.post(INTERESTS, json=interest(swedish["id"], listed=True))
    assert (made.status_code, made.json()["listed"]) == (201, True)
    url, etag = f"{INTERESTS}/{made.json()['id']}", made.headers["etag"]
    patched = await client.patch(url, json={"listed": 0}, headers={"If-Match": etag})
    assert_refused(patched, "body", "/listed", "bool_type")
    cleared = await client.patch(url, json={"listed": None}, headers={"If-Match": etag})
    assert_refused(cleared, "body", "/listed", "value_error")  # it always has a value
