"""The compliance view: the programme's rules, computed per phase and project year from what is
planned and what happened (DOMAIN.md §7). Warnings report; they refuse nothing."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

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
    INCEPTION_DURATION,
    INCEPTION_TEAM,
    LETTER_OF_INTENT,
    MEETINGS_PER_PROJECT_YEAR,
    PROJECT_GROUP_SIZE,
    RECIPROCAL_VISITS,
    STEERING_GROUP_COMPOSITION,
    longest_end,
)
from app.schemas.funding.figures import OverdueReport
from app.schemas.partnerships.meetings import (
    Compliance,
    Finding,
    Hosting,
    PhaseCompliance,
    ProjectYear,
)
from app.schemas.partnerships.members import Side
from app.services.funding.figures import overdue_reports
from app.services.partnerships.meetings import (
    MINIMUM_MEETINGS_A_YEAR,
    MeetingView,
    in_period,
    meetings_of_each,
)
from app.services.partnerships.members import missing_politicians, sides_of_each
from app.services.partnerships.partnerships import PartnershipRecord, get_partnership

SIDES = ("swedish", "partner")


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


def _compliance(partnership: PartnershipRecord, as_of: date, facts: Facts) -> Compliance:
    warnings: list[Finding] = []
    phases = []
    for phase in facts.phases:
        starts = phase.actual_start or phase.planned_start
        ends = phase.actual_end or phase.planned_end
        in_phase = [v for v in facts.meetings if in_period(v, starts, ends)]
        years = []
        if phase.kind == PhaseKind.project:
            for n, a, b in phase_years(starts, ends):
                # What was held is judged once the phase has started, after each year's end.
                judge_from = as_of if phase.status != PhaseStatus.planned else date.min
                year = _year(n, a, b, in_phase, judge_from, facts.pauses.get(phase.id, []))
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
        if phase.kind == PhaseKind.inception and ends > longest_end(phase.kind, starts):
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
    missing = missing_politicians(
        facts.sides,
        {
            (m.organisation_id, m.political_side)
            for m in facts.members
            if m.team == MemberGroup.steering_group and m.kind == PersonKind.politician
        },
    )
    active = {p.kind for p in phases if p.status == PhaseStatus.active}
    if PhaseKind.project in active and missing:
        warnings.append(
            Finding(
                code=STEERING_GROUP_COMPOSITION.code,
                message=f"The steering group lacks {', '.join(missing)}.",
            )
        )
    warnings += _team_warnings(facts, active)
    signed = facts.letter_of_intent_signed
    if not signed and any(p.kind == PhaseKind.project for p in phases):
        warnings.append(
            Finding(
                code=LETTER_OF_INTENT.code,
                message="A project is planned or running without a letter of intent signed by "
                "both sides.",
            )
        )
    warnings += [
        Finding(
            code=REPORT_DUE.code,
            message=f"The {r.kind} report on year {r.year} of grant {r.reference} was due "
            f"{r.due_on}.",
        )
        for r in facts.overdue
    ]
    return Compliance(
        partnership_id=partnership.id,
        as_of=as_of,
        phases=phases,
        letter_of_intent_signed=signed,
        steering_group_missing=missing,
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
                for m in facts.members
                if m.team == MemberGroup.project_group
                and facts.sides.get(m.organisation_id) == side
                and m.kind == PersonKind.official
            )
            if not 3 <= officials <= 5:
                findings.append(
                    Finding(
                        code=PROJECT_GROUP_SIZE.code,
                        message=f"The {side} project group has {officials} officials, not 3-5.",
                    )
                )
    return findings
