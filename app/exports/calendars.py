"""iCalendar (RFC 5545) feeds of meetings, workshops and study visits, built with the icalendar
library (docs/calendars.md). Every event's DTSTAMP is its last change, so an unchanged feed is
byte for byte the same (and so is its ETag). A meeting keeps its UID for life; its SEQUENCE rises
each time it is moved or cancelled, and a cancelled one says STATUS:CANCELLED
(docs/partnerships.md). Events are whole days (DATE values), the same days in every time zone;
the calendar names ICLD's zone for the apps that want one. Serving a feed stamps the meetings it
lists for the first time (`in_calendar_since`): from then on they are in a published calendar,
and are cancelled rather than deleted."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from uuid import UUID

import sqlalchemy as sa
from icalendar import Calendar, Event, vDuration
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import STOCKHOLM
from app.core.errors import NOT_FOUND, ProblemError
from app.core.principal import Principal
from app.core.vocabularies import label, worded
from app.models.enums import CalendarFeed, MeetingStatus
from app.models.networks import Workshop
from app.models.organisations import Organisation
from app.models.partnerships import Meeting, Partnership, PartnershipPartner
from app.models.programmes import StudyVisit
from app.schemas.texts import served_texts
from app.services.calendars import no_such_feed, open_subscription, readable_organisation
from app.services.networks.networks import get_network
from app.services.partnerships.partnerships import get_partnership

PRODID = "-//ICLD//Partnership API//EN"
# The calendar's own time zone, the programme's (app/clock.py), for apps that show one
# (X-WR-TIMEZONE). No event depends on it: every event is a whole day, a DATE without a time.
TIME_ZONE = STOCKHOLM.key
# How often a subscribed calendar app should fetch the feed again (RFC 7986 REFRESH-INTERVAL,
# and Outlook's X-PUBLISHED-TTL).
REFRESH_INTERVAL = timedelta(hours=1)
# Meetings and workshops share the states planned / held / cancelled.
_STATUS = {
    MeetingStatus.planned: "CONFIRMED",
    MeetingStatus.held: "CONFIRMED",
    MeetingStatus.cancelled: "CANCELLED",
}


@dataclass(frozen=True)
class Entry:
    uid: str
    changed: datetime | None
    sequence: int
    starts: date
    ends: date  # the last day, inclusive
    summary: str
    location: str
    status: str
    description: str | None = None


def feed(name: str, entries: list[Entry]) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", TIME_ZONE)
    calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for entry in sorted(entries, key=lambda e: (e.starts, e.uid)):
        event = Event()
        event.add("uid", f"{entry.uid}@partnership-api")
        event.add("dtstamp", entry.changed or datetime.now(UTC))
        event.add("dtstart", entry.starts)
        event.add("dtend", entry.ends + timedelta(days=1))  # DTEND of a date is exclusive
        event.add("summary", entry.summary)
        event.add("location", entry.location)
        event.add("status", _STATUS[MeetingStatus(entry.status)])
        event.add("sequence", entry.sequence)
        if entry.description:
            event.add("description", entry.description)
        calendar.add_component(event)
    return bytes(calendar.to_ical())


def meeting_entry(meeting: Meeting, title: str) -> Entry:
    """`title` is the partnership's as served in the caller's language; the kind is its label,
    lower case after the colon ("Karlstad - Makueni: visit", "...: besök")."""
    cancelled = meeting.status == MeetingStatus.cancelled and meeting.cancelled_reason
    kind = label("meeting_kind", meeting.kind)
    return Entry(
        uid=f"meeting-{meeting.id}",
        changed=meeting.updated_at,
        sequence=meeting.sequence,
        starts=meeting.start_date,
        ends=meeting.end_date,
        summary=f"{title}: {kind[:1].lower()}{kind[1:]}",
        location=meeting.place,
        status=meeting.status,
        description=worded("calendar", "cancelled", reason=meeting.cancelled_reason)
        if cancelled
        else meeting.outcome,
    )


async def _stamp_listed(session: AsyncSession, meetings: list[Meeting]) -> list[Meeting]:
    """The meetings a feed may serve, those it lists for the first time stamped: from now on
    they are in a published calendar (`in_calendar_since`, read by the deletion rule
    `check_deletable`), and a DELETE of one answers 409.

    A meeting read with its stamp is served as it is: a stamp is never removed, so nothing can
    delete it meanwhile, and a feed whose meetings are all stamped reads without a lock and
    writes nothing. The new ones are stamped in one statement that locks them in id order (as
    the flush of an action does, so two feeds never deadlock) and answers the ones still there:
    a meeting whose DELETE committed after the feed read it is not served, and a DELETE that
    comes after the stamp waits for the feed's commit and then finds it (409). It is sent on the
    session's connection, past the guard that refuses bulk writes to keep them in the audit
    trail, for a column the audit trail ignores by design (`Meeting.__audit_ignore__`)."""
    new = [m.id for m in meetings if m.in_calendar_since is None]
    if not new:
        return meetings
    table: sa.Table = Meeting.__table__  # type: ignore[attr-defined]
    locked = sa.select(table.c.id).where(table.c.id.in_(new)).order_by(table.c.id).with_for_update()
    connection = await session.connection()
    stamped = set(
        await connection.scalars(
            sa.update(table)
            .where(table.c.id.in_(locked.scalar_subquery()))
            # A feed that stamped it meanwhile keeps its day.
            .values(in_calendar_since=sa.func.coalesce(table.c.in_calendar_since, sa.func.now()))
            .returning(table.c.id)
        )
    )
    return [m for m in meetings if m.in_calendar_since is not None or m.id in stamped]


def workshop_entry(workshop: Workshop) -> Entry:
    return Entry(
        uid=f"workshop-{workshop.id}",
        changed=workshop.updated_at,
        sequence=workshop.version,
        starts=workshop.starts,
        ends=workshop.ends,
        summary=worded("calendar", "workshop", title=served_texts(workshop, ("title",))["title"]),
        location=f"{workshop.city}, {workshop.country_code}",
        status=workshop.status,
        description=workshop.outcome,
    )


def visit_entry(visit: StudyVisit, host: str) -> Entry:
    return Entry(
        uid=f"study-visit-{visit.id}",
        changed=visit.updated_at,
        sequence=visit.version,
        starts=visit.visit_on,
        ends=visit.visit_on,
        summary=worded(
            "calendar", "visit", host=host, countries=", ".join(visit.visiting_countries)
        ),
        location=host,
        status=MeetingStatus.planned,
        description=", ".join(visit.topics) or None,
    )


async def partnership_calendar(
    session: AsyncSession, principal: Principal, partnership_id: UUID
) -> bytes:
    partnership = await get_partnership(session, principal, partnership_id)
    meetings = await session.scalars(
        select(Meeting).where(Meeting.partnership_id == partnership.id)
    )
    served = await _stamp_listed(session, list(meetings))
    title = served_texts(partnership)["title"]
    return feed(title, [meeting_entry(m, title) for m in served])


async def network_calendar(
    session: AsyncSession, network_id: UUID, *, announced_only: bool = False
) -> bytes:
    """A network's workshops; the public feed has only announced networks (not planned)."""
    network = await get_network(session, network_id, announced_only=announced_only)
    workshops = await session.scalars(select(Workshop).where(Workshop.network_id == network.id))
    return feed(served_texts(network)["title"], [workshop_entry(w) for w in workshops])


