"""Meetings and visits of a partnership, and the activity-plan rules a phase starts under."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import CONFLICT, ProblemError
from app.core.periods import phase_years
from app.core.principal import Principal
from app.core.versions import Expected, check_version
from app.models.enums import HOSTED_VISITS, MeetingStatus, PhaseKind
from app.models.partnerships import Meeting, MeetingParticipant, Partnership, Phase
from app.models.people import Person
from app.rules.partnerships import (
    check_host,
    check_meetings_per_year,
    check_member_of_a_party,
    check_not_held_ahead,
    check_reciprocal_visits,
    check_record_kept,
)
from app.schemas.partnerships.meetings import (
    MeetingCreate,
    MeetingFields,
    MeetingRead,
    MeetingUpdate,
)
from app.schemas.partnerships.members import Side
from app.services.common import answer_columns, apply_changes, merge_patch, touch
from app.services.partnerships.members import sides_of, sides_of_each
from app.services.partnerships.partnerships import (
    PartnershipRecord,
    get_part,
    get_partnership,
    read_partnership,
)

# A meeting in a list is a row (see `answer_columns`); one read by id, with its partnership,
# is an ORM object (and is changed as one).
MeetingRecord = Meeting | sa.Row[Any]
_ANSWER = answer_columns(Meeting, MeetingRead)


@dataclass(frozen=True)
class MeetingView:
    meeting: MeetingRecord
    host_side: Side
    participant_ids: list[UUID]


async def _participants(session: AsyncSession, ids: list[UUID]) -> dict[UUID, list[UUID]]:
    found: dict[UUID, list[UUID]] = defaultdict(list)
    if ids:
        rows = await session.execute(
            select(MeetingParticipant.meeting_id, MeetingParticipant.person_id)
            .where(col(MeetingParticipant.meeting_id).in_(ids))
            .order_by(col(MeetingParticipant.person_id))
        )
        for meeting_id, person_id in rows:
            found[meeting_id].append(person_id)
    return found


async def meetings_of(session: AsyncSession, partnership: PartnershipRecord) -> list[MeetingView]:
    sides = await sides_of_each(session, [partnership])
    return (await meetings_of_each(session, sides))[partnership.id]


async def meetings_of_each(
    session: AsyncSession, sides: dict[UUID, dict[UUID, Side]]
) -> dict[UUID, list[MeetingView]]:
    """The meetings of each partnership in `sides` (from `sides_of_each`), in two statements,
    as stored: rows, not the session's objects, so a change to a meeting must be flushed
    before its partnership's meetings are read again."""
    meetings = (
        await session.execute(
            _ANSWER.where(col(Meeting.partnership_id).in_(list(sides))).order_by(
                col(Meeting.start_date), col(Meeting.id)
            )
        )
    ).all()
    participants = await _participants(session, [m.id for m in meetings])
    views: dict[UUID, list[MeetingView]] = {partnership_id: [] for partnership_id in sides}
    for m in meetings:
        host_side = sides[m.partnership_id][m.host_organisation_id]
        views[m.partnership_id].append(MeetingView(m, host_side, participants[m.id]))
    return views


async def list_meetings(
    session: AsyncSession, principal: Principal, partnership_id: UUID
) -> list[MeetingView]:
    return await meetings_of(session, await read_partnership(session, principal, partnership_id))


async def get_meeting(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    *,
    for_update: bool = False,
) -> tuple[Partnership, MeetingView]:
    partnership, meeting = await get_part(
        session, principal, partnership_id, Meeting, meeting_id, for_update=for_update
    )
    sides = await sides_of(session, partnership)
    participants = await _participants(session, [meeting.id])
    return partnership, MeetingView(
        meeting, sides[meeting.host_organisation_id], participants[meeting.id]
    )


async def _check(
    session: AsyncSession, partnership: Partnership, data: MeetingFields
) -> dict[UUID, Side]:
    check_not_held_ahead(data.status, data.end_date, date.today())
    sides = await sides_of(session, partnership)
    check_host(sides, data.host_organisation_id)
    ids = list(dict.fromkeys(data.participant_ids))
    if ids:
        rows = await session.execute(
            select(Person.id, Person.organisation_id).where(col(Person.id).in_(ids))
        )
        organisation_of = {person_id: org for person_id, org in rows}
        for i, person_id in enumerate(ids):
            check_member_of_a_party(
                sides,
                organisation_of.get(person_id),
                f"Person {person_id}",
                f"/participant_ids/{i}",
            )
    return sides


