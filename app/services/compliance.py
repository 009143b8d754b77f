"""The compliance view: the programme's rules, computed per phase and project year from what is
planned and what happened (DOMAIN.md §7). Warnings report; they refuse nothing."""

from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.api.auth import Principal
from app.models.enums import (
    HOSTED_VISITS,
    DocumentKind,
    MeetingStatus,
    MemberGroup,
    PersonKind,
    PhaseAction,
    PhaseKind,
    PhaseStatus,
)
from app.models.partnerships import Document, Member, Partnership
from app.models.people import Person
from app.rules import (
    INCEPTION_DURATION,
    INCEPTION_TEAM,
    LETTER_OF_INTENT,
    MEETINGS_PER_PROJECT_YEAR,
    PROJECT_GROUP_SIZE,
    RECIPROCAL_VISITS,
    REPORT_DUE,
    STEERING_GROUP_COMPOSITION,
)
from app.schemas.meetings import Compliance, Finding, Hosting, PhaseCompliance, ProjectYear
from app.schemas.phases import last_day_within, phase_years
from app.services.funding_reports import overdue_reports
from app.services.meetings import (
    MINIMUM_MEETINGS_A_YEAR,
    MeetingView,
    in_period,
    meetings_of,
)
from app.services.members import sides_of, steering_group_missing
from app.services.partnerships import get_partnership
from app.services.phases import list_decisions, list_phases

SIDES = ("swedish", "partner")


async def compliance(
    session: AsyncSession, principal: Principal, partnership_id: UUID, as_of: date
) -> Compliance:
    partnership = await get_partnership(session, principal, partnership_id)
    meetings = await meetings_of(session, partnership)
    warnings: list[Finding] = []
    phases = []
    pauses = await _pauses(session, partnership)
    for phase in await list_phases(session, partnership.id):
        starts = phase.actual_start or phase.planned_start
        ends = phase.actual_end or phase.planned_end
        in_phase = [v for v in meetings if in_period(v, starts, ends)]
        years = []
        if phase.kind == PhaseKind.project:
            for n, a, b in phase_years(starts, ends):
                # What was held is judged once the phase has started, after each year's end.
                judge_from = as_of if phase.status != PhaseStatus.planned else date.min
                year = _year(n, a, b, in_phase, judge_from, pauses.get(phase.id, []))
                years.append(year)
                if (
                    phase.status == PhaseStatus.active
                    and year.ends >= as_of
                    and not year.planned_ok
                ):
                    warnings.append(
                        Finding(
                            code=MEETINGS_PER_PROJECT_YEAR.code,
                            message=f"Project year {n} ({a}..{b}) plans {year.planned} meetings.",
                        )
                    )
                if year.held_ok is False:
                    warnings.append(
                        Finding(
                            code=MEETINGS_PER_PROJECT_YEAR.code,
                            message=f"Project year {n} ({a}..{b}) held {year.held} meetings.",
                        )
                    )
        hosting = {side: _hosting(in_phase, side) for side in SIDES}
        ended = ends < as_of
        planned_both = all(h.planned >= 1 for h in hosting.values())
        if phase.status == PhaseStatus.active and not ended and not planned_both:
            warnings.append(
                Finding(
                    code=RECIPROCAL_VISITS.code,
                    message=f"The active {phase.kind} phase plans no visit hosted by each side.",
                )
            )
        held_both = all(h.held >= 1 for h in hosting.values())
        if ended and not held_both and phase.status != PhaseStatus.planned:
            warnings.append(
                Finding(
                    code=RECIPROCAL_VISITS.code,
                    message=f"In the {phase.kind} phase {starts}..{ends} not both sides "
                    "hosted a visit.",
                )
            )
        if phase.kind == PhaseKind.inception and ends > last_day_within(starts, 1):
            warnings.append(
                Finding(
                    code=INCEPTION_DURATION.code,
                    message=f"The inception runs {starts}..{ends}, over twelve months.",
                )
            )
        phases.append(
            PhaseCompliance(
                phase_id=phase.id,
                kind=PhaseKind(phase.kind),
                status=PhaseStatus(phase.status),
                starts=starts,
                ends=ends,
                years=years,
                hosting=hosting,
                reciprocal_hosting_planned=planned_both,
                reciprocal_hosting_held=held_both if ended else None,
            )
        )
    missing = await steering_group_missing(session, partnership, as_of)
    active = {p.kind for p in phases if p.status == PhaseStatus.active}
    if PhaseKind.project in active and missing:
        warnings.append(
            Finding(
                code=STEERING_GROUP_COMPOSITION.code,
                message=f"The steering group lacks {', '.join(missing)}.",
            )
        )
    warnings += await _team_warnings(session, partnership, active, as_of)
    signed = await _letter_of_intent_signed(session, partnership, as_of)
    if not signed and any(p.kind == PhaseKind.project for p in phases):
        warnings.append(
            Finding(
                code=LETTER_OF_INTENT.code,
                message="A project is planned or running without a letter of intent signed by "
                "both sides.",
            )
        )
    overdue = await overdue_reports(session, as_of, [partnership.id])
    warnings += [
        Finding(
            code=REPORT_DUE.code,
            message=f"The {r.kind} report on year {r.year} of grant {r.reference} was due "
            f"{r.due_on}.",
        )
        for r in overdue
    ]
    return Compliance(
        partnership_id=partnership.id,
        as_of=as_of,
        phases=phases,
        letter_of_intent_signed=signed,
        steering_group_missing=missing,
        overdue_reports=overdue,
        warnings=warnings,
    )


