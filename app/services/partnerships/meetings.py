"""Meetings and visits of a partnership: their life cycle (plan, hold, cancel, move; delete only
what was entered by mistake), their history, and the activity-plan rules a phase starts under.
The rules of the life cycle are in `app/rules/partnerships.py` (MEETING_ACTIONS and its checks)."""

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from pydantic import MISSING
from sqlalchemy.dialects.postgresql import aggregate_order_by, distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import today
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.periods import phase_years
from app.core.principal import Principal
from app.core.scopes import Scoped, Shape, for_caller, scope_partnerships
from app.core.versions import Expected, check_version
from app.db import reads
from app.models.enums import HOSTED_VISITS, MeetingAction, MeetingStatus, PhaseKind
from app.models.partnerships import (
    Meeting,
    MeetingChange,
    MeetingParticipant,
    Partnership,
    Phase,
)
from app.models.people import Person
from app.rules.partnerships import (
    MOVING_FIELDS,
    check_created_as,
    check_deletable,
    check_host,
    check_meeting_action,
    check_meetings_per_year,
    check_member_of_a_party,
    check_moved,
    check_patch,
    check_reciprocal_visits,
    check_started,
)
from app.schemas.partnerships.meetings import (
    CancelMeeting,
    HoldMeeting,
    MeetingCreate,
    MeetingFields,
    MeetingRead,
    MeetingUpdate,
    RescheduleMeeting,
)
from app.schemas.partnerships.members import Side
from app.services.access import audit
from app.services.common import answer_columns, answer_fields, apply_changes, merge_patch, touch
from app.services.partnerships.members import sides_of, sides_of_each
from app.services.partnerships.partnerships import (
    PartnershipRecord,
    get_part,
    get_partnership,
    read_partnership,
)

# A meeting in a list is a row (see `answer_columns`); one read by id, with its partnership,
# is an ORM object (and is changed as one).
MeetingRecord = Meeting | sa.Row[Any] | reads.Record
_ANSWER = answer_columns(Meeting, MeetingRead).add_columns(
    col(Meeting.cancelled_reason), col(Meeting.cancelled_by), col(Meeting.cancelled_at)
)


@dataclass(frozen=True)
class MeetingView:
    meeting: MeetingRecord
    host_side: Side
    participant_ids: list[UUID]


def fields(view: MeetingView) -> dict[str, Any]:
    """A meeting's answer as plain data, in `MeetingRead`'s types: served as it is
    (`answer_json`) or validated (`answer`)."""
    meeting = view.meeting
    cancellation = None
    if meeting.cancelled_at is not None:
        cancellation = {
            "reason": meeting.cancelled_reason,
            "cancelled_by": meeting.cancelled_by,
            "cancelled_at": meeting.cancelled_at,
        }
    values = {
        **answer_fields(meeting, MeetingRead),
        "host_side": view.host_side,
        "participant_ids": view.participant_ids,
        "cancellation": cancellation,
    }
    return {name: values[name] for name in _FIELDS}  # in the model's order, as it answers


# The fields of a meeting's answer (but those `expand` embeds), in their order.
_FIELDS = [n for n, f in MeetingRead.model_fields.items() if f.default is not MISSING]


def answer(view: MeetingView, embedded: Mapping[str, Any] | None = None) -> MeetingRead:
    """A meeting as its routes answer it, with the objects `expand` embeds in it."""
    return MeetingRead.model_validate({**fields(view), **(embedded or {})})


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


# A meeting's participants as one column of its row (in the order `_participants` reads them).
_PARTICIPANT_IDS = (
    sa.select(
        sa.func.array_agg(
            aggregate_order_by(col(MeetingParticipant.person_id), col(MeetingParticipant.person_id))
        )
    )
    .where(col(MeetingParticipant.meeting_id) == col(Meeting.id))
    .scalar_subquery()
    .label("participant_ids")
)


