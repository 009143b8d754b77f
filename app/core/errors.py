"""The domain's errors: every kind of problem the API can answer with, and the exceptions that
carry one. Free of HTTP frameworks: `app/api/problems.py` renders them as RFC 9457 problem details.

Every kind has a stable `code`; its `type` is `/problems/<code>`. Programme rules register their
kinds with `rule()` in their domain's module under `app/rules/`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field
from pydantic_core import PydanticCustomError

from app.core.i18n import Text, _, render

RULE_PREFIX = "rule:"


@dataclass(frozen=True)
class ProblemKind:
    code: str
    status: int
    title: Text
    """Marked for translation with `_()`, as is `description`: worded in each answer's language."""
    description: Text
    mode: "RuleMode | None" = None
    """For a programme rule: how it holds (`RuleMode`); None for other problems."""
    reads: tuple[str, ...] = ()
    """For a programme rule: the stored data it is judged on, as `table.column`."""
    constraints: tuple[str, ...] = ()
    """For a programme rule: the database constraints that state it too."""
    retry_after_s: int | None = None
    """For an outage: the seconds a client should wait before it retries (`Retry-After`)."""


# Every kind of problem the API can answer with; rules register theirs with `rule()`.
PROBLEM_KINDS: dict[str, ProblemKind] = {}
# The rule each database constraint states, by the constraint's name: a write that a service let
# through and the database refused answers with the rule's 422 (`app/api/problems.py`).
CONSTRAINT_RULES: dict[str, ProblemKind] = {}


def problem_kind(
    code: str, status: int, title: Text, description: Text, *, retry_after_s: int | None = None
) -> ProblemKind:
    kind = ProblemKind(code, status, title, description, retry_after_s=retry_after_s)
    PROBLEM_KINDS[code] = kind
    return kind


BAD_REQUEST = problem_kind(
    "bad-request", 400, _("Bad request"), _("The request could not be read.")
)
INVALID_CURSOR = problem_kind(
    "invalid-cursor", 400, _("Invalid cursor"), _("The `cursor` is not one this API handed out.")
)
NOT_FOUND = problem_kind("not-found", 404, _("Not found"), _("No such resource, or no such route."))
METHOD_NOT_ALLOWED = problem_kind(
    "method-not-allowed", 405, _("Method not allowed"), _("The route does not accept this method.")
)
CONFLICT = problem_kind(
    "conflict",
    409,
    _("Conflict"),
    _("The request conflicts with stored data (a duplicate, or a use)."),
)
PRECONDITION_FAILED = problem_kind(
    "precondition-failed",
    412,
    _("Precondition failed"),
    _(
        "The `If-Match` ETag is stale: someone changed the resource since you read it. "
        "Read it again, re-apply your change and send the new ETag."
    ),
)
PRECONDITION_REQUIRED = problem_kind(
    "precondition-required",
    428,
    _("Precondition required"),
    _(
        "Changes need the `If-Match` header with the ETag you read, so that two users cannot "
        "silently overwrite each other."
    ),
)
PAYLOAD_TOO_LARGE = problem_kind(
    "payload-too-large", 413, _("Payload too large"), _("The request body is over the size limit.")
)
VALIDATION_ERROR = problem_kind(
    "validation-error",
    422,
    _("Validation error"),
    _("One or more fields are invalid; `errors` points at each with a JSON pointer."),
)
INVALID_DATA = problem_kind(
    "invalid-data",
    422,
    _("Invalid data"),
    _("A value cannot be stored as sent (for example a character PostgreSQL does not accept)."),
)
INTERNAL_ERROR = problem_kind(
    "internal-error",
    500,
    _("Internal server error"),
    _("Something failed on our side; it is logged."),
)
NOT_CONFIGURED = problem_kind(
    "not-configured",
    503,
    _("Not configured"),
    _("This part of the service needs a setting its operator has not given yet (see the README)."),
)
DATABASE_UNAVAILABLE = problem_kind(
    "database-unavailable",
    503,
    _("Database unavailable"),
    _("The database did not answer in time; retry later."),
    retry_after_s=5,
)


