"""Who is calling: the principal behind `Authorization: Bearer ...`, and the role checks.

Authentication (API keys, OpenID Connect tokens) lives here; what a principal may see and change
lives in `app/core/scopes.py`. Every non-public route depends on one of the role aliases below,
every public one on `PublicCaller`.
"""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from app.api.deps import SessionDep
from app.api.oidc import InvalidToken, SigningKeysUnavailable
from app.api.problems import answers
from app.api.ratelimit import COUNT_AS_ANONYMOUS, TOKEN_ACCEPTED
from app.core.errors import FORBIDDEN, KEYS_UNAVAILABLE, UNAUTHORIZED, ProblemError, unauthorized
from app.core.i18n import _
from app.core.principal import ANONYMOUS, Principal
from app.models.enums import Role
from app.services.access import api_keys, users

# The scheme of the OpenAPI document (generated clients and /docs' Authorize button), declared
# there for every route depending on `get_principal` or `get_public_caller` (app/api/openapi.py):
# not as a dependency, which FastAPI would run on every request for nothing. The header itself is
# read below, so that a malformed one is refused, not taken as anonymous.
BEARER = HTTPBearer(auto_error=False, description="An API key (pk_...) or an access token.")


async def _authenticate(request: Request, session: SessionDep) -> Principal:
    """The principal of the request's credentials (anonymous without any); a ProblemError (401,
    or 503 while the signing keys cannot be fetched) when they are refused."""
    header = request.headers.get("authorization")
    if not header:
        return ANONYMOUS
    scheme, _space, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise unauthorized(_("Use `Authorization: Bearer <token>`."))
    cache = getattr(request.app.state, "principals", None)  # app/services/access/principals.py
    if token.startswith(api_keys.TOKEN_PREFIX):
        return await api_keys.authenticate(session, token, cache)
    try:
        claims = await request.app.state.oidc.verify(token)
    except SigningKeysUnavailable as exc:
        raise ProblemError(KEYS_UNAVAILABLE) from exc  # with its Retry-After
    except InvalidToken as exc:
        raise unauthorized(_("The access token was refused: {exc}.", exc=exc)) from exc
    return await users.sign_in(session, claims, cache)


def _acting(request: Request, session: SessionDep, principal: Principal) -> Principal:
    session.info["principal"] = principal  # the audit trail's actor for this request's writes
    if principal.authenticated:
        request.scope[TOKEN_ACCEPTED] = True  # counted as this client's own by the rate limit
    return principal


@answers(UNAUTHORIZED, KEYS_UNAVAILABLE)
async def get_principal(request: Request, session: SessionDep) -> Principal:
    """The caller; credentials that are sent must be accepted (401 otherwise)."""
    return _acting(request, session, await _authenticate(request, session))


async def get_public_caller(request: Request, session: SessionDep) -> Principal:
    """The caller of a public route: what it answers is the same for everyone, so credentials
    that cannot be accepted (unknown, revoked, expired, malformed, or not checkable while the
    signing keys are unavailable) are ignored, and the request is answered and rate-limited as
    an anonymous one (docs/access-control.md); accepted ones still count as the token's own."""
    try:
        principal = await _authenticate(request, session)
    except ProblemError as exc:
        if exc.kind not in (UNAUTHORIZED, KEYS_UNAVAILABLE):
            raise
        principal = ANONYMOUS
        count_as_anonymous = request.scope.get(COUNT_AS_ANONYMOUS)
        if count_as_anonymous is not None:  # a bearer token went past the rate limit unread
            await count_as_anonymous()
    return _acting(request, session, principal)


# For routes anyone may read: credentials are optional, and ignored when refused.
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
            raise ProblemError(
                FORBIDDEN, _("The role {role} may not do this.", role=principal.role)
            )
        return principal

    return check


PublicCaller = Annotated[Principal, Depends(get_public_caller)]
Authenticated = Annotated[Principal, Depends(require())]
Writer = Annotated[
    Principal, Depends(require(Role.admin, Role.programme_officer, Role.coordinator))
]
Staff = Annotated[Principal, Depends(require(Role.admin, Role.programme_officer))]
Admin = Annotated[Principal, Depends(require(Role.admin))]
