"""The response headers the OpenAPI document declares, as OpenAPI header objects, and the
`responses` a route adds for the ones it sets itself (`ETag`, `Location`); the rest are declared
on every route they apply to by `app/api/openapi.py`."""

from typing import Any

from app.api.idempotency import REPLAYED_HEADER

Responses = dict[int | str, dict[str, Any]]


def header(description: str, schema: dict[str, Any], *, required: bool) -> dict[str, Any]:
    return {"description": description, "required": required, "schema": schema}


ETAG = header(
    "The current version of what was read or changed. Send it back in `If-Match` to change it, "
    "or in `If-None-Match` to be answered 304 while it is unchanged. A list's tag is weak "
    "(`W/`), and so is any tag of an answer sent compressed (docs/conventions.md).",
    {"type": "string", "pattern": '^(W/)?"[^"]*"$'},
    required=True,
)
LOCATION = header(
    "The path of the resource just created.",
    {"type": "string", "format": "uri-reference"},
    required=True,
)
RETRY_AFTER_SCHEMA = {"type": "integer", "minimum": 0}
RETRY_AFTER_DESCRIPTION = "Seconds to wait before retrying."
WWW_AUTHENTICATE = header(
    "The scheme to authenticate with: `Bearer`.", {"type": "string"}, required=True
)
IDEMPOTENT_REPLAYED = header(
    "`true` when this is the stored answer to an earlier request with the same "
    "`Idempotency-Key`, sent again without running the request.",
    {"type": "string", "enum": ["true"]},
    required=False,
)
# On every answer of a rate-limited route: declared once, referred to from each answer. Not
# required: when the shared limiter (Redis) does not answer, requests pass without them.
RATE_LIMIT = {
    "RateLimit-Limit": header(
        "The client's requests per minute.", {"type": "integer", "minimum": 0}, required=False
    ),
    "RateLimit-Remaining": header(
        "Requests left in the current minute.", {"type": "integer", "minimum": 0}, required=False
    ),
    "RateLimit-Reset": header(
        "Seconds until the current minute ends and the count starts again.",
        {"type": "integer", "minimum": 0},
        required=False,
    ),
}
RATE_LIMIT_REFS = {name: {"$ref": f"#/components/headers/{name}"} for name in RATE_LIMIT}
# On every answer: the language its texts are in (docs/translations.md), declared once.
CONTENT_LANGUAGE = {
    "Content-Language": header(
        "The language of the answer's texts: `en`, `sv` or `es`, as `Accept-Language` or `?lang=` "
        "asked (English by default). Answers vary on `Accept-Language`.",
        {"type": "string", "enum": ["en", "sv", "es"]},
        required=True,
    )
}
CONTENT_LANGUAGE_REF = {"Content-Language": {"$ref": "#/components/headers/Content-Language"}}
LANG_PARAMETER = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "The language of the answer's texts (`en`, `sv` or `es`), for a link that "
    "cannot send `Accept-Language` (a calendar subscription, a download); it wins over the "
    "header. Any other value is ignored. Every route takes it (docs/translations.md).",
    "schema": {"type": "string", "examples": ["sv", "es"]},
}
REPLAYED = {REPLAYED_HEADER: IDEMPOTENT_REPLAYED}


def conditional_read(**ok: Any) -> Responses:
    """A read that answers with an `ETag`, and 304 when `If-None-Match` names it
    (`app/api/etag.py`); `ok` describes more of the 200 answer (its description, its content
    when it is not the route's JSON model, its other headers)."""
    more = ok.pop("headers", {})
    return {
        200: {**ok, "headers": {"ETag": ETAG, **more}},
        304: {"description": "Not modified", "headers": {"ETag": ETAG}},
    }


def changed(status: int = 200) -> Responses:
    """A change that answers with the new `ETag`."""
    return {status: {"headers": {"ETag": ETAG}}}


def created(*, location: bool = True, etag: bool = True) -> Responses:
    """A creation: 201 with the new resource's `Location` (unless it has no path of its own to
    read it at) and its `ETag` (unless it has no version: never changed once made)."""
    headers = ({"Location": LOCATION} if location else {}) | ({"ETag": ETAG} if etag else {})
    return {201: {"headers": headers}}
