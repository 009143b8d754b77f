"""Phases of a partnership and the actions that change them, each recorded as a decision."""

from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import RuleViolation
from app.core.principal import Principal
from app.models.enums import PhaseAction, PhaseKind, PhaseStatus
from app.models.partnerships import Decision, Partnership, Phase
from app.rules.partnerships import (
    EARLY_TERMINATION_DATE,
    EXTENSION_LATER_END,
    PHASE_TRANSITION,
    PHASES_DO_NOT_OVERLAP,
    POSTPONEMENT_LENGTH,
    PROJECT_AFTER_INCEPTION,
    check_extended_end,
)
from app.schemas.partnerships.phases import (
    CompletePhase,
    DecisionFields,
    ExtendPhase,
    PhaseCreate,
    PostponePhase,
    StartPhase,
    TerminatePhase,
)
from app.services.access import audit
from app.services.common import touch
from app.services.partnerships import meetings, members
from app.services.partnerships.partnerships import get_part, get_partnership

ENDED = frozenset({PhaseStatus.completed, PhaseStatus.terminated})


async def list_phases(session: AsyncSession, partnership_id: UUID) -> list[Phase]:
    rows = await session.scalars(
        select(Phase)
        .where(Phase.partnership_id == partnership_id)
        .order_by(col(Phase.planned_start), col(Phase.id))
    )
    return list(rows)


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


def _last_day(phase: Phase) -> date:
    return phase.actual_end or phase.planned_end


def _check_fits(phases: list[Phase], phase: Phase, start: date, end: date, pointer: str) -> None:
    """The period [start, end] of `phase` overlaps no other phase, and every project comes
    after every inception."""
    for other in phases:
        if other.id == phase.id:
            continue
        other_start, other_end = other.actual_start or other.planned_start, _last_day(other)
        if start <= other_end and other_start <= end:
            raise RuleViolation(
                PHASES_DO_NOT_OVERLAP,
                f"{start}..{end} overlaps the {other.kind} phase {other_start}..{other_end}.",
                pointer=pointer,
            )
        if {phase.kind, other.kind} == {PhaseKind.inception, PhaseKind.project}:
            inception_end, project_start = (
                (other_end, start) if phase.kind == PhaseKind.project else (end, other_start)
            )
            if project_start <= inception_end:
                raise RuleViolation(
                    PROJECT_AFTER_INCEPTION,
                    f"The project would start {project_start}, before the inception ends "
                    f"{inception_end}.",
                    pointer=pointer,
                )


async def create_phase(
    session: AsyncSession, principal: Principal, partnership_id: UUID, data: PhaseCreate
) -> Phase:
    partnership = await get_partnership(session, principal, partnership_id, for_update=True)
    phase = Phase(partnership_id=partnership.id, **data.model_dump())
    _check_fits(
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


def _require(phase: Phase, *states: PhaseStatus) -> None:
    if phase.status not in states:
        raise RuleViolation(
            PHASE_TRANSITION,
            f"The {phase.kind} phase is {phase.status}; this action needs it "
            f"{' or '.join(states)}.",
        )


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
        status = max(phases, key=_last_day).status
    if status != partnership.status:
        partnership.status = status
        touch(partnership)


async def start_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: StartPhase,
) -> Phase:
    partnership, phase = await get_phase(
        session, principal, partnership_id, phase_id, for_update=True
    )
    _require(phase, PhaseStatus.planned)
    phases = await list_phases(session, partnership.id)
    if any(p.status == PhaseStatus.active for p in phases):
        raise RuleViolation(PHASE_TRANSITION, "Another phase of the partnership is active.")
    if phase.kind == PhaseKind.project:
        unfinished = [p for p in phases if p.kind == PhaseKind.inception and p.status not in ENDED]
        if unfinished:
            raise RuleViolation(
                PROJECT_AFTER_INCEPTION, "The inception has not ended yet.", pointer="/actual_start"
            )
        await members.check_steering_group(session, partnership, data.actual_start)
    if data.actual_start > phase.planned_end:
        raise RuleViolation(
            PHASE_TRANSITION,
            f"The phase cannot start {data.actual_start}, after its planned end "
            f"{phase.planned_end}.",
            pointer="/actual_start",
        )
    _check_fits(phases, phase, data.actual_start, phase.planned_end, "/actual_start")
    await meetings.check_activity_plan(
        session, partnership, phase.kind, data.actual_start, phase.planned_end
    )
    phase.actual_start = data.actual_start
    phase.status = PhaseStatus.active
    await _record(
        session, principal, phase, PhaseAction.start, data, {"actual_start": data.actual_start}
    )
    await _settle_status(session, partnership)
    await session.flush()
    return phase


