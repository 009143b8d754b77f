"""Calendar subscriptions (docs/calendars.md): a secret URL per feed, for calendar apps, which
cannot send a bearer token. A caller who may read a feed may subscribe to it; a subscription is
seen and revoked by whoever made it, and by admins; its feed is served with the rights its owner
has at each fetch, so a revoked key, a user gone or an organisation left closes it at once."""

import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import NOT_FOUND, ProblemError
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.models.calendars import CalendarSubscription
from app.models.enums import CalendarFeed, Role
from app.models.organisations import Organisation
from app.schemas.calendars import CalendarSubscriptionCreate
from app.services.access.api_keys import secret_hash
from app.services.access.owners import current_principal
from app.services.common import get_one
from app.services.partnerships.partnerships import get_partnership

TOKEN_PREFIX = "cal_"
# Calendar apps poll; writing the last use on every fetch would turn each into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def no_such_feed() -> ProblemError:
    """The one answer for every token that serves nothing (unknown, revoked, its owner gone or
    no longer allowed): nothing tells them apart."""
    return ProblemError(NOT_FOUND, _("No calendar feed at this address."))


async def readable_organisation(
    session: AsyncSession, principal: Principal, organisation_id: UUID
) -> Organisation:
    """An organisation whose calendar the principal may read: one of its scope. Another
    organisation's calendar is not found, as everything out of scope."""
    organisation = (
        await session.get(Organisation, organisation_id)
        if principal.in_scope(organisation_id)
        else None
    )
    if organisation is None:
        raise ProblemError(
            NOT_FOUND, _("No organisation {organisation_id}.", organisation_id=organisation_id)
        )
    return organisation


def _visible(principal: Principal, stmt: Any) -> Any:
    if principal.role is Role.admin:
        return stmt
    return stmt.where(
        CalendarSubscription.owner_type == principal.kind,
        CalendarSubscription.owner_id == principal.id,
    )


SORTING = Sorting(
    "calendar_subscriptions",
    {
        "created_at": col(CalendarSubscription.created_at),
        "updated_at": col(CalendarSubscription.updated_at),
    },
    default=("created_at",),
    unique=col(CalendarSubscription.id),
    updated=col(CalendarSubscription.updated_at),
)


async def list_subscriptions(
    session: AsyncSession, principal: Principal, page: PageParams
) -> tuple[list[CalendarSubscription], Links]:
    return await sorted_page(
        session, _visible(principal, select(CalendarSubscription)), SORTING, page
    )


async def get_subscription(
    session: AsyncSession, principal: Principal, subscription_id: UUID, *, for_update: bool = False
) -> CalendarSubscription:
    stmt = _visible(
        principal, select(CalendarSubscription).where(CalendarSubscription.id == subscription_id)
    )
    found: CalendarSubscription = await get_one(
        session,
        stmt,
        _("No calendar subscription {subscription_id}.", subscription_id=subscription_id),
        for_update=for_update,
    )
    return found


async def create_subscription(
    session: AsyncSession, principal: Principal, data: CalendarSubscriptionCreate
) -> tuple[CalendarSubscription, str]:
    """A subscription to a feed the principal may read (else 404, as the feed itself answers);
    the token is returned here once and never stored."""
    if data.feed is CalendarFeed.partnership:
        await get_partnership(session, principal, data.object_id)
    else:
        await readable_organisation(session, principal, data.object_id)
    prefix = secrets.token_hex(6)  # 48 bits: a collision is not a practical concern
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    subscription = CalendarSubscription(
        feed=data.feed,
        partnership_id=data.partnership_id,
        organisation_id=data.organisation_id,
        prefix=prefix,
        secret_hash=secret_hash(token),
        owner_type=principal.kind,
        owner_id=principal.id,
    )
    session.add(subscription)
    await session.flush()
    await session.refresh(subscription)
    return subscription, token


async def delete_subscription(
    session: AsyncSession, principal: Principal, subscription_id: UUID
) -> None:
    subscription = await get_subscription(session, principal, subscription_id, for_update=True)
    await session.delete(subscription)
    await session.flush()


async def open_subscription(
    session: AsyncSession, token: str
) -> tuple[CalendarSubscription, Principal]:
    """The subscription a token names, and its owner as a principal with its rights of now;
    `no_such_feed` alike for a token that is unknown or revoked, and for an owner who can do
    nothing any more. Records the use, at most once a minute."""
    prefix = token.removeprefix(TOKEN_PREFIX).partition("_")[0]
    subscription = (
        await session.scalar(
            select(CalendarSubscription).where(CalendarSubscription.prefix == prefix)
        )
        if token.startswith(TOKEN_PREFIX)
        else None
    )
    if subscription is None or not hmac.compare_digest(
        subscription.secret_hash, secret_hash(token)
    ):
        raise no_such_feed()
    owner = await current_principal(session, subscription.owner_type, subscription.owner_id)
    if owner is None:
        raise no_such_feed()
    now = datetime.now(UTC)
    if subscription.last_used_at is None or now - subscription.last_used_at > LAST_USED_RESOLUTION:
        subscription.last_used_at = now  # flushed at the commit, unless the feed fails
    return subscription, owner
