"""The continuity view (docs/continuity.md): per partnership, the elections inside its phases and
whether its steering group survives them; across the programme, the partnerships facing an
election in the window; and the funding alerts' rows of those at risk.

The judging is `app/rules/continuity.py`'s; here the facts are read, one statement per kind of
fact whatever the number of partnerships (a page costs what one does)."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.i18n import render
from app.core.paging import PageParams, paginate
from app.core.principal import Principal
from app.core.scopes import scope_partnerships
from app.models.elections import Election
from app.models.enums import ContinuityRisk, MemberGroup, PersonKind, PhaseKind, PhaseStatus
from app.models.organisations import Organisation
from app.models.partnerships import Member, Partnership, PartnershipPartner, Phase
from app.models.people import Person
from app.rules.continuity import (
    AT_RISK,
    LEVEL_OF_TYPE,
    RECONFIRM_DAYS,
    RISK_RULES,
    ElectionFacts,
    ElectionJudgement,
    MemberFacts,
    PartyFacts,
    at_least,
    in_window,
    judge_partnership,
    risk_of,
    shifted,
)
from app.schemas.continuity import (
    Continuity,
    ContinuityAlert,
    ContinuitySummary,
    ElectionContinuity,
    MandateEnding,
    PhaseContinuity,
    Risk,
    UnknownMandate,
)
from app.services.partnerships.members import sides_of_each
from app.services.partnerships.partnerships import PartnershipRecord, get_partnership

_PARTNERSHIPS: sa.Table = Partnership.__table__  # type: ignore[attr-defined]
_ORGANISATIONS: sa.Table = Organisation.__table__  # type: ignore[attr-defined]
_ELECTIONS: sa.Table = Election.__table__  # type: ignore[attr-defined]


def risk(level: ContinuityRisk) -> Risk:
    rule, reason = RISK_RULES[level]
    return Risk(level=level, rule=rule, reason=render(reason))


async def continuity(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    as_of: date,
    within_days: int,
) -> Continuity:
    partnership = await get_partnership(session, principal, partnership_id)
    return (await continuity_of_each(session, [partnership], as_of, within_days))[0]


async def continuity_of_each(
    session: AsyncSession,
    partnerships: Sequence[PartnershipRecord],
    as_of: date,
    within_days: int,
) -> list[Continuity]:
    """The continuity of each partnership (already scoped by the caller), from five statements
    whatever their number: parties, organisations, phases, steering-group members, elections."""
    ids = [p.id for p in partnerships]
    sides = await sides_of_each(session, partnerships)
    organisations = {
        o.id: o
        for o in await session.execute(
            sa.select(
                col(Organisation.id), col(Organisation.country_code), col(Organisation.type)
            ).where(col(Organisation.id).in_({org for s in sides.values() for org in s}))
        )
    }
    phases: dict[UUID, list[Phase]] = defaultdict(list)
    for phase in await session.scalars(
        select(Phase)
        .where(col(Phase.partnership_id).in_(ids))
        .order_by(col(Phase.planned_start), col(Phase.id))
    ):
        phases[phase.partnership_id].append(phase)
    members: dict[UUID, list[MemberFacts]] = defaultdict(list)
    for row in await session.execute(
        sa.select(
            col(Member.partnership_id),
            col(Member.person_id),
            col(Person.organisation_id),
            col(Person.political_side),
            col(Person.mandate_ends),
            col(Member.start_date),
            col(Member.end_date),
        )
        .join(Person, col(Person.id) == col(Member.person_id))
        .where(
            col(Member.partnership_id).in_(ids),
            col(Member.team) == MemberGroup.steering_group,
            col(Person.kind) == PersonKind.politician,
        )
        .order_by(col(Member.start_date), col(Member.id))
    ):
        members[row.partnership_id].append(
            MemberFacts(
                row.person_id,
                row.organisation_id,
                row.political_side,
                row.mandate_ends,
                row.start_date,
                row.end_date,
            )
        )
    countries = {o.country_code for o in organisations.values()}
    elections = [
        ElectionFacts(e.id, e.country_code, e.organisation_id, e.level, e.held_on)
        for e in await session.execute(
            sa.select(
                col(Election.id),
                col(Election.country_code),
                col(Election.organisation_id),
                col(Election.level),
                col(Election.held_on),
            )
            .where(col(Election.country_code).in_(countries))
            .order_by(col(Election.held_on), col(Election.id))
        )
    ]
    views = []
    for p in partnerships:
        parties = [
            PartyFacts(org, side, organisations[org].country_code, organisations[org].type)
            for org, side in sides[p.id].items()
        ]
        views.append(
            _view(p.id, as_of, within_days, phases[p.id], parties, members[p.id], elections)
        )
    return views


def _view(
    partnership_id: UUID,
    as_of: date,
    within_days: int,
    phases: list[Phase],
    parties: list[PartyFacts],
    members: list[MemberFacts],
    elections: list[ElectionFacts],
) -> Continuity:
    judged = judge_partnership(phases, parties, members, elections)
    window: list[ElectionJudgement] = [
        e
        for phase in judged.phases
        for e in phase.elections
        if in_window(e.election.held_on, as_of, within_days)
    ]
    return Continuity(
        partnership_id=partnership_id,
        as_of=as_of,
        within_days=within_days,
        phases=[
            PhaseContinuity(
                phase_id=phase.phase.id,
                kind=PhaseKind(phase.phase.kind),
                status=PhaseStatus(phase.phase.status),
                starts=phase.starts,
                ends=phase.ends,
                elections=[_election(e) for e in phase.elections],
            )
            for phase in judged.phases
        ],
        risk=risk(risk_of(window)),
        mandates_unknown=[
            UnknownMandate(person_id=m.person_id, organisation_id=m.organisation_id)
            for m in judged.unknown
        ],
    )


def _election(judgement: ElectionJudgement) -> ElectionContinuity:
    e = judgement.election
    return ElectionContinuity(
        election_id=e.id,
        held_on=e.held_on,
        level=e.level,
        country_code=e.country_code,
        side=judgement.side,
        organisation_ids=judgement.organisation_ids,
        mandates_ending=[
            MandateEnding(
                person_id=ending.member.person_id,
                organisation_id=ending.member.organisation_id,
                political_side=ending.member.political_side,
                mandate_ends=ending.mandate.ends,
                recorded=ending.mandate.recorded,
            )
            for ending in judgement.ending
            if ending.mandate.ends is not None
        ],
        holds_after=judgement.holds_after,
        missing_after=[render(m) for m in judgement.missing_after],
        reconfirm_by=judgement.reconfirm_by,
        risk=risk(judgement.risk),
    )


def alerts_of(
    partnership: PartnershipRecord, view: Continuity, as_of: date, at_risk_only: bool
) -> list[ContinuityAlert]:
    """The elections of a partnership's view in its window, as alert rows (only those at risk
    with `at_risk_only`)."""
    return [
        ContinuityAlert(
            partnership_id=partnership.id,
            partnership_title=partnership.title,
            election_id=e.election_id,
            held_on=e.held_on,
            level=e.level,
            country_code=e.country_code,
            side=e.side,
            mandates_ending=len(e.mandates_ending),
            holds_after=e.holds_after,
            reconfirm_by=e.reconfirm_by,
            risk=e.risk,
            days_left=(e.held_on - as_of).days,
        )
        for phase in view.phases
        for e in phase.elections
        if in_window(e.held_on, as_of, view.within_days)
        and (e.risk.level in AT_RISK or not at_risk_only)
    ]


def _level_of(organisation_type: Any) -> Any:
    return sa.case(
        {str(kind): level.value for kind, level in LEVEL_OF_TYPE.items()},
        value=organisation_type,
        else_=None,
    )


def facing_an_election(since: date, until: date) -> sa.ColumnElement[bool]:
    """A partnership with an election of one of its Swedish or partner-side parties, held from
    `since` through `until`, inside one of its phases (the SQL twin of the rules' choice of a
    party's elections: its own of its level where entered, else its country's)."""
    party = _ORGANISATIONS.alias("party")
    own = _ELECTIONS.alias("own")
    starts = sa.func.coalesce(col(Phase.actual_start), col(Phase.planned_start))
    ends = sa.func.coalesce(col(Phase.actual_end), col(Phase.planned_end))
    partners = sa.select(col(PartnershipPartner.organisation_id)).where(
        col(PartnershipPartner.partnership_id) == _PARTNERSHIPS.c.id
    )
    return sa.exists(
        sa.select(sa.literal(1))
        .select_from(Phase)
        .join(
            Election,
            sa.and_(col(Election.held_on) >= starts, col(Election.held_on) <= ends),
        )
        .join(
            party,
            sa.and_(
                party.c.country_code == col(Election.country_code),
                _level_of(party.c.type) == col(Election.level),
            ),
        )
        .where(
            col(Phase.partnership_id) == _PARTNERSHIPS.c.id,
            col(Election.held_on) >= since,
            col(Election.held_on) <= until,
            sa.or_(party.c.id == _PARTNERSHIPS.c.swedish_party_id, party.c.id.in_(partners)),
            sa.or_(
                col(Election.organisation_id) == party.c.id,
                sa.and_(
                    col(Election.organisation_id).is_(None),
                    ~sa.exists().where(
                        own.c.organisation_id == party.c.id, own.c.level == col(Election.level)
                    ),
                ),
            ),
        )
    )


def _country() -> sa.ColumnElement[str]:
    """The partnership's first partner country by code ('' without a partner)."""
    first = (
        sa.select(sa.func.min(col(Organisation.country_code)))
        .join(PartnershipPartner, col(PartnershipPartner.organisation_id) == col(Organisation.id))
        .where(col(PartnershipPartner.partnership_id) == _PARTNERSHIPS.c.id)
        .scalar_subquery()
    )
    return sa.func.coalesce(first, "")


