"""Election continuity: the elections' dates, whose mandates end at which election, and whether a
partnership's steering group survives it (docs/continuity.md; DOMAIN.md §2, §7).

Pure: the services gather elections, parties and members, and these functions judge them. Every
figure of docs/continuity.md is a named constant here.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import UUID

from app.core.errors import RuleMode, RuleViolation, rule
from app.core.i18n import Text, _
from app.models.enums import ContinuityRisk, ElectionLevel, OrganisationType
from app.rules.partnerships import SIDES, PhaseFacts, first_day, last_day, missing_politicians

# The steering group is re-confirmed within this many days after an election (assumption: no
# ICLD rule found; Swedish councils take office on 15 October and appoint their committees by
# the year's end, about three months after election day).
RECONFIRM_DAYS = 90
# "At risk in the next 12 months" (issue 18): the window of the programme-wide list and the
# `partnership.continuity_at_risk` event.
WINDOW_DAYS = 365

# Sweden elects its municipal and regional councils on the second Sunday of September every
# fourth year (Vallagen (2005:837) 1 kap. 3 §); generated from 2014 through a horizon.
SWEDISH_ELECTION_SOURCE = "Vallagen (2005:837) 1 kap. 3 §"
SWEDISH_FIRST_ELECTION_YEAR = 2014
SWEDISH_ELECTION_EVERY_YEARS = 4
SWEDISH_ELECTIONS_UNTIL = 2050
SWEDISH_GENERATED_LEVELS = (ElectionLevel.municipal, ElectionLevel.regional)
SUNDAY = 6

# Which level of election elects an organisation's politicians (assumption); a type without
# one has politicians whose mandate ends only when recorded.
LEVEL_OF_TYPE: Mapping[str, ElectionLevel] = {
    OrganisationType.municipality: ElectionLevel.municipal,
    OrganisationType.city: ElectionLevel.municipal,
    OrganisationType.district: ElectionLevel.municipal,
    OrganisationType.local_government_association: ElectionLevel.municipal,
    OrganisationType.joint_committee: ElectionLevel.municipal,
    OrganisationType.municipal_company: ElectionLevel.municipal,
    OrganisationType.region: ElectionLevel.regional,
    OrganisationType.county: ElectionLevel.regional,
    OrganisationType.government_agency: ElectionLevel.national,
}

# The rule behind each risk level (docs/continuity.md, "Risk levels").
RISK_RULES: Mapping[ContinuityRisk, tuple[str, Text]] = {
    ContinuityRisk.high: (
        "continuity.group-lapses",
        _(
            "If none of those whose mandates end at the election returns, the steering group "
            "breaks rule.steering-group-composition (DOMAIN.md §7) on the election's side the "
            "day after."
        ),
    ),
    ContinuityRisk.medium: (
        "continuity.reconfirmation-due",
        _(
            "Mandates end at the election; the steering group keeps majority and opposition on "
            "each side without them, and is re-confirmed within {days} days.",
            days=RECONFIRM_DAYS,
        ),
    ),
    ContinuityRisk.low: (
        "continuity.election-in-phase",
        _(
            "The election falls inside a phase, but no steering-group mandate ends there (a "
            "group already incomplete is the compliance view's rule.steering-group-composition)."
        ),
    ),
    ContinuityRisk.none: (
        "continuity.no-election",
        _("No election in the window falls inside a phase."),
    ),
}
RISK_ORDER = tuple(ContinuityRisk)  # least first
AT_RISK = (ContinuityRisk.medium, ContinuityRisk.high)


def swedish_election_day(year: int) -> date:
    """The second Sunday of September of `year` (Vallagen 1 kap. 3 §)."""
    first = date(year, 9, 1)
    first_sunday = first + timedelta(days=(SUNDAY - first.weekday()) % 7)
    return first_sunday + timedelta(days=7)


def swedish_election_days(until: int = SWEDISH_ELECTIONS_UNTIL) -> list[date]:
    """Every Swedish general election day from 2014 through `until`."""
    return [
        swedish_election_day(year)
        for year in range(SWEDISH_FIRST_ELECTION_YEAR, until + 1, SWEDISH_ELECTION_EVERY_YEARS)
    ]


def shifted(day: date, days: int) -> date:
    """`day` moved by `days`, kept within the calendar (no overflow at year 1 or 9999)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min


