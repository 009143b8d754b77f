"""The compliance view: the programme's rules, computed per phase and project year from what is
planned and what happened (DOMAIN.md §7). Warnings report; they refuse nothing."""

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import ParamSpec
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import RuleViolation
from app.core.i18n import _, render
from app.core.periods import phase_years
from app.core.principal import Principal
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
from app.models.partnerships import Decision, Document, Member, Phase
from app.models.people import Person
from app.rules.funding import REPORT_DUE
from app.rules.partnerships import (
    SIDES,
    check_hosting,
    check_inception_ran,
    check_inception_team,
    check_letter_of_intent,
    check_project_group,
    check_steering_group,
    check_year_meetings,
    first_day,
    last_day,
    meetings_minimum,
    missing_politicians,
    sides_short_of_visits,
)
from app.schemas.partnerships.compliance import (
    Compliance,
    Finding,
    Hosting,
    OverdueReport,
    PhaseCompliance,
    ProjectYear,
)
from app.schemas.partnerships.members import Side
from app.services.funding.figures import overdue_reports
from app.services.partnerships.meetings import MeetingView, in_period, meetings_of_each
from app.services.partnerships.members import sides_of_each
from app.services.partnerships.partnerships import PartnershipRecord, get_partnership

P = ParamSpec("P")


def default_day() -> date:
    """The day the view judges when none is named: today (UTC)."""
    return datetime.now(UTC).date()


async def compliance(
    session: AsyncSession, principal: Principal, partnership_id: UUID, as_of: date
) -> Compliance:
    partnership = await get_partnership(session, principal, partnership_id)
    return (await compliance_of_each(session, [partnership], as_of))[0]


async def compliance_of_each(
    session: AsyncSession, partnerships: Sequence[PartnershipRecord], as_of: date
) -> list[Compliance]:
    """The compliance of each partnership (already scoped by the caller), from one statement per
    kind of fact whatever their number: a page of them costs what one does."""
    ids = [p.id for p in partnerships]
    sides = await sides_of_each(session, partnerships)
    meetings = await meetings_of_each(session, sides)
    phases: dict[UUID, list[Phase]] = defaultdict(list)
    for phase in await session.scalars(
        select(Phase)
        .where(col(Phase.partnership_id).in_(ids))
        .order_by(col(Phase.planned_start), col(Phase.id))
    ):
        phases[phase.partnership_id].append(phase)
    pauses = await _pauses(session, ids)
    members = await _members_on(session, ids, as_of)
    signed = await _letter_of_intent_signed(session, ids, as_of)
    overdue: dict[UUID, list[OverdueReport]] = defaultdict(list)
    for report in await overdue_reports(session, as_of, ids):
        overdue[report.partnership_id].append(report)
    return [
        _compliance(
            p,
            as_of,
            Facts(
                sides=sides[p.id],
                meetings=meetings[p.id],
                phases=phases[p.id],
                pauses=pauses[p.id],
                members=members[p.id],
                letter_of_intent_signed=p.id in signed,
                overdue=overdue[p.id],
            ),
        )
        for p in partnerships
    ]


@dataclass(frozen=True)
class MemberOn:
    """A member of a team on the day judged, with what the rules look at."""

    team: str
    organisation_id: UUID
    kind: str
    political_side: str | None


@dataclass(frozen=True)
class Facts:
    """What one partnership's compliance is computed from."""

    sides: dict[UUID, Side]
    meetings: list[MeetingView]
    phases: list[Phase]
    pauses: dict[UUID, list[tuple[date, date]]]
    members: list[MemberOn]
    letter_of_intent_signed: bool
    overdue: list[OverdueReport]


def _warnings(check: Callable[P, None], *args: P.args, **kwargs: P.kwargs) -> list[Finding]:
    """A rule's check, reported: its violation as a warning (none when it holds)."""
    try:
        check(*args, **kwargs)
    except RuleViolation as violation:
        return [Finding(code=violation.kind.code, message=render(violation.detail))]
    return []


