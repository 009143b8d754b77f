"""API keys for integrations: made by admins, shown once, stored as a hash, revocable."""

import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any, NamedTuple
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import CONFLICT, ProblemError, unauthorized
from app.core.i18n import Text, _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.models.access import ApiKey
from app.models.enums import Role
from app.rules.access import check_scoped_role
from app.schemas.access import ApiKeyCreate
from app.services.access.audit import label_next_flush
from app.services.access.principals import PrincipalCache, seen_recently
from app.services.common import get_one
from app.services.organisations import check_organisations

TOKEN_PREFIX = "pk_"
# Writing the last use on every request would turn each read into a write; a minute is enough.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def secret_hash(token: str) -> str:
    """What is stored of a secret token: its SHA-256 (the token is random, so no salt or slow
    hash is needed)."""
    return hashlib.sha256(token.encode()).hexdigest()


def refusal(revoked_at: datetime | None, expires_at: datetime | None, now: datetime) -> Text | None:
    """Why a key no longer works (revoked, expired), or None while it does."""
    if revoked_at is not None:
        return _("This API key has been revoked.")
    if expires_at is not None and expires_at <= now:
        return _("This API key has expired.")
    return None


async def check_scope(
    session: AsyncSession, role: Role, organisation_ids: list[UUID], pointer: str
) -> None:
    """A scoped role needs organisations, and they must exist."""
    check_scoped_role(role, organisation_ids, pointer)
    await check_organisations(session, [(pointer, o) for o in organisation_ids])


async def create_api_key(
    session: AsyncSession, principal: Principal, data: ApiKeyCreate
) -> tuple[ApiKey, str]:
    """Make a key; the token is returned here once and never stored."""
    await check_scope(session, data.role, data.organisation_ids, "/organisation_ids")
    prefix = secrets.token_hex(6)  # 48 bits: a collision is not a practical concern
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey(
        name=data.name,
        prefix=prefix,
        secret_hash=secret_hash(token),
        role=data.role,
        organisation_ids=list(dict.fromkeys(data.organisation_ids)),
        created_by=principal.name or principal.id,
        expires_at=data.expires_at,
    )
    session.add(key)
    await session.flush()
    await session.refresh(key)
    return key, token


_KEYS: sa.Table = ApiKey.__table__  # type: ignore[attr-defined]
# Every request signed in with an API key runs this: built once, and read as a row.
_BY_PREFIX = sa.select(
    _KEYS.c.id,
    _KEYS.c.name,
    _KEYS.c.role,
    _KEYS.c.organisation_ids,
    _KEYS.c.secret_hash,
    _KEYS.c.revoked_at,
    _KEYS.c.expires_at,
    _KEYS.c.last_used_at,
).where(_KEYS.c.prefix == sa.bindparam("prefix"))


class _KeptKey(NamedTuple):
    """A key's row as the cache keeps it, with the last use as written."""

    id: UUID
    name: str
    role: str
    organisation_ids: list[UUID]
    secret_hash: str
    revoked_at: datetime | None
    expires_at: datetime | None
    last_used_at: datetime | None


async def authenticate(
    session: AsyncSession, token: str, cache: PrincipalCache | None = None
) -> Principal:
    """The key's principal; from `cache` when it holds the key (no round trip) and its last use
    was written within the minute, else from the database (and then kept in `cache`, unless this
    request writes its last use: what may yet be rolled back is not kept)."""
    hashed = secret_hash(token)
    now = datetime.now(UTC)
    if cache is not None and (key := cache.get(hashed)) is not None:
        if refused := refusal(key.revoked_at, key.expires_at, now):
            raise unauthorized(refused)
        if seen_recently(key.last_used_at, now, LAST_USED_RESOLUTION.total_seconds()):
            return principal_of(key)
    generation = cache.generation if cache is not None else 0
    prefix = token[len(TOKEN_PREFIX) :].split("_", 1)[0]
    key = (await session.execute(_BY_PREFIX, {"prefix": prefix})).first()
    if key is None or not hmac.compare_digest(key.secret_hash, hashed):
        raise unauthorized(_("Unknown API key."))
    if refused := refusal(key.revoked_at, key.expires_at, now):
        raise unauthorized(refused)
    last_used_at = key.last_used_at
    if not seen_recently(last_used_at, now, LAST_USED_RESOLUTION.total_seconds()):
        # Once a minute at most: then the key is loaded as an ORM object, as every write is.
        stored = await session.get(ApiKey, key.id)
        if stored is None:  # deleted since the read above
            raise unauthorized(_("Unknown API key."))
        stored.last_used_at = last_used_at = now
    elif cache is not None:  # kept only as committed: a write here may yet be rolled back
        kept = _KeptKey(**{**key._asdict(), "last_used_at": last_used_at})
        cache.put(hashed, f"api_key:{key.id}", kept, generation)
    return principal_of(key)


def principal_of(key: Any) -> Principal:
    """The principal a key (a row or an `ApiKey`) acts as."""
    return Principal(
        kind="api_key",
        id=str(key.id),
        name=key.name,
        role=Role(key.role),
        organisation_ids=frozenset(key.organisation_ids),
    )


SORTING = Sorting(
    "api_keys",
    {
        "created_at": col(ApiKey.created_at),
        "name": col(ApiKey.name),
        "updated_at": col(ApiKey.updated_at),
    },
    default=("created_at",),
    unique=col(ApiKey.id),
    updated=col(ApiKey.updated_at),
)


async def list_api_keys(session: AsyncSession, page: PageParams) -> tuple[list[ApiKey], Links]:
    return await sorted_page(session, select(ApiKey), SORTING, page)


async def get_api_key(session: AsyncSession, key_id: UUID, *, for_update: bool = False) -> ApiKey:
    stmt = select(ApiKey).where(ApiKey.id == key_id)
    key: ApiKey = await get_one(
        session, stmt, _("No API key {key_id}.", key_id=key_id), for_update=for_update
    )
    return key


async def revoke_api_key(session: AsyncSession, key_id: UUID) -> ApiKey:
    key = await get_api_key(session, key_id, for_update=True)
    if key.revoked_at is not None:
        raise ProblemError(CONFLICT, _("This API key is already revoked."))
    key.revoked_at = datetime.now(UTC)
    label_next_flush(session, "revoke")
    await session.flush()
    return key
