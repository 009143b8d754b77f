"""`report.overdue` (docs/events.md): a report due and not filed is told to other systems once.

What is overdue is the alerts' and the compliance view's own judgement (`overdue_reports`, the
rule `report-due`). The job queue runs `announce_overdue_reports` every hour; a notice row per
report (grant, kind, year), its primary key, makes sure each is announced once, whatever the
number of runs or of workers running it at once."""

from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import system_principal
from app.models.events import Event, ReportOverdueNotice
from app.schemas.event_types import BY_NAME
from app.services.funding.figures import overdue_reports

REPORT_OVERDUE = BY_NAME["report.overdue"]
ANNOUNCER = system_principal("report-overdue")

_NOTICES: sa.Table = ReportOverdueNotice.__table__  # type: ignore[attr-defined]
_EVENTS: sa.Table = Event.__table__  # type: ignore[attr-defined]


async def announce_overdue_reports(session: AsyncSession, on: date) -> int:
    """A `report.overdue` event for each report overdue on `on` that was never announced; how
    many. Written past the ORM (a notice is bookkeeping, not a change to audit); the fan-out
    takes the events at commit like any other. The caller commits."""
    overdue = await overdue_reports(session, on)
    if not overdue:
        return 0
    conn = await session.connection()
    announced = {
        (grant_id, kind, year)
        for grant_id, kind, year in await conn.execute(
            sa.select(_NOTICES.c.grant_id, _NOTICES.c.kind, _NOTICES.c.year).where(
                _NOTICES.c.grant_id.in_({r.grant_id for r in overdue})
            )
        )
    }
    fresh = [r for r in overdue if (r.grant_id, r.kind, r.year) not in announced]
    if not fresh:
        return 0
    # Two runs at once both find a report fresh: the primary key lets one insert its notice;
    # the other waits for that one's commit, inserts nothing, and so writes no event.
    claimed = await conn.execute(
        insert(_NOTICES)
        .values([r.model_dump(include={"grant_id", "kind", "year", "due_on"}) for r in fresh])
        .on_conflict_do_nothing()
        .returning(_NOTICES.c.grant_id, _NOTICES.c.kind, _NOTICES.c.year)
    )
    won = {(grant_id, kind, year) for grant_id, kind, year in claimed}
    now = datetime.now(UTC)
    events = [
        Event(
            type=REPORT_OVERDUE.name,
            occurred_at=now,
            object_type=REPORT_OVERDUE.object_type,
            object_id=r.grant_id,
            object_url=REPORT_OVERDUE.url(r),
            actor_type=ANNOUNCER.kind,
            actor_id=ANNOUNCER.id,
            payload=r.model_dump(mode="json"),
            partnership_id=r.partnership_id,
        ).model_dump()
        for r in fresh
        if (r.grant_id, r.kind, r.year) in won
    ]
    if events:
        await conn.execute(sa.insert(_EVENTS), events)
    return len(events)
