"""The rule matrix: every rule of GET /problems against every write of the OpenAPI document that
changes what the rule reads. It finds the missing paths by itself (docs/rules.md):

- a write operation of the document missing from WRITES fails (a new route says what it writes);
- a rule of /problems without a row fails;
- a write that changes a column a rule reads, with no row for that (rule, operation), no
  exemption and no listed gap, fails;
- each row is run: a refused rule answers 422 with its code and nothing changes; a reported one
  accepts the write and shows its warning on the partnership's compliance and the programme's;
- each known gap is run too: once its write is refused, the test says to move it to ROWS.

The tables are in `writes.py` (WRITES), `cases_*.py` (ROWS, EXEMPT, KNOWN_GAPS) and `matrix.py`.
"""

import re
from collections import defaultdict
from typing import Any

import pytest
from httpx import AsyncClient, Response
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.conftest import ROOT
from tests.rules import (  # noqa: F401  (each module registers its rows)
    cases_continuity,
    cases_funding,
    cases_meetings,
    cases_networks,
    cases_partner_interests,
    cases_partnerships,
    cases_programmes,
    cases_reference,
)
from tests.rules.matrix import EXEMPT, GAP_CASES, KNOWN_GAPS, ROWS, Attempt, Case
from tests.rules.world import World
from tests.rules.writes import WRITES

WRITE_METHODS = ("post", "patch", "put", "delete")


def _write_operations(spec: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {
        op["operationId"]: (method.upper(), path)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in WRITE_METHODS
    }


def _routes(spec: dict[str, Any]) -> list[tuple[str, re.Pattern[str], str, str]]:
    """(method, path pattern, template, operationId) of every route, literal routes first."""
    routes = [
        (
            method.upper(),
            re.compile("^" + re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path)) + "$"),
            path,
            op["operationId"],
        )
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in (*WRITE_METHODS, "get")
    ]
    return sorted(routes, key=lambda r: r[2].count("{"))


def _operation(spec: dict[str, Any], method: str, url: str) -> str | None:
    path = url.split("?", 1)[0]
    for m, pattern, _, operation_id in _routes(spec):
        if m == method and pattern.match(path):
            return operation_id
    return None


@pytest.fixture(scope="module")
def spec(app: Any) -> dict[str, Any]:
    return dict(app.openapi())


async def _rules(client: AsyncClient) -> dict[str, dict[str, Any]]:
    problems = (await client.get("/problems")).json()
    return {p["code"]: p for p in problems if p["code"].startswith("rule.")}


def _pairs(rules: dict[str, dict[str, Any]]) -> dict[tuple[str, str], set[str]]:
    """Each (rule, operation) where the operation writes a column the rule reads: the columns."""
    return {
        (code, operation): touched
        for code, rule in rules.items()
        for operation, written in WRITES.items()
        if (touched := set(rule["reads"]) & written)
    }


# What the tables must hold


# A merge patch's fields that are not a column of the same name: where they are stored.
STORED_AS = {
    "budget": "application_budget_lines.amount",
    "participant_ids": "meeting_participants.person_id",
}
# A merge patch's fields that it takes only unchanged: a change is refused whatever the value, by
# the rule named (its rows show it), and made by another operation that lists the column.
UNCHANGED_BY_PATCH = {
    "update_meeting": {
        # rule.meeting-change-reason (a planned meeting moves by reschedule_meeting) and
        # rule.meeting-transition (a held or cancelled one keeps its dates and host)
        "host_organisation_id",
        "start_date",
        "end_date",
    },
}


def _patch_fields(spec: dict[str, Any], path: str) -> set[str]:
    """The fields the merge patch of `path` takes."""
    [media] = spec["paths"][path]["patch"]["requestBody"]["content"].values()
    schema = spec["components"]["schemas"][media["schema"]["$ref"].rsplit("/", 1)[-1]]
    return set(schema["properties"])


