"""Who is calling: the principal behind `Authorization: Bearer ...`, and the role checks.

Authentication (API keys, OpenID Connect tokens) lives here; what a principal may see and change
lives in `app/policies.py`. Every non-public route depends on one of the aliases below.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import SessionDep
from app.api.oidc import InvalidToken, SigningKeysUnavailable
from app.api.problems import ProblemError, problem_kind
from app.api.ratelimit import TOKEN_ACCEPTED
from app.models.enums import SCOPED_ROLES, Role

UNAUTHORIZED = problem_kind(
    "unauthorized",
    401,
    "Unauthorized",
    "This route needs credentials: `Authorization: Bearer <API key or access token>`.",
)
KEYS_UNAVAILABLE = problem_kind(
    "signing-keys-unavailable",
    503,
    "Signing keys unavailable",
    "The identity provider's signing keys could not be fetched, so no access token can be "
    "checked; retry later, or use an API key.",
)
FORBIDDEN = problem_kind("forbidden", 403, "Forbidden", "Your role may not do this.")

_CHALLENGE = {"WWW-Authenticate": 'Bearer realm="partnership-api"'}


@dataclass(frozen=True)
class Principal:
    kind: Literal["anonymous", "user", "api_key", "system"]
    id: str
    name: str | None = None
    role: Role | None = None
    organisation_ids: frozenset[UUID] = field(default_factory=frozenset)

    @property
    def authenticated(self) -> bool:
        return self.role is not None

    @property
    def sees_everything(self) -> bool:
        """ICLD staff read every organisation's data; coordinators and viewers only their own."""
        return self.role is not None and self.role not in SCOPED_ROLES

    def in_scope(self, organisation_id: UUID) -> bool:
        return self.sees_everything or organisation_id in self.organisation_ids


ANONYMOUS = Principal(kind="anonymous", id="anonymous")


def system_principal(name: str) -> Principal:
    """The actor of writes made by the command line (demo data, the first API key)."""
    return Principal(kind="system", id=f"system:{name}", name=name, role=Role.admin)


def unauthorized(detail: str) -> ProblemError:
    return ProblemError(UNAUTHORIZED, detail, headers=_CHALLENGE)


# Declares the scheme in the OpenAPI document (generated clients and /docs' Authorize button);
# the header itself is read below, so that a malformed one answers 401, not anonymous.
_bearer = HTTPBearer(auto_error=False, description="An API key (pk_...) or an access token.")


async def get_principal(
    request: Request,
    session: SessionDep,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Principal:
    from app.services import api_keys, users  # the services import this module's Principal

    header = request.headers.get("authorization")
    if not header:
        principal = ANONYMOUS
    else:
        scheme, _, token = header.partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise unauthorized("Use `Authorization: Bearer <token>`.")
        if token.startswith(api_keys.TOKEN_PREFIX):
            principal = await api_keys.authenticate(session, token)
        else:
            try:
                claims = await request.app.state.oidc.verify(token)
            except SigningKeysUnavailable as exc:
                raise ProblemError(
                    KEYS_UNAVAILABLE, KEYS_UNAVAILABLE.description, headers={"Retry-After": "30"}
                ) from exc
            except InvalidToken as exc:
                raise unauthorized(f"The access token was refused: {exc}.") from exc
            principal = await users.sign_in(session, claims)
    session.info["principal"] = principal  # the audit trail's actor for this request's writes
    if principal.authenticated:
        request.scope[TOKEN_ACCEPTED] = True  # counted as this client's own by the rate limit
    return principal


# For routes anyone may read: credentials are optional, and checked when sent.
OPTIONAL_AUTH: dict[str, Any] = {"security": [{}, {"HTTPBearer": []}]}


def require(*roles: Role) -> Callable[..., Awaitable[Principal]]:
    """A dependency admitting authenticated principals with one of `roles` (any role if none)."""

    async def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.authenticated:
            raise unauthorized(UNAUTHORIZED.description)
        if roles and principal.role not in roles:
            raise ProblemError(FORBIDDEN, f"The role {principal.role} may not do this.")
        return principal

    return check


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]
Authenticated = Annotated[Principal, Depends(require())]
Writer = Annotated[
    Principal, Depends(require(Role.admin, Role.programme_officer, Role.coordinator))
]
Staff = Annotated[Principal, Depends(require(Role.admin, Role.programme_officer))]
Admin = Annotated[Principal, Depends(require(Role.admin))]
