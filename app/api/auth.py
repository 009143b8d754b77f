"""Who is calling: the principal behind `Authorization: Bearer ...`, and the role checks.

Authentication (API keys, OpenID Connect tokens) lives here; what a principal may see and change
lives in `app/core/scopes.py`. Every non-public route depends on one of the aliases below.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from app.api.deps import SessionDep
from app.api.oidc import InvalidToken, SigningKeysUnavailable
from app.api.problems import answers
from app.api.ratelimit import TOKEN_ACCEPTED
from app.core.errors import FORBIDDEN, KEYS_UNAVAILABLE, UNAUTHORIZED, ProblemError, unauthorized
from app.core.principal import ANONYMOUS, Principal
from app.models.enums import Role
from app.services.access import api_keys, users

# Declares the scheme in the OpenAPI document (generated clients and /docs' Authorize button);
# the header itself is read below, so that a malformed one answers 401, not anonymous.
_bearer = HTTPBearer(auto_error=False, description="An API key (pk_...) or an access token.")


@answers(UNAUTHORIZED, KEYS_UNAVAILABLE)
async def get_principal(
    request: Request,
    session: SessionDep,
    _declared: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)] = None,
) -> Principal:
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
                raise ProblemError(KEYS_UNAVAILABLE) from exc
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
    """A dependency admitting authenticated principals with one of `roles` (any role if none).
    Its 403 also stands for the services' own refusals of a role or scope (an object moved into
    an organisation outside the caller's scope)."""

    @answers(UNAUTHORIZED, FORBIDDEN)
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
