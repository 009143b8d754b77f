"""The OpenAPI document, completed from what each route depends on, so that it says what the
server enforces: every problem a route can answer with (as `application/problem+json`, with
the headers that come with it), the rate limit's headers, `If-Match` as required where a change
without it answers 428, and the `Idempotency-Key` of every POST."""

from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.encoders import jsonable_encoder
from fastapi.openapi.models import Operation, PathItem
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from pydantic import ValidationError

from app.api import headers, idempotency
from app.api.auth import BEARER, get_principal, get_public_caller
from app.api.deps import IF_MATCH, if_match_header
from app.api.problems import (
    DEPENDENCY_PROBLEMS,
    PROBLEM_MEDIA_TYPE,
    Problem,
    ProblemResponses,
)
from app.api.ratelimit import EXEMPT_PATHS, RATE_LIMITED
from app.core.errors import (
    BAD_REQUEST,
    KEYS_UNAVAILABLE,
    PAYLOAD_TOO_LARGE,
    UNAUTHORIZED,
    VALIDATION_ERROR,
    ProblemKind,
)
from app.core.i18n import english

_PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
_VALIDATION = (
    "Validation error, or a broken programme rule (its `code` names it; GET /problems lists them)"
)
_LANGUAGES = """

## Languages

Every answer is in English (`en`), Swedish (`sv`) or Spanish (`es`): the one `Accept-Language`
prefers (RFC 9110: q-values, `es-GT` counts as `es`), or the one `?lang=` names on any route (it
wins over the header; calendar subscriptions and downloads use it). English otherwise. The answer
says which in `Content-Language` and varies on `Accept-Language`; its ETags differ per language.
Problem details (`title`, `detail`, `errors[].message`) are worded in it, with dates and money as
the language writes them; `type`, `code` and `errors[].pointer` never change. `GET /problems` lists
every problem in all three.
"""

# Problems answered before an `Idempotency-Key` is claimed (or by no route at all): never
# stored, so never replayed.
_BEFORE_THE_KEY = {UNAUTHORIZED, KEYS_UNAVAILABLE, RATE_LIMITED, PAYLOAD_TOO_LARGE}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = _build(app)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _build(app: FastAPI) -> dict[str, Any]:
    spec = get_openapi(
        title=app.title,
        version=app.version,
        summary=app.summary,
        description=app.description,
        routes=app.routes,
        tags=app.openapi_tags,
    )
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["Problem"] = problem_schema
    # As FastAPI declares a security scheme a route depends on (`_declare_bearer`)
    components["securitySchemes"] = {
        BEARER.scheme_name: jsonable_encoder(BEARER.model, by_alias=True, exclude_none=True)
    }
    components["headers"] = {**headers.RATE_LIMIT, **headers.CONTENT_LANGUAGE}
    spec["info"]["description"] = spec["info"].get("description", "") + _LANGUAGES
    modelled = {path for path, item in spec["paths"].items() if _modelled(item)}
    # Each route as included (its prefix, and the dependencies and responses of its routers).
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, APIRoute) and route.include_in_schema:
            path = route.path_format
            for method in route.methods or ():
                _complete(spec["paths"][path][method.lower()], route, method, path in modelled)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    _distinct_titles(schemas)
    return spec


def _distinct_titles(schemas: dict[str, Any]) -> None:
    """Give each component a title of its own. FastAPI splits a model that reads otherwise than
    it writes (`Money`: a number or a string in, a string out) into `Money-Input` and
    `Money-Output`, both titled `Money`; openapi-python-client names classes by title, so it made
    `Money` twice and dropped every schema using the second (all of funding's answers)."""
    titles = Counter(schema.get("title") for schema in schemas.values())
    for name, schema in schemas.items():
        if titles[schema.get("title")] > 1:
            schema["title"] = name


def _complete(operation: dict[str, Any], route: RouteContext, method: str, modelled: bool) -> None:
    calls = set(_calls(route.dependant))
    if get_principal in calls or get_public_caller in calls:
        _declare_bearer(operation, modelled)
    kinds = _problems(route, calls)
    responses: dict[str, Any] = operation["responses"]
    for status in sorted({k.status for k in kinds}):
        responses[str(status)] = _problem_response({k for k in kinds if k.status == status})
    if method == "POST":
        _document_idempotency(operation, kinds)
    if RATE_LIMITED in kinds:
        for response in responses.values():
            response.setdefault("headers", {}).update(headers.RATE_LIMIT_REFS)
    for answered, response in responses.items():
        if answered != "304":  # a 304 repeats no content, so no language either
            response.setdefault("headers", {}).update(headers.CONTENT_LANGUAGE_REF)
    if _links_to(responses) and not any(
        p["name"] == "lang" for p in operation.get("parameters", ())
    ):
        operation.setdefault("parameters", []).append(headers.LANG_PARAMETER)
    for parameter in operation.get("parameters", ()):
        if parameter["name"] == IF_MATCH:
            # Required where a change without it answers 428 (app/api/deps.py); a blank one
            # counts as missing (app/api/etag.py), so a required one is not blank.
            required = if_match_header in calls
            parameter["required"] = required
            parameter["schema"] = {"type": "string", "examples": ['"v1"']} | (
                {"pattern": r"\S"} if required else {}
            )
    operation["responses"] = dict(sorted(responses.items()))


