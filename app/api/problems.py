"""RFC 9457 problem details: the one error format, the one error hierarchy and its handlers.

Every problem has a stable `code`; its `type` is `/problems/<code>`, which this service serves as
documentation (see `app/routers/problems.py`).
"""

import logging
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.api.redaction import loggable_path
from app.api.validation_messages import validation_message
from app.core.context import request_id_var
from app.core.errors import (
    BAD_REQUEST,
    CONFLICT,
    CONSTRAINT_RULES,
    DATABASE_UNAVAILABLE,
    INTERNAL_ERROR,
    INVALID_DATA,
    METHOD_NOT_ALLOWED,
    NOT_FOUND,
    PAYLOAD_TOO_LARGE,
    PROBLEM_KINDS,
    RULE_PREFIX,
    VALIDATION_ERROR,
    FieldError,
    InvalidChanges,
    ProblemError,
    ProblemKind,
)
from app.core.i18n import Text, _, english, render
from app.db.integrity import constraint_of

log = logging.getLogger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    model_config = ConfigDict(extra="allow")

    type: str
    title: str
    status: int
    detail: str
    code: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[FieldError] | None = None


def problem_body(kind: ProblemKind, detail: Text, instance: str) -> dict[str, Any]:
    """A problem's members, its title and detail worded in the answer's language."""
    return {
        "type": f"/problems/{kind.code}",
        "title": render(kind.title),
        "status": kind.status,
        "detail": render(detail),
        "code": kind.code,
        "instance": loggable_path(instance),
        "request_id": request_id_var.get(),
    }


def problem_response(
    request: Request,
    kind: ProblemKind,
    detail: Text,
    *,
    errors: list[FieldError] | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    body = problem_body(kind, detail, request.url.path)
    if kind.retry_after_s is not None:
        headers = {"Retry-After": str(kind.retry_after_s), **(headers or {})}
    if errors is not None:
        body["errors"] = [e.model_dump(exclude_none=True) for e in errors]
    if extra:
        body.update(extra)
    return JSONResponse(
        body, status_code=kind.status, headers=headers, media_type=PROBLEM_MEDIA_TYPE
    )


def _pointer(loc: tuple[Any, ...]) -> tuple[str, str]:
    if not loc:
        return "body", ""
    location, *path = loc
    if location == "body":
        return "body", "/" + "/".join(str(p).replace("~", "~0").replace("/", "~1") for p in path)
    return str(location), ".".join(str(p) for p in path)


def field_errors(raw: Sequence[Any]) -> list[FieldError]:
    errors = []
    for err in raw:
        loc = tuple(err.get("loc", ()))
        field = (err.get("ctx") or {}).get("field")
        if field:  # a rule raised by a model validator names the field (or path) it is about
            loc = (*loc, *field.split("/"))
        location, pointer = _pointer(loc)
        err_type = str(err.get("type", "invalid"))
        message = validation_message(err)
        rule_code = err_type[len(RULE_PREFIX) :] if err_type.startswith(RULE_PREFIX) else None
        message = message.removeprefix("Value error, ")
        errors.append(
            FieldError(
                pointer=pointer,
                location=location,
                message=message,
                type=f"rule.{rule_code}" if rule_code else err_type,
                rule=f"rule.{rule_code}" if rule_code else None,
            )
        )
    return errors


async def _on_problem(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ProblemError)
    return problem_response(
        request, exc.kind, exc.detail, errors=exc.errors, headers=exc.headers, extra=exc.extra
    )


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError | InvalidChanges)
    errors = field_errors(exc.errors() if isinstance(exc, RequestValidationError) else exc.errors)
    rules = sorted({e.rule for e in errors if e.rule})
    # A single broken programme rule is named by the problem itself, so a client can switch on it.
    if len(rules) == 1 and rules[0] in PROBLEM_KINDS and len(errors) == 1:
        kind = PROBLEM_KINDS[rules[0]]
        return problem_response(request, kind, errors[0].message, errors=errors)
    detail = "; ".join(f"{e.pointer or e.location}: {e.message}" for e in errors[:5])
    return problem_response(request, VALIDATION_ERROR, detail, errors=errors)


_HTTP_KINDS = {
    400: BAD_REQUEST,
    404: NOT_FOUND,
    405: METHOD_NOT_ALLOWED,
    413: PAYLOAD_TOO_LARGE,
}


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    kind = _HTTP_KINDS.get(exc.status_code) or ProblemKind(
        f"http-{exc.status_code}", exc.status_code, str(exc.detail), str(exc.detail)
    )
    detail: Text = kind.description
    if exc.detail not in (None, "", english(kind.title)):
        detail = str(exc.detail)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        detail = _(
            "No route {method} {path}.", method=request.method, path=loggable_path(request.url.path)
        )
    if exc.status_code == 405:
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return problem_response(request, kind, detail, headers=headers)


