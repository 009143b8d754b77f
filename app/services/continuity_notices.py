"""`partnership.continuity_at_risk` (docs/continuity.md, docs/events.md): a partnership whose
steering group is at risk at an election is told to other systems once, when the election enters
the window.

What is at risk is the funding alerts' and the continuity view's own judgement
(`continuity_at_risk`). The job queue runs `announce_continuity_at_risk` every hour; a notice row
per (partnership, election), its primary key, makes sure each is announced once, whatever the
number of runs or of workers running it at once."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import system_principal
from app.models.elections import ContinuityNotice
from app.models.events import Event
from app.rules.continuity import WINDOW_DAYS
from app.schemas.event_types import BY_NAME
from app.services.continuity import continuity_at_risk

CONTINUITY_AT_RISK = BY_NAME["partnership.continuity_at_risk"]
ANNOUNCER = system_principal("continuity-at-risk")

_NOTICES: sa.Table = ContinuityNotice.__table__  # type: ignore[attr-defined]
_EVENTS: sa.Table = Event.__table__  # type: ignore[attr-defined]


async def announce_continuity_at_risk(session: AsyncSession, on: date) -> int:
    """A `partnership.continuity_at_risk` event for each (partnership, election) at risk in the
    window on `on` that was never announced; how many. Written past the ORM (a notice is
    bookkeeping, not a change to audit); the fan-out takes the events at commit like any other.
    The caller commits."""
    at_risk = await continuity_at_risk(session, on, WINDOW_DAYS)
    if not at_risk:
        return 0
    conn = await session.connection()
    announced = {
        (partnership_id, election_id)
        for partnership_id, election_id in await conn.execute(
            sa.select(_NOTICES.c.partnership_id, _NOTICES.c.election_id).where(
                _NOTICES.c.partnership_id.in_({a.partnership_id for a in at_risk})
            )
        )
    }
    fresh = [a for a in at_risk if (a.partnership_id, a.election_id) not in announced]
    if not fresh:
        return 0
    # Two runs at once both find one fresh: the primary key lets one insert its notice; the
    # other waits for that one's commit, inserts nothing, and so writes no event.
    claimed = await conn.execute(
        insert(_NOTICES)
        .values([{"partnership_id": a.partnership_id, "election_id": a.election_id} for a in fresh])
        .on_conflict_do_nothing()
        .returning(_NOTICES.c.partnership_id, _NOTICES.c.election_id)
    )
    won = {(partnership_id, election_id) for partnership_id, election_id in claimed}
    now = datetime.now(UTC)
    events = [
        Event(
            type=CONTINUITY_AT_RISK.name,
            occurred_at=now,
            object_type=CONTINUITY_AT_RISK.object_type,
            object_id=a.partnership_id,
            object_url=CONTINUITY_AT_RISK.url(a),
            actor_type=ANNOUNCER.kind,
            actor_id=ANNOUNCER.id,
            payload=a.model_dump(mode="json"),
            partnership_id=a.partnership_id,
        ).model_dump()
        for a in fresh
        if (a.partnership_id, a.election_id) in won
    ]
    if events:
        await conn.execute(sa.insert(_EVENTS), events)
    return len(events)