class RuleMode(StrEnum):
    """How a rule holds. No rule is neither."""

    refuse = "refuse"
    """Every write that would break it answers 422 with the rule's code and stores nothing."""
    report = "report"
    """The programme allows a temporary gap (a politician leaves and is replaced later, a meeting
    is cancelled): the write is accepted, and the compliance views warn until it is mended."""


def rule(
    code: str,
    title: Text,
    description: Text,
    *,
    mode: RuleMode,
    reads: tuple[str, ...],
    constraints: tuple[str, ...] = (),
) -> ProblemKind:
    """Register a programme rule (docs/DOMAIN.md) with how it holds, the data it reads and the
    database constraints that state it too; it answers 422 when a write would break it (a
    `report` rule only where an action needs it)."""
    kind = ProblemKind(f"rule.{code}", 422, title, description, mode, reads, constraints)
    PROBLEM_KINDS[kind.code] = kind
    for name in constraints:
        CONSTRAINT_RULES[name] = kind
    return kind


class FieldError(BaseModel):
    pointer: str = Field(description="JSON pointer into the request body, or the parameter name")
    location: str = Field(description="body, query, path or header")
    message: str
    type: str = Field(description="Machine-readable error type")
    rule: str | None = Field(default=None, description="The programme rule broken, if one")


class ProblemError(Exception):
    """Raise to answer with a problem; `kind` fixes status, type and title."""

    def __init__(
        self,
        kind: ProblemKind,
        detail: Text | None = None,
        *,
        errors: list[FieldError] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail or kind.description)
        self.kind = kind
        self.detail = detail or kind.description
        self.errors = errors
        self.headers = headers
        self.extra = extra


class InvalidChanges(Exception):
    """A change (a merge patch applied to what is stored) whose result does not validate; the
    HTTP layer answers it as the request's validation error. `errors` are Pydantic's, located
    in the request body."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__("The changed resource does not validate.")
        self.errors = errors


class RuleViolation(ProblemError):
    """A programme rule (DOMAIN.md) is broken by stored data plus the request."""

    def __init__(self, kind: ProblemKind, detail: Text, *, pointer: str | None = None) -> None:
        errors = None
        if pointer is not None:
            message = render(detail)
            errors = [
                FieldError(
                    pointer=pointer,
                    location="body",
                    message=message,
                    type=kind.code,
                    rule=kind.code,
                )
            ]
        super().__init__(kind, detail, errors=errors)


UNAUTHORIZED = problem_kind(
    "unauthorized",
    401,
    _("Unauthorized"),
    _("This route needs credentials: `Authorization: Bearer <API key or access token>`."),
)
KEYS_UNAVAILABLE = problem_kind(
    "signing-keys-unavailable",
    503,
    _("Signing keys unavailable"),
    _(
        "The identity provider's signing keys could not be fetched, so no access token can be "
        "checked; retry later, or use an API key."
    ),
    retry_after_s=30,
)
FORBIDDEN = problem_kind("forbidden", 403, _("Forbidden"), _("Your role may not do this."))

CHALLENGE = {"WWW-Authenticate": 'Bearer realm="partnership-api"'}


def unauthorized(detail: Text) -> ProblemError:
    return ProblemError(UNAUTHORIZED, detail, headers=CHALLENGE)


def rule_error(kind: ProblemKind, message: Text, *, field: str) -> PydanticCustomError:
    """A validation error that names a rule and the field it is about; the problem handler turns
    it into the rule's 422 with a pointer at `field`. Worded in the language of the request
    being validated."""
    return PydanticCustomError(
        RULE_PREFIX + kind.code.removeprefix("rule."), render(message), {"field": field}
    )


@contextmanager
def as_field_error(field: str) -> Iterator[None]:
    """Inside a schema validator: a rule's check that fails becomes the validation error of
    `field`, so that one check serves the payload and the stored data alike."""
    try:
        yield
    except RuleViolation as exc:
        raise rule_error(exc.kind, exc.detail, field=field) from None