def _allowed_methods(request: Request) -> list[str]:
    """Every method some route accepts on this path (Starlette names only the first route's)."""
    return [
        method
        for method in ("DELETE", "GET", "PATCH", "POST", "PUT")
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL
            for route in request.app.router.routes
        )
    ]


async def _on_integrity(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, IntegrityError)
    constraint = constraint_of(exc)
    sqlstate = getattr(getattr(exc.orig, "__cause__", None), "sqlstate", None)
    log.info("integrity error", extra={"constraint": constraint, "sqlstate": sqlstate})
    extra = {"constraint": constraint}
    rule = CONSTRAINT_RULES.get(constraint or "")
    if rule is not None:
        # A rule the services check first, stated again by the database: a service let the
        # change through, the database did not (docs/rules.md).
        detail = _(
            "{rule} The database refused the change ({constraint}).",
            rule=rule.description,
            constraint=constraint,
        )
        return problem_response(request, rule, detail, extra=extra)
    if sqlstate in ("23514", "23P01"):  # check or exclusion: a value that cannot be stored
        detail = _("The change breaks a database constraint on the values it stores.")
        return problem_response(request, INVALID_DATA, detail, extra=extra)
    if sqlstate == "23503":
        detail = _("The resource is still referred to by other data, or refers to missing data.")
    elif sqlstate == "23505":
        detail = _("A resource with the same unique values already exists.")
    else:
        detail = _("The change breaks a database constraint.")
    return problem_response(request, CONFLICT, detail, extra=extra)


async def _on_database(request: Request, exc: Exception) -> JSONResponse:
    sqlstate = getattr(getattr(getattr(exc, "orig", None), "__cause__", None), "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith("22"):
        # Class 22, data exception: a value the database cannot store or compare. The schemas
        # should have refused it first, so it is logged as a warning to be fixed there.
        log.warning("data exception from the database", extra={"sqlstate": sqlstate})
        return problem_response(request, INVALID_DATA, INVALID_DATA.description)
    # Connection trouble (08), timeouts and shutdowns (57), exhausted resources (53) are outages;
    # any other database error means our SQL is wrong: a bug, not an outage.
    outage = sqlstate is None or sqlstate[:2] in {"08", "53", "57"}
    if isinstance(exc, DBAPIError) and not outage:
        log.error("database error", exc_info=exc)
        return problem_response(request, INTERNAL_ERROR, INTERNAL_ERROR.description)
    log.error("database unavailable", exc_info=exc)
    return problem_response(request, DATABASE_UNAVAILABLE, DATABASE_UNAVAILABLE.description)


def install_problem_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ProblemError, _on_problem)
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(InvalidChanges, _on_validation)
    app.add_exception_handler(StarletteHTTPException, _on_http)
    app.add_exception_handler(IntegrityError, _on_integrity)
    app.add_exception_handler(DBAPIError, _on_database)
    app.add_exception_handler(PoolTimeout, _on_database)
    app.add_exception_handler(OSError, _on_database)  # connection refused or reset
    # Anything else is caught by RequestGuardMiddleware, inside the request-id middleware.


class ProblemResponses(dict[str, Any]):
    """The problems a route declares it can answer with, of one status. `app/api/openapi.py`
    describes them, with every other problem the route's dependencies can answer with, when the
    document is built, so that no description depends on what was imported first."""

    def __init__(self, kinds: Sequence[ProblemKind]) -> None:
        super().__init__(description="")
        self.kinds = tuple(kinds)


def problem_responses(*kinds: ProblemKind) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for the problems a route itself can answer with (an unknown id, a
    conflict, ...). The problems of its dependencies (credentials, `If-Match`, paging,
    `Idempotency-Key`, the session), of validation and of the rate limit are added to it by
    `app/api/openapi.py`."""
    by_status: dict[int, list[ProblemKind]] = {}
    for kind in kinds:
        by_status.setdefault(kind.status, []).append(kind)
    return {status: ProblemResponses(found) for status, found in sorted(by_status.items())}


DependencyT = TypeVar("DependencyT", bound=Callable[..., Any])
# The problems each dependency can answer with (`answers`), read by `app/api/openapi.py`.
DEPENDENCY_PROBLEMS: dict[Callable[..., Any], tuple[ProblemKind, ...]] = {}


def answers(*kinds: ProblemKind) -> Callable[[DependencyT], DependencyT]:
    """Declare the problems a dependency can answer with: the OpenAPI document declares them on
    every operation that depends on it, however deeply."""

    def register(dependency: DependencyT) -> DependencyT:
        DEPENDENCY_PROBLEMS[dependency] = kinds
        return dependency

    return register