async def next_meetings(
    session: AsyncSession, sides: Mapping[UUID, Mapping[UUID, Side]], on: date
) -> dict[UUID, MeetingView]:
    """Each partnership's next meeting: the first planned one that has not ended by `on` (none
    when none is planned), for the partnerships in `sides` (from `sides_from`, chosen by the
    caller within its scope), in one statement."""
    rows = await session.execute(
        _ANSWER.add_columns(_PARTICIPANT_IDS)
        .where(
            col(Meeting.partnership_id).in_(list(sides)),
            col(Meeting.status) == MeetingStatus.planned,
            col(Meeting.end_date) >= on,
        )
        .ext(distinct_on(col(Meeting.partnership_id)))
        .order_by(col(Meeting.partnership_id), col(Meeting.start_date), col(Meeting.id))
    )
    return {
        m.partnership_id: MeetingView(
            m, sides[m.partnership_id][m.host_organisation_id], list(m.participant_ids or [])
        )
        for m in rows
    }


MEETINGS = Sorting(
    "meetings",
    {
        "start_date": col(Meeting.start_date),
        "created_at": col(Meeting.created_at),
        "updated_at": col(Meeting.updated_at),
    },
    default=("start_date",),
    unique=col(Meeting.id),
    updated=col(Meeting.updated_at),
)


# A meeting's host's side, from its partnership's row (joined): as `sides_from` says it.
_HOST_SIDE = sa.case(
    (col(Meeting.host_organisation_id) == col(Partnership.third_party_id), "third_party"),
    (col(Meeting.host_organisation_id) == col(Partnership.swedish_party_id), "swedish"),
    else_="partner",
).label("host_side")


# Meetings as their answers' rows, each with its host's side and its participants.
_ANSWERS = _ANSWER.add_columns(_HOST_SIDE, _PARTICIPANT_IDS).join(
    Partnership, col(Partnership.id) == col(Meeting.partnership_id)
)


def _answers_in_scope(principal: Scoped, partnership_id: Any) -> sa.Select[Any]:
    """Meetings of a partnership in the caller's scope as their answers' rows, each with its
    host's side and its participants: a read of meetings in one statement (the partnership an
    id, or with a scope's `Shape` a bound parameter: `_by_id`)."""
    stmt = _ANSWERS.where(col(Meeting.partnership_id) == partnership_id)
    scoped: sa.Select[Any] = scope_partnerships(principal, stmt)
    return scoped


def _view(row: reads.Record) -> MeetingView:
    return MeetingView(row, row.host_side, list(row.participant_ids or []))


async def list_meetings(
    session: AsyncSession, principal: Principal, partnership_id: UUID, page: PageParams
) -> tuple[list[MeetingView], Links]:
    """A page of a partnership's meetings in one statement, read raw (`app.db.reads`); an empty
    page reads the partnership too, to answer 404 outside the caller's scope."""
    stmt = _answers_in_scope(principal, partnership_id)
    meetings: list[reads.Record]
    meetings, links = await sorted_page(session, stmt, MEETINGS, page, raw=True)
    if not meetings:
        await read_partnership(session, principal, partnership_id)
    return [_view(m) for m in meetings], links


@reads.prepared
def _by_id(scope: Shape) -> sa.Select[Any]:
    meetings = _answers_in_scope(scope, sa.bindparam("partnership_id"))
    return meetings.where(col(Meeting.id) == sa.bindparam("id"))


