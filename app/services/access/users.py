"""Users signed in through OpenID Connect: their role and organisations come from the token's
claims, and the local row keeps the latest of them for the audit trail and the admins."""

from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from uuid import UUID

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import NOT_FOUND, ProblemError, RuleViolation, unauthorized
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal, TokenClaims
from app.models.access import User
from app.models.enums import Role
from app.rules.access import check_scoped_role
from app.services.access.principals import PrincipalCache, seen_recently

LAST_SEEN_RESOLUTION = timedelta(minutes=1)


def _role_and_scope(claims: TokenClaims) -> tuple[Role, list[UUID]]:
    try:
        role = Role(claims.role or "")
    except ValueError as exc:
        raise unauthorized(_("The access token carries no known role.")) from exc
    try:
        organisations = [UUID(o) for o in claims.organisation_ids]
    except ValueError as exc:
        raise unauthorized(_("The access token's organisations are not ids.")) from exc
    try:
        check_scoped_role(role, organisations, "/organisation_ids")
    except RuleViolation as exc:  # the token's claims, not the request, are wrong
        raise unauthorized(
            _("A {role} token must name its organisations.", role=role.value)
        ) from exc
    return role, organisations


class _KeptUser(NamedTuple):
    """A user's row as the cache keeps it."""

    id: UUID
    name: str | None
    email: str | None
    role: Role
    organisation_ids: tuple[UUID, ...]
    last_seen_at: datetime | None


async def sign_in(
    session: AsyncSession, claims: TokenClaims, cache: PrincipalCache | None = None
) -> Principal:
    """The token's principal. Its user row is read, and written when the claims changed or it
    was last seen more than a minute ago; with `cache`, a user seen within the minute with the
    same claims costs no round trip."""
    role, organisations = _role_and_scope(claims)
    credential = f"subject:{claims.subject}"
    now = datetime.now(UTC)
    kept = cache.get(credential) if cache is not None else None
    if (
        kept is not None
        and (kept.name, kept.email, kept.role, kept.organisation_ids)
        == (claims.name, claims.email, role, tuple(organisations))
        and seen_recently(kept.last_seen_at, now, LAST_SEEN_RESOLUTION.total_seconds())
    ):
        return _principal(kept.id, claims, role, organisations)
    generation = cache.generation if cache is not None else 0
    user = await session.scalar(select(User).where(User.subject == claims.subject))
    first_visit = user is None
    if user is None:
        user = await _first_visit(session, claims, role, organisations)
    principal = _principal(user.id, claims, role, organisations)
    session.info["principal"] = principal  # a change of the claims is recorded as the user's
    _refresh(user, claims, role, organisations)
    # Kept only as the database holds it already: what this request writes is not stored until
    # it commits (a refused request rolls back a first visit), and the next request keeps it.
    wrote = first_visit or session.is_modified(user)
    await session.flush()
    if cache is not None and not wrote:
        row = _KeptUser(
            user.id, claims.name, claims.email, role, tuple(organisations), user.last_seen_at
        )
        cache.put(credential, f"user:{user.id}", row, generation)
    return principal


def _principal(
    user_id: UUID, claims: TokenClaims, role: Role, organisations: list[UUID]
) -> Principal:
    return Principal(
        kind="user",
        id=str(user_id),
        name=claims.name,
        role=role,
        organisation_ids=frozenset(organisations),
    )


def principal_of(user: User) -> Principal:
    """The principal a stored user is, with the role and organisations of its last token."""
    return Principal(
        kind="user",
        id=str(user.id),
        name=user.name,
        role=Role(user.role),
        organisation_ids=frozenset(user.organisation_ids),
    )


def _refresh(user: User, claims: TokenClaims, role: Role, organisations: list[UUID]) -> None:
    latest = {
        "name": claims.name,
        "email": claims.email,
        "role": role,
        "organisation_ids": organisations,
    }
    for field, value in latest.items():
        if getattr(user, field) != value:
            setattr(user, field, value)
    now = datetime.now(UTC)
    if not seen_recently(user.last_seen_at, now, LAST_SEEN_RESOLUTION.total_seconds()):
        user.last_seen_at = now


async def _first_visit(
    session: AsyncSession, claims: TokenClaims, role: Role, organisations: list[UUID]
) -> User:
    """Create the user, with the user as the actor; a concurrent first request may win the race,
    and then its row is used."""
    user = User(subject=claims.subject, role=role)
    session.info["principal"] = _principal(user.id, claims, role, organisations)
    _refresh(user, claims, role, organisations)
    try:
        async with session.begin_nested():
            session.add(user)
    except IntegrityError:
        user = (await session.scalars(select(User).where(User.subject == claims.subject))).one()
    return user


SORTING = Sorting(
    "users",
    {
        "subject": col(User.subject),
        "created_at": col(User.created_at),
        "updated_at": col(User.updated_at),
    },
    default=("subject",),
    unique=col(User.id),
    updated=col(User.updated_at),
)


async def list_users(session: AsyncSession, page: PageParams) -> tuple[list[User], Links]:
    return await sorted_page(session, select(User), SORTING, page)


async def get_user(session: AsyncSession, user_id: UUID) -> User:
    user = await session.get(User, user_id)
    if user is None:
        raise ProblemError(NOT_FOUND, _("No user {user_id}.", user_id=user_id))
    return user
