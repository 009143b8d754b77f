"""Phases of a partnership and the actions that change them, each recorded as a decision."""

from collections.abc import Awaitable, Callable, Collection
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.principal import Principal
from app.models.enums import PhaseAction, PhaseKind, PhaseStatus
from app.models.partnerships import Decision, Partnership, Phase
from app.rules.partnerships import (
    check_action,
    check_end_date,
    check_extended_end,
    check_fits,
    check_inceptions_ended,
    check_later_end,
    check_none_active,
    check_pause_within,
    check_start_date,
    check_steering_group,
    check_termination_date,
    first_day,
    last_day,
)
from app.schemas.partnerships.partnerships import CurrentPhase
from app.schemas.partnerships.phases import (
    CompletePhase,
    DecisionFields,
    ExtendPhase,
    PhaseCreate,
    PhaseRead,
    PostponePhase,
    StartPhase,
    TerminatePhase,
)
from app.services.access import audit
from app.services.common import answer_columns, touch
from app.services.partnerships import meetings, members
from app.services.partnerships.partnerships import get_part, get_partnership

# The actions that change a phase's status, and so perhaps its partnership's.
CHANGE_STATUS = frozenset({PhaseAction.start, PhaseAction.terminate, PhaseAction.complete})


async def list_phases(session: AsyncSession, partnership_id: UUID) -> list[Phase]:
    rows = await session.scalars(
        select(Phase)
        .where(Phase.partnership_id == partnership_id)
        .order_by(col(Phase.planned_start), col(Phase.id))
    )
    return list(rows)


# Which phase a partnership is in (`CurrentPhase`): the active one; else the planned one that
# starts first; else the one that ended last (ties: by id).
_CURRENT_FIRST = sa.case(
    (col(Phase.status) == PhaseStatus.active, 0),
    (col(Phase.status) == PhaseStatus.planned, 1),
    else_=2,
)
_PLANNED_START = sa.case((col(Phase.status) == PhaseStatus.planned, col(Phase.planned_start)))
_ENDED = sa.func.coalesce(col(Phase.actual_end), col(Phase.planned_end))


async def current_phases(
    session: AsyncSession, partnership_ids: Collection[UUID]
) -> dict[UUID, CurrentPhase]:
    """The phase each partnership is in (see `CurrentPhase`), in one statement; a partnership
    without phases has none. The caller has chosen the partnerships within its scope."""
    rows = await session.execute(
        answer_columns(Phase, PhaseRead)
        .where(col(Phase.partnership_id).in_(list(partnership_ids)))
        .ext(distinct_on(col(Phase.partnership_id)))
        .order_by(
            col(Phase.partnership_id),
            _CURRENT_FIRST,
            _PLANNED_START,
            _ENDED.desc(),
            col(Phase.id),
        )
    )
    return {
        row.partnership_id: CurrentPhase.model_validate(
            {**row._mapping, "starts": first_day(row), "ends": last_day(row)}
        )
        for row in rows
    }


async def get_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    *,
    for_update: bool = False,
) -> tuple[Partnership, Phase]:
    """The phase; with `for_update`, the partnership and the phase are locked for an action."""
    return await get_part(
        session, principal, partnership_id, Phase, phase_id, for_update=for_update
    )


async def create_phase(
    session: AsyncSession, principal: Principal, partnership_id: UUID, data: PhaseCreate
) -> Phase:
    partnership = await get_partnership(session, principal, partnership_id, for_update=True)
    phase = Phase(partnership_id=partnership.id, **data.model_dump())
    check_fits(
        await list_phases(session, partnership.id),
        phase,
        data.planned_start,
        data.planned_end,
        "/planned_start",
    )
    session.add(phase)
    await session.flush()
    await session.refresh(phase)
    return phase


async def _record(
    session: AsyncSession,
    principal: Principal,
    phase: Phase,
    action: PhaseAction,
    data: DecisionFields,
    details: dict[str, Any],
) -> Decision:
    touch(phase)
    decision = Decision(
        partnership_id=phase.partnership_id,
        phase_id=phase.id,
        action=action,
        decided_by=principal.name or principal.id,
        decided_at=datetime.now(UTC),
        decision_reference=data.decision_reference,
        reason=data.reason,
        details={k: v.isoformat() if isinstance(v, date) else v for k, v in details.items()},
    )
    session.add(decision)
    audit.label_next_flush(session, action.value)
    await session.flush()
    return decision


async def _settle_status(session: AsyncSession, partnership: Partnership) -> None:
    """The partnership's status follows its phases: the active one's kind; when none is active
    or planned any more, how the last one ended."""
    phases = await list_phases(session, partnership.id)
    active = [p for p in phases if p.status == PhaseStatus.active]
    pending = [p for p in phases if p.status in (PhaseStatus.active, PhaseStatus.planned)]
    status = partnership.status
    if active:
        status = active[0].kind
    elif not pending and phases:
        status = max(phases, key=last_day).status
    if status != partnership.status:
        partnership.status = status
        touch(partnership)