async def read_meeting(
    session: AsyncSession, principal: Principal, partnership_id: UUID, meeting_id: UUID
) -> MeetingView:
    """A meeting to answer with, in the caller's scope, in one statement (prepared per shape of
    scope) read raw (`app.db.reads`); when it is not found, read step by step, so that the 404
    says which of the partnership and the meeting is missing."""
    stmt, params = for_caller(_by_id, principal, partnership_id=partnership_id, id=meeting_id)
    row = await reads.fetch_one(session, stmt, params)
    if row is None:
        _, view = await get_meeting(session, principal, partnership_id, meeting_id)
        return view
    return _view(row)


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
    check_created_as(data.status, data.start_date, today())
    sides = await _check(session, partnership, data)
    meeting = Meeting(partnership_id=partnership.id, **data.model_dump(exclude={"participant_ids"}))
    session.add(meeting)
    await session.flush()
    await _set_participants(session, meeting, data.participant_ids)
    record_change(session, principal, meeting, MeetingAction.create, details=_placed(meeting))
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
    check_patch(meeting.status, current, merged.model_dump(), today())
    sides = await _check(session, partnership, merged)
    held_now = meeting.status == MeetingStatus.planned and merged.status == MeetingStatus.held
    changed = apply_changes(meeting, merged.model_dump(exclude={"participant_ids"}))
    if merged.participant_ids != view.participant_ids:
        await _set_participants(session, meeting, merged.participant_ids)
        if not changed:
            touch(meeting)
    if held_now:  # the same as the `hold` action, kept for the clients that PATCH it
        record_change(session, principal, meeting, MeetingAction.hold, details=_held(meeting))
        audit.label_next_flush(session, MeetingAction.hold.value)
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
    """Delete a meeting entered by mistake (`check_deletable`); the audit trail keeps it whole,
    with its history's rows."""
    _, view = await get_meeting(session, principal, partnership_id, meeting_id, for_update=True)
    meeting = view.meeting
    assert isinstance(meeting, Meeting)  # read for update: an object, not a row
    check_version(expected, meeting.version)
    check_deletable(meeting.status, len(view.participant_ids), meeting.in_calendar_since)
    for change in await session.scalars(
        select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
    ):
        await session.delete(change)
    await session.flush()  # the history before the meeting it refers to
    await session.delete(meeting)
    await session.flush()


# The life cycle's actions and the history


def _placed(meeting: Meeting) -> dict[str, Any]:
    """Where and when the meeting is, and in which state: what a history entry records."""
    return {"status": meeting.status, **{f: getattr(meeting, f) for f in MOVING_FIELDS}}


def _held(meeting: Meeting) -> dict[str, Any]:
    return {"outcome": meeting.outcome}


def _jsonable(details: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v.isoformat() if isinstance(v, date) else str(v) if isinstance(v, UUID) else v
        for k, v in details.items()
    }


def record_change(
    session: AsyncSession,
    principal: Principal,
    meeting: Meeting,
    action: MeetingAction,
    *,
    reason: str | None = None,
    details: Mapping[str, Any],
) -> MeetingChange:
    """The one place a meeting's history is written, in the transaction of the change itself.

    Events hook: when the API gains its events capability, a `cancel` entry is the event
    `meeting.cancelled` and a `reschedule` entry `meeting.rescheduled`, published from these rows
    (an outbox: written and committed with the change, or not at all). Nothing publishes them
    yet."""
    change = MeetingChange(
        meeting_id=meeting.id,
        action=action,
        changed_by=principal.name or principal.id,
        changed_at=datetime.now(UTC),
        reason=reason,
        sequence=meeting.sequence,
        details=_jsonable(details),
    )
    session.add(change)
    return change


def _cancel(session: AsyncSession, principal: Principal, meeting: Meeting, reason: str) -> None:
    """Cancel the planned meeting: it keeps its dates, host and participants; its calendar event
    says CANCELLED with a higher SEQUENCE."""
    apply_changes(
        meeting,
        {
            "status": MeetingStatus.cancelled,
            "cancelled_reason": reason,
            "cancelled_by": principal.name or principal.id,
            "cancelled_at": datetime.now(UTC),
            "sequence": meeting.sequence + 1,
        },
    )
    details = {f: getattr(meeting, f) for f in MOVING_FIELDS}
    record_change(session, principal, meeting, MeetingAction.cancel, reason=reason, details=details)


async def _locked(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    action: MeetingAction,
    expected: Expected | None,
) -> tuple[Partnership, MeetingView, Meeting]:
    """Every action: lock the partnership and the meeting (not found outside the caller's
    scope), check the version it was read at, and that the action applies to its state."""
    partnership, view = await get_meeting(
        session, principal, partnership_id, meeting_id, for_update=True
    )
    meeting = view.meeting
    assert isinstance(meeting, Meeting)  # read for update: an object, not a row
    check_version(expected, meeting.version)
    check_meeting_action(meeting.status, action)
    return partnership, view, meeting