def _window(as_of: date, within_days: int) -> tuple[date, date]:
    """The election days of the window (`in_window`): not yet settled, held by its end."""
    return shifted(as_of, -RECONFIRM_DAYS), shifted(as_of, within_days)


@dataclass(frozen=True)
class ContinuityFilters:
    country: str | None = None
    min_risk: ContinuityRisk | None = None


async def list_continuity(
    session: AsyncSession,
    principal: Principal,
    as_of: date,
    within_days: int,
    filters: ContinuityFilters,
    page: PageParams,
) -> tuple[list[ContinuitySummary], str | None]:
    country = _country()
    stmt = scope_partnerships(
        principal,
        sa.select(
            _PARTNERSHIPS.c.id,
            _PARTNERSHIPS.c.title,
            _PARTNERSHIPS.c.status,
            _PARTNERSHIPS.c.swedish_party_id,
            _PARTNERSHIPS.c.third_party_id,
            country.label("country_code"),
        ).where(facing_an_election(*_window(as_of, within_days))),
    )
    if filters.country:
        stmt = stmt.where(country == filters.country.upper())
    rows: list[sa.Row[Any]]
    rows, cursor = await paginate(
        session,
        stmt,
        order=[country, _PARTNERSHIPS.c.title, _PARTNERSHIPS.c.id],
        key=lambda p: (p.country_code, p.title, p.id),
        params=page,
        sort_name="country",
        as_rows=True,
    )
    views = await continuity_of_each(session, rows, as_of, within_days)
    items = [
        ContinuitySummary(
            partnership_id=p.id,
            title=p.title,
            status=p.status,
            country_code=p.country_code or None,
            risk=view.risk,
            elections=alerts_of(p, view, as_of, at_risk_only=False),
        )
        for p, view in zip(rows, views, strict=True)
    ]
    if filters.min_risk is not None:
        floor = filters.min_risk
        items = [i for i in items if at_least(i.risk.level, floor)]
    return items, cursor


async def continuity_at_risk(
    session: AsyncSession, as_of: date, within_days: int
) -> list[ContinuityAlert]:
    """Every partnership's elections in the window at risk `medium` or `high`, soonest first:
    the funding alerts' rows, and what `partnership.continuity_at_risk` announces."""
    rows: list[sa.Row[Any]] = list(
        await session.execute(
            sa.select(
                _PARTNERSHIPS.c.id,
                _PARTNERSHIPS.c.title,
                _PARTNERSHIPS.c.swedish_party_id,
                _PARTNERSHIPS.c.third_party_id,
            )
            .where(facing_an_election(*_window(as_of, within_days)))
            .order_by(_PARTNERSHIPS.c.title, _PARTNERSHIPS.c.id)
        )
    )
    if not rows:
        return []
    views = await continuity_of_each(session, rows, as_of, within_days)
    alerts = [
        alert
        for p, view in zip(rows, views, strict=True)
        for alert in alerts_of(p, view, as_of, at_risk_only=True)
    ]
    return sorted(alerts, key=lambda a: (a.held_on, a.partnership_title, str(a.partnership_id)))