def test_every_write_operation_says_what_it_writes(spec: dict[str, Any]) -> None:
    operations = _write_operations(spec)
    assert sorted(set(operations) - set(WRITES)) == [], "add them to WRITES (tests/rules/writes.py)"
    assert sorted(set(WRITES) - set(operations)) == [], "no such write operation any more"
    # Each field a merge patch takes is among the columns its operation writes.
    unlisted = {}
    for operation_id, (method, path) in operations.items():
        if method != "PATCH":
            continue
        written = {column.split(".", 1)[1] for column in WRITES[operation_id]}
        missing = [
            field
            for field in sorted(_patch_fields(spec, path))
            if field not in written
            and STORED_AS.get(field) not in WRITES[operation_id]
            and field not in UNCHANGED_BY_PATCH.get(operation_id, set())
        ]
        if missing:
            unlisted[operation_id] = missing
    assert unlisted == {}, "patchable fields missing from WRITES"
    # A field taken unchanged only is a field of the patch, and not among what it writes.
    stale = {
        operation_id: sorted(
            (fields - _patch_fields(spec, operations[operation_id][1]))
            | {f for f in fields if any(c.endswith(f".{f}") for c in WRITES[operation_id])}
        )
        for operation_id, fields in UNCHANGED_BY_PATCH.items()
    }
    assert {k: v for k, v in stale.items() if v} == {}, "UNCHANGED_BY_PATCH: drop the entry"


async def test_every_rule_has_a_row(anonymous: AsyncClient, spec: dict[str, Any]) -> None:
    rules = await _rules(anonymous)
    assert len(rules) >= 70
    rowed = {case.code for case in ROWS}
    assert sorted(set(rules) - rowed) == [], "rules without a row in the matrix"
    assert sorted(rowed - set(rules)) == [], "rows of rules that do not exist"
    operations = _write_operations(spec)
    assert sorted({c.operation for c in ROWS + GAP_CASES} - set(operations)) == []


async def test_every_write_that_touches_a_rules_data_has_a_row(anonymous: AsyncClient) -> None:
    rules = await _rules(anonymous)
    pairs = _pairs(rules)
    rowed = {(case.code, case.operation) for case in ROWS}
    listed = set(KNOWN_GAPS)
    exempted = set(EXEMPT)
    missing = {
        f"{code} x {operation}": sorted(columns)
        for (code, operation), columns in pairs.items()
        if (code, operation) not in rowed | exempted | listed
    }
    if KNOWN_GAPS:
        print("\nKnown gaps (docs/rules.md):")
        for (code, operation), what in sorted(KNOWN_GAPS.items()):
            print(f"  {code} x {operation}: {what}")
    assert missing == {}, "writes that change a rule's data: add a row, or an exemption with why"
    assert sorted(map(str, rowed & exempted)) == [], "both a row and an exemption"
    assert sorted(map(str, listed & (rowed | exempted))) == [], "a known gap has a row or exemption"
    stale = sorted(str(pair) for pair in exempted | listed if pair not in pairs)
    assert stale == [], "the write no longer touches what the rule reads: drop the entry"


def test_the_known_gaps_are_those_docs_rules_md_lists() -> None:
    docs = (ROOT / "docs" / "rules.md").read_text()
    section = docs.split("**Known gaps**", 1)[1].split("\n\n", 2)[1]
    listed = set(re.findall(r"^\| `([\w-]+)` \| `(\w+)` \|", section, re.MULTILINE))
    assert listed == {(code.removeprefix("rule."), op) for code, op in KNOWN_GAPS}


def test_rows_are_counted_per_rule() -> None:
    """Not a check: the matrix's shape, printed for the report (pytest -s)."""
    per_rule: dict[str, int] = defaultdict(int)
    for case in ROWS:
        per_rule[case.code] += 1
    print(f"\n{len(ROWS)} rows, {len(EXEMPT)} exemptions, {len(KNOWN_GAPS)} known gaps")
    for code, n in sorted(per_rule.items()):
        print(f"  {code}: {n}")


# Running the rows


async def _snapshot(client: AsyncClient, urls: list[str]) -> list[tuple[str, int, str, str]]:
    answers = []
    for url in urls:
        response = await client.get(url)
        answers.append((url, response.status_code, response.text, response.headers.get("etag", "")))
    return answers


