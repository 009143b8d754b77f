"""Pulling events (docs/events.md, "Pulling events"): the events webhooks deliver, in the order
they committed, each shown only to a caller who could subscribe to it.

Scoping is the webhook fan-out's own, its SQL functions of migration 0018: an event is listed
when `webhook_owner_reads` says the caller (as a subscription's owner) may read the object now,
among the organisations `webhook_readers` names for it."""

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.paging import PageParams, encode_cursor, paginate
from app.core.principal import Principal
from app.models.events import Event

SORT = "position"


async def list_events(
    session: AsyncSession, principal: Principal, types: Sequence[str], page: PageParams
) -> tuple[list[Event], str | None, str | None]:
    """One page of the events after `page.cursor`, its next cursor (null on the last page) and
    the cursor where it ends (to pull later from).

    The last position committed is read first, and the page stops there: positions become
    visible in increasing order (migration 0022), so every event up to it is visible by then,
    and a last page can end at it, past the events the caller may not see, which its next pull
    then need not walk again."""
    horizon = await session.scalar(sa.select(sa.func.max(col(Event.position))))
    readers = sa.func.webhook_readers(col(Event.partnership_id), col(Event.organisation_id))
    stmt = select(Event).where(
        col(Event.position) <= sa.literal(horizon, sa.BigInteger()),
        col(Event.type) != "ping",  # a subscription's own test, not a change
        sa.func.webhook_owner_reads(principal.kind, principal.id, readers),
    )
    if types:
        stmt = stmt.where(col(Event.type).in_(types))
    found: list[Event]
    found, next_cursor = await paginate(
        session,
        stmt,
        order=[col(Event.position)],
        key=lambda e: (e.position,),
        params=page,
        sort_name=SORT,
    )
    if next_cursor is not None or horizon is None:
        return found, next_cursor, next_cursor or page.cursor
    return found, None, encode_cursor(SORT, (horizon,))