def _compliance(partnership: PartnershipRecord, as_of: date, facts: Facts) -> Compliance:
    warnings: list[Finding] = []
    phases = []
    for phase in facts.phases:
        starts, ends = first_day(phase), last_day(phase)
        in_phase = [v for v in facts.meetings if in_period(v, starts, ends)]
        years = []
        if phase.kind == PhaseKind.project:
            for n, a, b in phase_years(starts, ends):
                # What was held is judged once the phase has started, after each year's end.
                judge_from = as_of if phase.status != PhaseStatus.planned else date.min
                year = _year(n, a, b, in_phase, judge_from, facts.pauses.get(phase.id, []))
                years.append(year)
                if phase.status == PhaseStatus.active and year.ends >= as_of:
                    warnings += _warnings(check_year_meetings, n, a, b, year.planned, year.minimum)
                if year.held_ok is not None:
                    warnings += _warnings(
                        check_year_meetings, n, a, b, year.held, year.minimum, held=True
                    )
        hosting = {side: _hosting(in_phase, side) for side in SIDES}
        planned = {side: h.planned for side, h in hosting.items()}
        held = {side: h.held for side, h in hosting.items()}
        ended = ends < as_of
        if phase.status == PhaseStatus.active and not ended:
            warnings += _warnings(check_hosting, phase.kind, starts, ends, planned)
        if ended and phase.status != PhaseStatus.planned:
            warnings += _warnings(check_hosting, phase.kind, starts, ends, held, held=True)
        if phase.kind == PhaseKind.inception:
            warnings += _warnings(check_inception_ran, starts, ends)
        phases.append(
            PhaseCompliance(
                phase_id=phase.id,
                kind=PhaseKind(phase.kind),
                status=PhaseStatus(phase.status),
                starts=starts,
                ends=ends,
                years=years,
                hosting=hosting,
                reciprocal_hosting_planned=not sides_short_of_visits(planned),
                reciprocal_hosting_held=not sides_short_of_visits(held) if ended else None,
            )
        )
    missing = missing_politicians(
        facts.sides,
        {
            (m.organisation_id, m.political_side)
            for m in facts.members
            if m.team == MemberGroup.steering_group and m.kind == PersonKind.politician
        },
    )
    active = {p.kind for p in phases if p.status == PhaseStatus.active}
    if PhaseKind.project in active:
        warnings += _warnings(check_steering_group, missing)
    warnings += _team_warnings(facts, active)
    signed = facts.letter_of_intent_signed
    warnings += _warnings(
        check_letter_of_intent, signed, any(p.kind == PhaseKind.project for p in phases)
    )
    warnings += [
        Finding(
            code=REPORT_DUE.code,
            message=render(
                _(
                    "The {kind} report on year {year} of grant {grant} was due {day}.",
                    kind=r.kind,
                    year=r.year,
                    grant=r.reference,
                    day=r.due_on,
                )
            ),
        )
        for r in facts.overdue
    ]
    return Compliance(
        partnership_id=partnership.id,
        as_of=as_of,
        phases=phases,
        letter_of_intent_signed=signed,
        steering_group_missing=[render(m) for m in missing],
        overdue_reports=facts.overdue,
        warnings=warnings,
    )


async def _pauses(
    session: AsyncSession, partnership_ids: list[UUID]
) -> dict[UUID, dict[UUID, list[tuple[date, date]]]]:
    """The postponements' paused windows, by partnership and phase."""
    pauses: dict[UUID, dict[UUID, list[tuple[date, date]]]] = defaultdict(dict)
    for decision in await session.scalars(
        select(Decision)
        .where(
            col(Decision.partnership_id).in_(partnership_ids),
            Decision.action == PhaseAction.postpone,
        )
        .order_by(col(Decision.decided_at), col(Decision.id))
    ):
        window = (
            date.fromisoformat(decision.details["paused_from"]),
            date.fromisoformat(decision.details["paused_until"]),
        )
        pauses[decision.partnership_id].setdefault(decision.phase_id, []).append(window)
    return pauses


async def _members_on(
    session: AsyncSession, partnership_ids: list[UUID], on: date
) -> dict[UUID, list[MemberOn]]:
    """Every team's members on a day, by partnership."""
    end_date = col(Member.end_date)
    rows = await session.execute(
        sa.select(
            col(Member.partnership_id),
            col(Member.team),
            col(Person.organisation_id),
            col(Person.kind),
            col(Person.political_side),
        )
        .join(Person, col(Person.id) == col(Member.person_id))
        .where(
            col(Member.partnership_id).in_(partnership_ids),
            col(Member.start_date) <= on,
            sa.or_(end_date.is_(None), end_date >= on),
        )
    )
    members: dict[UUID, list[MemberOn]] = defaultdict(list)
    for partnership_id, team, organisation_id, kind, political_side in rows:
        members[partnership_id].append(MemberOn(team, organisation_id, kind, political_side))
    return members


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
    minimum = meetings_minimum(a, b, paused)
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
    session: AsyncSession, partnership_ids: list[UUID], as_of: date
) -> set[UUID]:
    """The partnerships with a letter of intent on file (uploaded), signed by both sides by
    `as_of`."""
    found = await session.scalars(
        select(Document.partnership_id).where(
            col(Document.partnership_id).in_(partnership_ids),
            Document.kind == DocumentKind.letter_of_intent,
            col(Document.file_key).is_not(None),
            col(Document.swedish_signed_on) <= as_of,
            col(Document.partner_signed_on) <= as_of,
        )
    )
    return set(found)


def _team_warnings(facts: Facts, active: set[PhaseKind]) -> list[Finding]:
    findings = []
    if PhaseKind.inception in active:
        for side in SIDES:
            politicians = {
                m.political_side
                for m in facts.members
                if m.team == MemberGroup.inception_team
                and facts.sides.get(m.organisation_id) == side
                and m.kind == PersonKind.politician
            }
            findings += _warnings(check_inception_team, side, politicians)
    if PhaseKind.project in active:
        for side in SIDES:
            officials = sum(
                1
                for m in facts.members
                if m.team == MemberGroup.project_group
                and facts.sides.get(m.organisation_id) == side
                and m.kind == PersonKind.official
            )
            findings += _warnings(check_project_group, side, officials)
    return findings