# An action's own checks and changes, given the locked partnership and phase: it answers the
# details its decision records.
Change = Callable[[Partnership, Phase], Awaitable[dict[str, Any]]]


async def _act(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    action: PhaseAction,
    data: DecisionFields,
    change: Change,
) -> Phase:
    """Every action on a phase: lock the partnership and the phase, check that the action
    applies to the phase's state, make the action's own checks and changes, record the decision
    and, when the phase's status changed, settle the partnership's."""
    partnership, phase = await get_phase(
        session, principal, partnership_id, phase_id, for_update=True
    )
    check_action(phase, action)
    details = await change(partnership, phase)
    await _record(session, principal, phase, action, data, details)
    if action in CHANGE_STATUS:
        await _settle_status(session, partnership)
        await session.flush()
    return phase


async def start_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: StartPhase,
) -> Phase:
    async def start(partnership: Partnership, phase: Phase) -> dict[str, Any]:
        phases = await list_phases(session, partnership.id)
        check_none_active(phases)
        if phase.kind == PhaseKind.project:
            check_inceptions_ended(phases)
            check_steering_group(
                await members.steering_group_missing(session, partnership, data.actual_start),
                on=data.actual_start,
            )
        check_start_date(phase, data.actual_start)
        check_fits(phases, phase, data.actual_start, phase.planned_end, "/actual_start")
        await meetings.check_activity_plan(
            session, partnership, phase.kind, data.actual_start, phase.planned_end
        )
        phase.actual_start = data.actual_start
        phase.status = PhaseStatus.active
        return {"actual_start": data.actual_start}

    return await _act(session, principal, partnership_id, phase_id, PhaseAction.start, data, start)


async def postpone_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: PostponePhase,
) -> Phase:
    async def postpone(partnership: Partnership, phase: Phase) -> dict[str, Any]:
        start = first_day(phase)
        check_pause_within(start, phase.planned_end, data.paused_from)
        old_end = phase.planned_end
        new_end = old_end + timedelta(days=data.days)
        phases = await list_phases(session, partnership.id)
        check_fits(phases, phase, start, new_end, "/paused_until")
        phase.planned_end = new_end
        return {
            "paused_from": data.paused_from,
            "paused_until": data.paused_until,
            "days": data.days,
            "old_planned_end": old_end,
            "new_planned_end": new_end,
        }

    return await _act(
        session, principal, partnership_id, phase_id, PhaseAction.postpone, data, postpone
    )


async def extend_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: ExtendPhase,
) -> Phase:
    async def extend(partnership: Partnership, phase: Phase) -> dict[str, Any]:
        check_later_end(phase.planned_end, data.new_planned_end)
        start = first_day(phase)
        check_extended_end(phase.kind, start, phase.planned_end, data.new_planned_end)
        phases = await list_phases(session, partnership.id)
        check_fits(phases, phase, start, data.new_planned_end, "/new_planned_end")
        old_end, phase.planned_end = phase.planned_end, data.new_planned_end
        return {"old_planned_end": old_end, "new_planned_end": data.new_planned_end}

    return await _act(
        session, principal, partnership_id, phase_id, PhaseAction.extend, data, extend
    )


async def terminate_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: TerminatePhase,
) -> Phase:
    async def terminate(partnership: Partnership, phase: Phase) -> dict[str, Any]:
        assert phase.actual_start is not None  # an active phase has started
        check_termination_date(phase.actual_start, phase.planned_end, data.effective_date)
        phase.actual_end = data.effective_date - timedelta(days=1)
        phase.status = PhaseStatus.terminated
        cancelled = await meetings.cancel_after(
            session, principal, phase, data.effective_date, data.decision_reference
        )
        return {
            "effective_date": data.effective_date,
            "actual_end": phase.actual_end,
            "planned_end": phase.planned_end,
            "meetings_cancelled": cancelled,
        }

    return await _act(
        session, principal, partnership_id, phase_id, PhaseAction.terminate, data, terminate
    )


async def complete_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: CompletePhase,
) -> Phase:
    async def complete(partnership: Partnership, phase: Phase) -> dict[str, Any]:
        assert phase.actual_start is not None  # an active phase has started
        check_end_date(phase.actual_start, data.actual_end)
        phases = await list_phases(session, partnership.id)
        check_fits(phases, phase, phase.actual_start, data.actual_end, "/actual_end")
        phase.actual_end = data.actual_end
        phase.status = PhaseStatus.completed
        return {"actual_end": data.actual_end}

    return await _act(
        session, principal, partnership_id, phase_id, PhaseAction.complete, data, complete
    )


async def list_decisions(session: AsyncSession, partnership_id: UUID) -> list[Decision]:
    rows = await session.scalars(
        select(Decision)
        .where(Decision.partnership_id == partnership_id)
        .order_by(col(Decision.decided_at), col(Decision.id))
    )
    return list(rows)