def _watched(spec: dict[str, Any], attempt: Attempt) -> list[str]:
    """The written resource (or its collection, or the object an action is taken on), and
    the row's own."""
    urls = list(attempt.watch)
    path = attempt.path
    if attempt.method != "POST" or _operation(spec, "GET", path):
        own = path
    else:
        own = path.rsplit("/", 1)[0]
    if _operation(spec, "GET", own) and not own.endswith("/file"):
        urls.insert(0, own)
    return urls


async def _findings(client: AsyncClient, partnership_id: str, as_of: str | None) -> list[str]:
    params = {"as_of": as_of} if as_of else {}
    response = await client.get(f"/api/v1/partnerships/{partnership_id}/compliance", params=params)
    assert response.status_code == 200, response.text
    return [w["code"] for w in response.json()["warnings"]]


async def _programme_findings(
    client: AsyncClient, partnership_id: str, as_of: str | None
) -> list[str]:
    params: dict[str, Any] = {"with_warnings": "true", "limit": 25}
    if as_of:
        params["as_of"] = as_of
    while True:
        page = (await client.get("/api/v1/compliance", params=params)).json()
        for item in page["items"]:
            if item["partnership_id"] == partnership_id:
                return [w["code"] for w in item["warnings"]]
        if not page["next_cursor"]:
            return []
        params["cursor"] = page["next_cursor"]


async def _audit_events(connection: AsyncConnection) -> int:
    return int((await connection.execute(text("SELECT count(*) FROM audit_events"))).scalar_one())


async def _send(client: AsyncClient, attempt: Attempt) -> Response:
    headers = dict(attempt.headers)
    if attempt.method in ("PATCH", "PUT", "DELETE"):
        headers.setdefault("If-Match", "*")
    return await client.request(attempt.method, attempt.path, json=attempt.body, headers=headers)


@pytest.mark.parametrize("case", ROWS, ids=lambda c: c.id)
async def test_row(
    client: AsyncClient, connection: AsyncConnection, spec: dict[str, Any], case: Case
) -> None:
    rule = (await client.get(f"/problems/{case.code}")).json()
    attempt = await case.build(World(client))
    assert _operation(spec, attempt.method, attempt.path) == case.operation, (
        f"the row's request {attempt.method} {attempt.path} is not {case.operation}"
    )
    reported = attempt.reported if attempt.reported is not None else rule["mode"] == "report"
    if reported:
        assert attempt.partnership_id, "a reported rule's row names the partnership to look at"
        pid, as_of = attempt.partnership_id, attempt.as_of
        assert case.code not in await _findings(client, pid, as_of), "warned before the write"
        response = await _send(client, attempt)
        assert response.is_success, response.text
        assert case.code in await _findings(client, pid, as_of)
        assert case.code in await _programme_findings(client, pid, as_of)
        return
    watched = _watched(spec, attempt)
    before = await _snapshot(client, watched)
    assert [(url, status) for url, status, _, _ in before if status != 200] == []
    events = await _audit_events(connection)
    response = await _send(client, attempt)
    assert response.status_code == attempt.status, response.text
    assert response.json()["code"] == (attempt.code or case.code), response.text
    assert await _snapshot(client, watched) == before
    assert await _audit_events(connection) == events


@pytest.mark.parametrize("case", GAP_CASES or [None], ids=lambda c: c.id if c else "none")
async def test_known_gap_is_still_open(
    client: AsyncClient, spec: dict[str, Any], case: Case | None
) -> None:
    """A known gap's write is still accepted; once it is refused, move the pair to ROWS."""
    if case is None:
        assert KNOWN_GAPS == {}, "each known gap has its case"
        return
    attempt = await case.build(World(client))
    assert _operation(spec, attempt.method, attempt.path) == case.operation
    response = await _send(client, attempt)
    refused = response.status_code >= 400 and response.json().get("code") in (
        attempt.code or case.code,
        "conflict",
    )
    assert not refused, f"{case.code} x {case.operation} is refused now: move it to ROWS"
    assert response.is_success, response.text