async def _done(session: AsyncSession, action: MeetingAction, view: MeetingView) -> MeetingView:
    audit.label_next_flush(session, action.value)
    await session.flush()
    return view


async def hold_meeting(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    data: HoldMeeting,
    expected: Expected | None,
) -> MeetingView:
    _, view, meeting = await _locked(
        session, principal, partnership_id, meeting_id, MeetingAction.hold, expected
    )
    check_started(meeting.start_date, today(), pointer=None)
    outcome = {"outcome": data.outcome} if data.outcome is not None else {}
    apply_changes(meeting, {"status": MeetingStatus.held, **outcome})
    record_change(session, principal, meeting, MeetingAction.hold, details=_held(meeting))
    return await _done(session, MeetingAction.hold, view)


async def cancel_meeting(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    data: CancelMeeting,
    expected: Expected | None,
) -> MeetingView:
    _, view, meeting = await _locked(
        session, principal, partnership_id, meeting_id, MeetingAction.cancel, expected
    )
    _cancel(session, principal, meeting, data.reason)
    return await _done(session, MeetingAction.cancel, view)


async def reschedule_meeting(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    data: RescheduleMeeting,
    expected: Expected | None,
) -> MeetingView:
    partnership, view, meeting = await _locked(
        session, principal, partnership_id, meeting_id, MeetingAction.reschedule, expected
    )
    current = {f: getattr(meeting, f) for f in MOVING_FIELDS}
    host = data.host_organisation_id or meeting.host_organisation_id
    wanted: dict[str, Any] = {
        "start_date": data.start_date,
        "end_date": data.end_date,
        "host_organisation_id": host,
    }
    sides = await sides_of(session, partnership)
    check_host(sides, host)
    check_moved(current, wanted)
    place = {"place": data.place} if data.place is not None else {}
    details = {f"old_{f}": v for f, v in current.items()} | {
        f"new_{f}": v for f, v in wanted.items()
    }
    if place and data.place != meeting.place:
        details |= {"old_place": meeting.place, "new_place": data.place}
    apply_changes(meeting, {**wanted, **place, "sequence": meeting.sequence + 1})
    record_change(
        session, principal, meeting, MeetingAction.reschedule, reason=data.reason, details=details
    )
    moved = MeetingView(meeting, sides[meeting.host_organisation_id], view.participant_ids)
    return await _done(session, MeetingAction.reschedule, moved)


CHANGES = Sorting(
    "meeting_changes",
    {
        "changed_at": col(MeetingChange.changed_at),
    },
    default=("changed_at",),
    unique=col(MeetingChange.id),
    updated=col(MeetingChange.changed_at),
)


async def list_changes(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    meeting_id: UUID,
    page: PageParams,
) -> tuple[list[MeetingChange], Links]:
    """The meeting's history, oldest first."""
    _, meeting = await get_part(session, principal, partnership_id, Meeting, meeting_id)
    return await sorted_page(
        session, select(MeetingChange).where(MeetingChange.meeting_id == meeting.id), CHANGES, page
    )


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


async def cancel_after(
    session: AsyncSession, principal: Principal, phase: Phase, day: date, decision_reference: str
) -> int:
    """Cancel (never delete) the phase's planned meetings from `day` on: it ended early. Each is
    cancelled as the `cancel` action would, its reason naming the decision."""
    rows = await session.scalars(
        select(Meeting).where(
            Meeting.partnership_id == phase.partnership_id,
            Meeting.status == MeetingStatus.planned,
            col(Meeting.start_date) >= day,
            col(Meeting.start_date) <= phase.planned_end,
        )
    )
    reason = f"The {phase.kind} phase was terminated from {day} (decision {decision_reference})."
    cancelled = 0
    for meeting in rows:
        _cancel(session, principal, meeting, reason)
        cancelled += 1
    return cancelled
