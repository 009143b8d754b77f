"""Loaded by the Schemathesis CLI that `tests/test_schemathesis.py` runs (`SCHEMATHESIS_HOOKS`).

Every built-in check runs. `positive_data_acceptance` is told (in the test's configuration) to
let 400, 412 and 422 through (and 415 for a document's file), because the server rightly refuses
some schema-valid requests for reasons no schema can state;
`refused_only_for_what_the_schema_cannot_state` below then fails every such refusal that is not
one of those reasons. So a schema-valid request refused because the document under-describes the
API (a pattern, a bound, a closed list left out) still fails.
"""

import json
from typing import Any

import schemathesis
from schemathesis.specs.openapi.checks import is_unexpected_http_status_case

# Refusals that depend on what only the server knows, by the problem's code.
SERVER_STATE = {
    "precondition-failed": "If-Match names a version; which one is current is the server's "
    "state (a schema-valid ETag is stale unless it is `*` or the current one)",
    "invalid-cursor": "a cursor is opaque: only the `next_cursor` the server handed out is one",
    "idempotency-key-reused": "a key promises a new request; the generator draws the same key "
    "(the document's example) for other requests",
    "webhook-target-refused": "whether a host resolves to a public address is known only by "
    "resolving it",
}
# Payload checks JSON Schema has no words for, by the start of their message: an order between
# two fields, a day relative to today, a check digit.
BEYOND_JSON_SCHEMA = {
    "end_date is before start_date": "an order between two fields",
    "until must be after since": "an order between two fields",
    "expires_at must be in the future": "relative to the clock",
    "a day that has not come yet": "relative to the clock",
    "the organisation number's check digit is wrong": "a check digit (Luhn)",
    "the third digit of an organisation number is 2 or more": "a check digit's convention",
    "not a valid phone number": "a numbering plan: which numbers each country gives out",
    "the main language's texts are the resource's own fields": "a key of one field that may "
    "not be the value of another (`translations` never names the main `language`)",
}
# A file's refusals JSON Schema has no words for, by the start of the 415's detail.
FILE_BEYOND_JSON_SCHEMA = {
    "The file's content is not ": "a file's first bytes (its signature) against the type it is "
    "sent as",
    "A file sent as application/octet-stream needs a file name": "a parameter required with one "
    "media type of the body only, which OpenAPI cannot tie to it (a name sent is held to its "
    "pattern, a 422 otherwise)",
}
# A programme rule (code `rule.<name>`) judges schema-valid data on stored data, on the calendar
# or across fields: GET /problems describes each, and its 422 names it.
RULE = "rule."


def _explained(problem: dict[str, Any]) -> bool:
    code = str(problem.get("code", ""))
    if code in SERVER_STATE or code.startswith(RULE):
        return True
    if code == "unsupported-media-type":
        return str(problem.get("detail", "")).startswith(tuple(FILE_BEYOND_JSON_SCHEMA))
    if code != "validation-error":
        return False
    errors = problem.get("errors") or []
    return bool(errors) and all(
        str(e.get("rule") or "").startswith(RULE)
        or str(e.get("message", "")).startswith(tuple(BEYOND_JSON_SCHEMA))
        for e in errors
    )


@schemathesis.check
def refused_only_for_what_the_schema_cannot_state(ctx: Any, response: Any, case: Any) -> None:
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive:
        return
    if is_unexpected_http_status_case(case) or response.status_code not in (400, 412, 415, 422):
        return
    try:
        problem = json.loads(response.content)
    except ValueError:
        problem = {}
    if not isinstance(problem, dict) or not _explained(problem):
        raise AssertionError(
            f"A schema-valid request was refused with {response.status_code} "
            f"`{problem.get('code') if isinstance(problem, dict) else problem}`, which the "
            "document could have stated"
        )