# Where FastAPI puts `security` in an operation: right after these, as it builds the operation;
# or, once its path item went through its `PathItem` model, among the model's fields in order.
_METADATA = frozenset({"tags", "summary", "description", "operationId", "deprecated"})
_MODEL_FIELDS = tuple(Operation.model_fields)


def _declare_bearer(operation: dict[str, Any], modelled: bool) -> None:
    """The bearer scheme as FastAPI declares one a route depends on: first in the operation's
    `security`, before any its `openapi_extra` adds (`OPTIONAL_AUTH`), and where FastAPI would
    have put it (`modelled`: the operation's path item is one FastAPI's `PathItem` reads)."""
    security = [{BEARER.scheme_name: []}, *operation.pop("security", [])]
    if modelled:
        before = set(_MODEL_FIELDS[: _MODEL_FIELDS.index("security")])
        at = sum(1 for key in operation if key in before)
    else:
        at = next((i for i, key in enumerate(operation) if key not in _METADATA), len(operation))
    items = list(operation.items())
    items.insert(at, ("security", security))
    operation.clear()
    operation.update(items)


def _modelled(item: dict[str, Any]) -> bool:
    """Whether FastAPI's `OpenAPI` model read a path item as a `PathItem` (its operations' keys
    then in the model's order) rather than as any value (kept as built): pydantic's union of the
    two takes the model when it reads the item strictly (no parameter, whose `in` is an enum)."""
    try:
        PathItem.model_validate(item, strict=True)
    except ValidationError:
        return False
    return True


def _links_to(responses: dict[str, Any]) -> bool:
    """Whether the route answers with what a link fetches (a calendar, a CSV file): `?lang=`
    is declared there, since such a link cannot set `Accept-Language`."""
    content = responses.get("200", {}).get("content", {})
    return any(media in content for media in ("text/calendar", "text/csv"))


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    """Every dependency a route runs, however deeply nested."""
    for sub in dependant.dependencies:
        if sub.call is not None:
            yield sub.call
        yield from _calls(sub)


def _problems(route: RouteContext, calls: set[Callable[..., Any]]) -> set[ProblemKind]:
    """What the route declares (`problem_responses`), what its dependencies can answer with
    (`answers`), validation, the body size limit and the rate limit."""
    kinds = {
        kind
        for response in route.responses.values()
        if isinstance(response, ProblemResponses)
        for kind in response.kinds
    }
    for call in calls:
        kinds.update(DEPENDENCY_PROBLEMS.get(call, ()))
    if _validates(route.dependant):
        kinds.add(VALIDATION_ERROR)
    # Any URL whose %-escapes are not UTF-8 is a 400 (`RequestGuardMiddleware`), as is a body that
    # is not even text (FastAPI's own).
    kinds.add(BAD_REQUEST)
    if route.body_field is not None:
        kinds.add(PAYLOAD_TOO_LARGE)
    if route.path_format not in EXEMPT_PATHS:
        kinds.add(RATE_LIMITED)
    return kinds


def _validates(dependant: Dependant) -> bool:
    """Whether anything a route reads from the path, the query or the body can be refused."""
    own = dependant.path_params or dependant.query_params or dependant.body_params
    return bool(own) or any(_validates(sub) for sub in dependant.dependencies)


def _problem_response(kinds: set[ProblemKind]) -> dict[str, Any]:
    """One status's answer: the titles of the kinds it can be, and the headers they carry."""
    titles = sorted(english(k.title) for k in kinds if k is not VALIDATION_ERROR and k.mode is None)
    if VALIDATION_ERROR in kinds:
        titles = [_VALIDATION, *titles]
    response: dict[str, Any] = {
        "description": " / ".join(titles),
        "content": {PROBLEM_MEDIA_TYPE: {"schema": _PROBLEM_REF}},
    }
    declared: dict[str, Any] = {}
    retrying = [k for k in kinds if k.retry_after_s is not None or k is RATE_LIMITED]
    if retrying:
        declared["Retry-After"] = headers.header(
            headers.RETRY_AFTER_DESCRIPTION,
            headers.RETRY_AFTER_SCHEMA,
            required=len(retrying) == len(kinds),
        )
    if UNAUTHORIZED in kinds:
        declared["WWW-Authenticate"] = headers.WWW_AUTHENTICATE
    if declared:
        response["headers"] = declared
    return response


def _document_idempotency(operation: dict[str, Any], kinds: set[ProblemKind]) -> None:
    """A POST takes an `Idempotency-Key`, and any answer its route gave can be replayed
    (`app/api/idempotency.py`)."""
    for parameter in operation.get("parameters", ()):
        if parameter["name"] == idempotency.HEADER:  # a plain string for generated clients
            parameter["schema"] = {
                "type": "string",
                "pattern": idempotency.KEY_PATTERN,
                "examples": ["8e03978e-40d5-43e8-bc93-6894a57f9324"],
            }
    replayable = {
        str(k.status)
        for k in kinds
        if k not in _BEFORE_THE_KEY and k not in idempotency.KINDS and k.status < 500
    }
    for status, response in operation["responses"].items():
        if status.startswith("2") or status in replayable:
            response.setdefault("headers", {}).update(headers.REPLAYED)