def reconfirm_by(held_on: date) -> date:
    """The day by which the steering group is re-confirmed after an election."""
    return shifted(held_on, RECONFIRM_DAYS)


def level_of(organisation_type: str) -> ElectionLevel | None:
    return LEVEL_OF_TYPE.get(organisation_type)


def higher(a: ContinuityRisk, b: ContinuityRisk) -> ContinuityRisk:
    return max(a, b, key=RISK_ORDER.index)


def at_least(risk: ContinuityRisk, floor: ContinuityRisk) -> bool:
    return RISK_ORDER.index(risk) >= RISK_ORDER.index(floor)


@dataclass(frozen=True)
class ElectionFacts:
    id: UUID
    country_code: str
    organisation_id: UUID | None
    level: str
    held_on: date


@dataclass(frozen=True)
class PartyFacts:
    organisation_id: UUID
    side: str
    country_code: str
    type: str


@dataclass(frozen=True)
class MemberFacts:
    """A steering-group politician's seat."""

    person_id: UUID
    organisation_id: UUID
    political_side: str | None
    mandate_ends: date | None
    start_date: date
    end_date: date | None


def elections_of(party: PartyFacts, elections: Iterable[ElectionFacts]) -> list[ElectionFacts]:
    """The elections that elect the party's politicians, soonest first: its own where entered
    for its level, else its country's of its level."""
    level = level_of(party.type)
    if level is None:
        return []
    same = [e for e in elections if e.country_code == party.country_code and e.level == level]
    own = [e for e in same if e.organisation_id == party.organisation_id]
    chosen = own or [e for e in same if e.organisation_id is None]
    return sorted(chosen, key=lambda e: (e.held_on, str(e.id)))


@dataclass(frozen=True)
class Mandate:
    ends: date | None
    """Its last day: recorded, or the election day it is assumed to end on; None: unknown."""
    recorded: bool
    election_id: UUID | None
    """The election it ends at: for a recorded end, the party's last election on or before it,
    if the end falls within that election's re-confirmation days (a Swedish council's term ends
    on 14 October after the September election); else none (it ends on its day)."""


def mandate_of(member: MemberFacts, party_elections: Sequence[ElectionFacts]) -> Mandate:
    """The recorded end of the member's mandate, or the first election of their organisation on
    or after the day they joined (unknown when none is entered)."""
    if member.mandate_ends is not None:
        ends = member.mandate_ends
        at = [e for e in party_elections if e.held_on <= ends <= reconfirm_by(e.held_on)]
        return Mandate(ends, True, at[-1].id if at else None)
    upcoming = [e for e in party_elections if e.held_on >= member.start_date]
    if not upcoming:
        return Mandate(None, False, None)
    return Mandate(upcoming[0].held_on, False, upcoming[0].id)


@dataclass(frozen=True)
class Ending:
    member: MemberFacts
    mandate: Mandate


@dataclass(frozen=True)
class ElectionJudgement:
    election: ElectionFacts
    side: str
    organisation_ids: list[UUID]
    ending: list[Ending]
    holds_after: dict[str, bool]
    missing_after: list[Text]
    reconfirm_by: date
    risk: ContinuityRisk


def _sitting(member: MemberFacts, day: date) -> bool:
    return member.start_date <= day and (member.end_date is None or member.end_date >= day)