async def postpone_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: PostponePhase,
) -> Phase:
    partnership, phase = await get_phase(
        session, principal, partnership_id, phase_id, for_update=True
    )
    _require(phase, PhaseStatus.planned, PhaseStatus.active)
    start = phase.actual_start or phase.planned_start
    if not start <= data.paused_from <= phase.planned_end:
        raise RuleViolation(
            POSTPONEMENT_LENGTH,
            f"The pause starts {data.paused_from}, outside the phase "
            f"({start}..{phase.planned_end}).",
            pointer="/paused_from",
        )
    old_end = phase.planned_end
    new_end = old_end + timedelta(days=data.days)
    _check_fits(await list_phases(session, partnership.id), phase, start, new_end, "/paused_until")
    phase.planned_end = new_end
    await _record(
        session,
        principal,
        phase,
        PhaseAction.postpone,
        data,
        {
            "paused_from": data.paused_from,
            "paused_until": data.paused_until,
            "days": data.days,
            "old_planned_end": old_end,
            "new_planned_end": new_end,
        },
    )
    return phase


async def extend_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: ExtendPhase,
) -> Phase:
    partnership, phase = await get_phase(
        session, principal, partnership_id, phase_id, for_update=True
    )
    _require(phase, PhaseStatus.planned, PhaseStatus.active)
    if data.new_planned_end <= phase.planned_end:
        raise RuleViolation(
            EXTENSION_LATER_END,
            f"The new planned end {data.new_planned_end} is not after {phase.planned_end}.",
            pointer="/new_planned_end",
        )
    start = phase.actual_start or phase.planned_start
    check_extended_end(phase.kind, start, phase.planned_end, data.new_planned_end)
    phases = await list_phases(session, partnership.id)
    _check_fits(phases, phase, start, data.new_planned_end, "/new_planned_end")
    old_end, phase.planned_end = phase.planned_end, data.new_planned_end
    await _record(
        session,
        principal,
        phase,
        PhaseAction.extend,
        data,
        {"old_planned_end": old_end, "new_planned_end": data.new_planned_end},
    )
    return phase


async def terminate_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: TerminatePhase,
) -> Phase:
    partnership, phase = await get_phase(
        session, principal, partnership_id, phase_id, for_update=True
    )
    _require(phase, PhaseStatus.active)
    assert phase.actual_start is not None  # an active phase has started
    if not phase.actual_start <= data.effective_date < phase.planned_end:
        raise RuleViolation(
            EARLY_TERMINATION_DATE,
            f"The termination takes effect {data.effective_date}; it must fall on or after the "
            f"start {phase.actual_start} and before the planned end {phase.planned_end}.",
            pointer="/effective_date",
        )
    phase.actual_end = data.effective_date - timedelta(days=1)
    phase.status = PhaseStatus.terminated
    cancelled = await meetings.cancel_after(session, phase, data.effective_date)
    await _record(
        session,
        principal,
        phase,
        PhaseAction.terminate,
        data,
        {
            "effective_date": data.effective_date,
            "actual_end": phase.actual_end,
            "planned_end": phase.planned_end,
            "meetings_cancelled": cancelled,
        },
    )
    await _settle_status(session, partnership)
    await session.flush()
    return phase


async def complete_phase(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    phase_id: UUID,
    data: CompletePhase,
) -> Phase:
    partnership, phase = await get_phase(
        session, principal, partnership_id, phase_id, for_update=True
    )
    _require(phase, PhaseStatus.active)
    assert phase.actual_start is not None
    if data.actual_end < phase.actual_start:
        raise RuleViolation(
            PHASE_TRANSITION,
            f"The phase cannot end {data.actual_end}, before it started {phase.actual_start}.",
            pointer="/actual_end",
        )
    phases = await list_phases(session, partnership.id)
    _check_fits(phases, phase, phase.actual_start, data.actual_end, "/actual_end")
    phase.actual_end = data.actual_end
    phase.status = PhaseStatus.completed
    await _record(
        session, principal, phase, PhaseAction.complete, data, {"actual_end": data.actual_end}
    )
    await _settle_status(session, partnership)
    await session.flush()
    return phase


async def list_decisions(session: AsyncSession, partnership_id: UUID) -> list[Decision]:
    rows = await session.scalars(
        select(Decision)
        .where(Decision.partnership_id == partnership_id)
        .order_by(col(Decision.decided_at), col(Decision.id))
    )
    return list(rows)
