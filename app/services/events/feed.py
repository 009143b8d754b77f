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
    the cursor where it ends (to pull later from)."""
    readers = sa.func.webhook_readers(col(Event.partnership_id), col(Event.organisation_id))
    stmt = select(Event).where(
        col(Event.position).is_not(None),
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
    ends = encode_cursor(SORT, (found[-1].position,)) if found else page.cursor
    return found, next_cursor, ends