def judge_election(
    election: ElectionFacts,
    parties: Sequence[PartyFacts],
    party_elections: Mapping[UUID, Sequence[ElectionFacts]],
    members: Sequence[MemberFacts],
    mandates: Mapping[MemberFacts, Mandate],
) -> ElectionJudgement:
    """Whose mandates end at the election (members of the parties it elects, sitting on
    election day), and whether `steering-group-composition` holds on each side the day after if
    none of them returns. `party_elections` holds each party's elections (`elections_of`),
    `mandates` each member's (`mandate_of`)."""
    elected = [
        p for p in parties if p.side in SIDES and election in party_elections[p.organisation_id]
    ]
    elected_ids = {p.organisation_id for p in elected}
    day, after = election.held_on, shifted(election.held_on, 1)
    ending = []
    present: set[tuple[UUID, str | None]] = set()
    for member in members:
        mandate = mandates[member]
        here = mandate.election_id == election.id
        # Ended before: at an earlier election, or on a recorded day before this one.
        before = mandate.ends is not None and mandate.ends < day and not here
        if _sitting(member, day) and here:
            ending.append(Ending(member, mandate))
        if _sitting(member, day) and _sitting(member, after) and not here and not before:
            present.add((member.organisation_id, member.political_side))
    side = elected[0].side if elected else SIDES[1]
    holds_after = {}
    missing: list[Text] = []
    for s in SIDES:
        lacking = missing_politicians(
            {p.organisation_id: p.side for p in parties if p.side == s}, present
        )
        holds_after[s] = not lacking
        missing += lacking
    if not ending:
        risk = ContinuityRisk.low
    elif not holds_after[side]:
        risk = ContinuityRisk.high
    else:
        risk = ContinuityRisk.medium
    return ElectionJudgement(
        election=election,
        side=side,
        organisation_ids=sorted(elected_ids, key=str),
        ending=ending,
        holds_after=holds_after,
        missing_after=missing,
        reconfirm_by=reconfirm_by(day),
        risk=risk,
    )


@dataclass(frozen=True)
class PhaseJudgement:
    phase: PhaseFacts
    starts: date
    ends: date
    elections: list[ElectionJudgement]


@dataclass(frozen=True)
class Judgement:
    phases: list[PhaseJudgement]
    unknown: list[MemberFacts]
    """Steering-group politicians whose mandate's end is unknown."""


def judge_partnership(
    phases: Sequence[PhaseFacts],
    parties: Sequence[PartyFacts],
    members: Sequence[MemberFacts],
    elections: Sequence[ElectionFacts],
) -> Judgement:
    """Each phase with the elections of the parties (Swedish and partner side) that fall inside
    it, judged; and the members whose mandate's end is unknown."""
    party_elections = {p.organisation_id: elections_of(p, elections) for p in parties}
    mandates = {m: mandate_of(m, party_elections.get(m.organisation_id, [])) for m in members}
    theirs = sorted(
        {e for p in parties if p.side in SIDES for e in party_elections[p.organisation_id]},
        key=lambda e: (e.held_on, str(e.id)),
    )
    judged = []
    for phase in phases:
        starts, ends = first_day(phase), last_day(phase)
        judged.append(
            PhaseJudgement(
                phase,
                starts,
                ends,
                [
                    judge_election(e, parties, party_elections, members, mandates)
                    for e in theirs
                    if starts <= e.held_on <= ends
                ],
            )
        )
    unknown = [m for m in members if mandates[m].ends is None]
    return Judgement(judged, unknown)


def in_window(held_on: date, as_of: date, within_days: int) -> bool:
    """An election not yet settled: held by `as_of + within_days`, its re-confirmation date not
    before `as_of`."""
    return held_on <= shifted(as_of, within_days) and reconfirm_by(held_on) >= as_of


def risk_of(judgements: Iterable[ElectionJudgement]) -> ContinuityRisk:
    risk = ContinuityRisk.none
    for judgement in judgements:
        risk = higher(risk, judgement.risk)
    return risk


ELECTION_ORGANISATION_COUNTRY = rule(
    "election-organisation-country",
    _("An organisation's own election is held in its country"),
    _(
        "An election entered for one organisation (where its date differs from its country's) "
        "has that organisation's country (docs/continuity.md)."
    ),
    mode=RuleMode.refuse,
    reads=(
        "elections.country_code",
        "elections.organisation_id",
        "organisations.country_code",
    ),
)


def check_election_country(
    organisation_name: str, organisation_country: str, election_country: str, pointer: str
) -> None:
    """`election-organisation-country`."""
    if organisation_country != election_country:
        raise RuleViolation(
            ELECTION_ORGANISATION_COUNTRY,
            _(
                "{name} is in {country}; its own election cannot be held in {election_country}.",
                name=organisation_name,
                country=organisation_country,
                election_country=election_country,
            ),
            pointer=pointer,
        )
