"""iCalendar (RFC 5545) feeds of meetings and visits, built with the icalendar library."""

from datetime import UTC, datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from icalendar import Calendar, Event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.api.auth import Principal
from app.api.problems import NOT_FOUND, ProblemError
from app.models.enums import MeetingStatus
from app.models.partnerships import Meeting, Partnership, PartnershipPartner
from app.policies import scope_partnerships
from app.services.partnerships import get_partnership

PRODID = "-//ICLD//Partnership API//EN"
_STATUS = {
    MeetingStatus.planned: "CONFIRMED",
    MeetingStatus.held: "CONFIRMED",
    MeetingStatus.cancelled: "CANCELLED",
}


def _calendar(name: str, rows: list[tuple[Meeting, str]]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    for meeting, title in rows:
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@partnership-api")
        # The last change, so that an unchanged feed is byte for byte the same (and its ETag).
        event.add("dtstamp", meeting.updated_at or datetime.now(UTC))
        event.add("dtstart", meeting.start_date)
        event.add("dtend", meeting.end_date + timedelta(days=1))  # DTEND of a date is exclusive
        event.add("summary", f"{title}: {meeting.kind.replace('_', ' ')}")
        event.add("location", meeting.place)
        event.add("status", _STATUS[MeetingStatus(meeting.status)])
        event.add("sequence", meeting.version)
        if meeting.outcome:
            event.add("description", meeting.outcome)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


async def partnership_calendar(
    session: AsyncSession, principal: Principal, partnership_id: UUID
) -> bytes:
    partnership = await get_partnership(session, principal, partnership_id)
    meetings = await session.scalars(
        select(Meeting)
        .where(Meeting.partnership_id == partnership.id)
        .order_by(col(Meeting.start_date), col(Meeting.id))
    )
    return _calendar(partnership.title, [(m, partnership.title) for m in meetings])


async def organisation_calendar(
    session: AsyncSession, principal: Principal, organisation_id: UUID
) -> bytes:
    """The meetings of every partnership the organisation is a party of (that the caller may
    read): what it hosts and what it attends."""
    if not principal.in_scope(organisation_id):
        # Another organisation's calendar is its own object: not found, as everything out of scope.
        raise ProblemError(NOT_FOUND, f"No organisation {organisation_id}.")
    is_party = sa.or_(
        col(Partnership.swedish_party_id) == organisation_id,
        col(Partnership.third_party_id) == organisation_id,
        sa.exists().where(
            col(PartnershipPartner.partnership_id) == col(Partnership.id),
            col(PartnershipPartner.organisation_id) == organisation_id,
        ),
    )
    stmt = scope_partnerships(
        principal,
        select(Meeting, Partnership.title)
        .join(Partnership, col(Partnership.id) == col(Meeting.partnership_id))
        .where(is_party)
        .order_by(col(Meeting.start_date), col(Meeting.id)),
    )
    rows = [(meeting, title) for meeting, title in await session.execute(stmt)]
    return _calendar(f"Partnership meetings of {organisation_id}", rows)