async def _set_participants(session: AsyncSession, meeting: Meeting, ids: list[UUID]) -> None:
    wanted = list(dict.fromkeys(ids))
    current = await session.scalars(
        select(MeetingParticipant).where(MeetingParticipant.meeting_id == meeting.id)
    )
    for row in current:
        if row.person_id not in wanted:
            await session.delete(row)
        else:
            wanted.remove(row.person_id)
    session.add_all(MeetingParticipant(meeting_id=meeting.id, person_id=p) for p in wanted)


async def create_meeting(
    session: AsyncSession, principal: Principal, partnership_id: UUID, data: MeetingCreate
) -> MeetingView:
    partnership = await get_partnership(session, principal, partnership_id, for_update=True)
    sides = await _check(session, partnership, data)
    meeting = Meeting(partnership_id=partnership.id, **data.model_dump(exclude={"participant_ids"}))
    session.add(meeting)
    await session.flush()
    await _set_participants(session, meeting, data.participant_ids)
    await session.flush()
    await session.refresh(meeting)
    return MeetingView(
        meeting, sides[meeting.host_organisation_id], sorted(dict.fromkeys(data.participant_ids))
    )


async def update_meeting(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    patch: MeetingUpdate,
    expected: Expected | None,
) -> MeetingView:
    partnership, view = await get_meeting(
        session, principal, partnership_id, meeting_id, for_update=True
    )
    meeting = view.meeting
    assert isinstance(meeting, Meeting)  # read for update: an object, not a row
    check_version(expected, meeting.version)
    current = {
        field: getattr(meeting, field)
        for field in MeetingFields.model_fields
        if field != "participant_ids"
    } | {"participant_ids": view.participant_ids}
    merged = merge_patch(current, patch, MeetingFields)
    check_record_kept(meeting.status, current, merged.model_dump())
    sides = await _check(session, partnership, merged)
    changed = apply_changes(meeting, merged.model_dump(exclude={"participant_ids"}))
    if merged.participant_ids != view.participant_ids:
        await _set_participants(session, meeting, merged.participant_ids)
        if not changed:
            touch(meeting)
    await session.flush()
    return MeetingView(
        meeting, sides[meeting.host_organisation_id], sorted(dict.fromkeys(merged.participant_ids))
    )


async def delete_meeting(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    expected: Expected | None,
) -> None:
    _, view = await get_meeting(session, principal, partnership_id, meeting_id, for_update=True)
    meeting = view.meeting
    assert isinstance(meeting, Meeting)  # read for update: an object, not a row
    check_version(expected, meeting.version)
    if meeting.status != MeetingStatus.planned:
        raise ProblemError(CONFLICT, f"A meeting that was {meeting.status} stays in the record.")
    await session.delete(meeting)
    await session.flush()


def in_period(view: MeetingView, starts: date, ends: date) -> bool:
    return starts <= view.meeting.start_date <= ends


async def check_activity_plan(
    session: AsyncSession, partnership: Partnership, kind: str, start: date, end: date
) -> None:
    """Before a phase starts, and when a project is applied for: the activity plan for
    `start..end` against `meetings-per-project-year` (a project) and `reciprocal-visits`."""
    planned = [
        v
        for v in await meetings_of(session, partnership)
        if v.meeting.status != MeetingStatus.cancelled and in_period(v, start, end)
    ]
    if kind == PhaseKind.project:
        check_meetings_per_year(
            (n, a, b, sum(in_period(v, a, b) for v in planned))
            for n, a, b in phase_years(start, end)
        )
    hosted: Counter[str] = Counter(v.host_side for v in planned if v.meeting.kind in HOSTED_VISITS)
    check_reciprocal_visits(start, end, hosted)


async def cancel_after(session: AsyncSession, phase: Phase, day: date) -> int:
    """Cancel (never delete) the phase's planned meetings from `day` on: it ended early."""
    rows = await session.scalars(
        select(Meeting).where(
            Meeting.partnership_id == phase.partnership_id,
            Meeting.status == MeetingStatus.planned,
            col(Meeting.start_date) >= day,
            col(Meeting.start_date) <= phase.planned_end,
        )
    )
    cancelled = 0
    for meeting in rows:
        apply_changes(meeting, {"status": MeetingStatus.cancelled})
        cancelled += 1
    return cancelled