async def _pauses(
    session: AsyncSession, partnership: Partnership
) -> dict[UUID, list[tuple[date, date]]]:
    """The postponements' paused windows, by phase."""
    pauses: dict[UUID, list[tuple[date, date]]] = {}
    for decision in await list_decisions(session, partnership.id):
        if decision.action == PhaseAction.postpone:
            window = (
                date.fromisoformat(decision.details["paused_from"]),
                date.fromisoformat(decision.details["paused_until"]),
            )
            pauses.setdefault(decision.phase_id, []).append(window)
    return pauses


def _paused_days(a: date, b: date, pauses: list[tuple[date, date]]) -> int:
    return sum(max(0, (min(b, until) - max(a, since)).days + 1) for since, until in pauses)


def _year(
    n: int,
    a: date,
    b: date,
    in_phase: list[MeetingView],
    as_of: date,
    pauses: list[tuple[date, date]],
) -> ProjectYear:
    """A project year's meetings against the minimum, which a postponement's pause lifts from a
    year it covers more than half of (nobody is asked to meet during the pandemic)."""
    paused = _paused_days(a, b, pauses)
    minimum = 0 if paused * 2 > (b - a).days + 1 else MINIMUM_MEETINGS_A_YEAR
    mine = [v for v in in_phase if in_period(v, a, b)]
    held = sum(v.meeting.status == MeetingStatus.held for v in mine)
    cancelled = sum(v.meeting.status == MeetingStatus.cancelled for v in mine)
    planned = len(mine) - cancelled
    return ProjectYear(
        year=n,
        starts=a,
        ends=b,
        planned=planned,
        held=held,
        cancelled=cancelled,
        paused_days=paused,
        minimum=minimum,
        planned_ok=planned >= minimum,
        held_ok=(held >= minimum) if b < as_of else None,
    )


def _hosting(in_phase: list[MeetingView], side: str) -> Hosting:
    visits = [
        v
        for v in in_phase
        if v.host_side == side
        and v.meeting.kind in HOSTED_VISITS
        and v.meeting.status != MeetingStatus.cancelled
    ]
    return Hosting(
        planned=len(visits), held=sum(v.meeting.status == MeetingStatus.held for v in visits)
    )


async def _letter_of_intent_signed(
    session: AsyncSession, partnership: Partnership, as_of: date
) -> bool:
    """A letter of intent on file (uploaded), signed by both sides by `as_of`."""
    found = await session.scalar(
        select(Document.id).where(
            Document.partnership_id == partnership.id,
            Document.kind == DocumentKind.letter_of_intent,
            col(Document.file_key).is_not(None),
            col(Document.swedish_signed_on) <= as_of,
            col(Document.partner_signed_on) <= as_of,
        )
    )
    return found is not None


async def _team_warnings(
    session: AsyncSession, partnership: Partnership, active: set[PhaseKind], as_of: date
) -> list[Finding]:
    sides = await sides_of(session, partnership)
    end_date = col(Member.end_date)
    rows = await session.execute(
        select(Member.team, Person.organisation_id, Person.kind, Person.political_side)
        .join(Person, col(Person.id) == col(Member.person_id))
        .where(
            Member.partnership_id == partnership.id,
            col(Member.start_date) <= as_of,
            sa.or_(end_date.is_(None), end_date >= as_of),
        )
    )
    teams = rows.all()
    findings = []
    if PhaseKind.inception in active:
        for side in SIDES:
            politicians = {
                political
                for team, org, kind, political in teams
                if team == MemberGroup.inception_team
                and sides.get(org) == side
                and kind == PersonKind.politician
            }
            if not {"majority", "opposition"} <= politicians:
                findings.append(
                    Finding(
                        code=INCEPTION_TEAM.code,
                        message=f"The {side} inception team lacks a majority and an opposition "
                        "politician.",
                    )
                )
    if PhaseKind.project in active:
        for side in SIDES:
            officials = sum(
                1
                for team, org, kind, _ in teams
                if team == MemberGroup.project_group
                and sides.get(org) == side
                and kind == PersonKind.official
            )
            if not 3 <= officials <= 5:
                findings.append(
                    Finding(
                        code=PROJECT_GROUP_SIZE.code,
                        message=f"The {side} project group has {officials} officials, not 3-5.",
                    )
                )
    return findings