async def organisation_calendar(
    session: AsyncSession, principal: Principal, organisation_id: UUID, *, everything: bool
) -> bytes:
    """What the organisation hosts or attends: the meetings of every partnership it is a party
    of and, with `everything`, the workshops it hosts or takes part in and the study visits it
    hosts or its partnerships make. A caller who may read the organisation may read all of
    these: they are its own partnerships' and its own visits (core.scopes.scope_partnerships and
    scope_study_visits), so no further scoping is needed."""
    organisation = await readable_organisation(session, principal, organisation_id)
    is_party = sa.or_(
        col(Partnership.swedish_party_id) == organisation_id,
        col(Partnership.third_party_id) == organisation_id,
        sa.exists().where(
            col(PartnershipPartner.partnership_id) == col(Partnership.id),
            col(PartnershipPartner.organisation_id) == organisation_id,
        ),
    )
    meetings = await session.execute(
        select(Meeting)
        .add_columns(
            col(Partnership.title),
            col(Partnership.description),
            col(Partnership.language),
            col(Partnership.translations),
        )
        .join(Partnership, col(Partnership.id) == col(Meeting.partnership_id))
        .where(is_party)
    )
    listed = [(row[0], served_texts(row)["title"]) for row in meetings]
    titles = {meeting.id: title for meeting, title in listed}
    served = await _stamp_listed(session, [meeting for meeting, _ in listed])
    entries = [meeting_entry(meeting, titles[meeting.id]) for meeting in served]
    if not everything:
        return feed(worded("calendar", "organisation_meetings", name=organisation.name), entries)
    workshops = await session.scalars(
        select(Workshop).where(
            sa.or_(
                col(Workshop.host_organisation_id) == organisation_id,
                col(Workshop.organisation_ids).contains([organisation_id]),
            )
        )
    )
    entries += [workshop_entry(w) for w in workshops]
    parties_of = select(col(Partnership.id)).where(is_party)
    visits = await session.execute(
        select(StudyVisit, Organisation.name)
        .join(Organisation, col(Organisation.id) == col(StudyVisit.host_organisation_id))
        .where(
            sa.or_(
                col(StudyVisit.host_organisation_id) == organisation_id,
                col(StudyVisit.partnership_id).in_(parties_of),
            )
        )
    )
    entries += [visit_entry(visit, host) for visit, host in visits]
    return feed(worded("calendar", "organisation", name=organisation.name), entries)


async def subscribed_calendar(session: AsyncSession, token: str) -> bytes:
    """The feed of the subscription a token names, as its owner may read it now: what the
    authenticated route answers its owner. Every refusal is the same 404 (`no_such_feed`), an
    owner who lost the feed's object included, so the answer tells nothing of why."""
    subscription, owner = await open_subscription(session, token)
    try:
        if subscription.feed == CalendarFeed.partnership and subscription.partnership_id:
            return await partnership_calendar(session, owner, subscription.partnership_id)
        if subscription.feed == CalendarFeed.organisation and subscription.organisation_id:
            return await organisation_calendar(
                session, owner, subscription.organisation_id, everything=True
            )
    except ProblemError as exc:
        if exc.kind is NOT_FOUND:
            raise no_such_feed() from None
        raise
    raise no_such_feed()  # a feed this version does not know (ck_calendar_subscriptions_feed)
