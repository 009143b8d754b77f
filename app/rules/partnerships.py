"""The rules of partnerships: parties, phases, groups, meetings and documents (DOMAIN.md §1-§3,
§7; docs/partnerships.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`. The checks are pure: the services gather the stored facts
a rule needs and call them. The compliance view reports a broken rule instead of refusing: it
calls the same checks and turns each violation into a warning.
"""

from collections.abc import Iterable, Mapping, Sequence, Set
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID

from app.clock import STOCKHOLM
from app.core.errors import CONFLICT, ProblemError, RuleMode, RuleViolation, rule
from app.core.i18n import Listing, Message, Text, _, separated
from app.core.periods import last_day_within
from app.models.enums import (
    ELIGIBLE_SWEDISH_APPLICANT_TYPES,
    EU_MEMBER_STATES,
    DocumentKind,
    MeetingAction,
    MeetingStatus,
    MemberGroup,
    PersonKind,
    PhaseAction,
    PhaseKind,
    PhaseStatus,
    PoliticalSide,
)
from app.rules.reference import SWEDEN
from app.rules.words import code_listing, in_words

# The two sides the rules on groups and visits weigh (an EU third party is neither).
SIDES = ("swedish", "partner")
# The political sides a steering group and an inception team hold a politician of, on each side.
POLITICAL_SIDES = (PoliticalSide.majority, PoliticalSide.opposition)

UNKNOWN_PARTNERSHIP = rule(
    "unknown-partnership",
    _("Unknown partnership"),
    _("The partnership referred to does not exist (or is not yours)."),
    mode=RuleMode.refuse,
    reads=(
        "partnerships.id",
        "applications.partnership_id",
        "grants.partnership_id",
        "study_visits.partnership_id",
    ),
)

# Parties

SWEDISH_APPLICANT_ELIGIBLE = rule(
    "swedish-applicant-eligible",
    _("The Swedish party must be an eligible applicant"),
    _(
        "The Swedish party is a Swedish municipality, region, district committee, local government "
        "association, joint committee or municipal company (DOMAIN.md §2, [RL20 §1]); so is a "
        "Swedish organisation that declares it seeks a partner (docs/partner-search.md)."
    ),
    mode=RuleMode.refuse,
    reads=(
        "partnerships.swedish_party_id",
        "organisations.type",
        "organisations.country_code",
        "partner_interests.organisation_id",
        "partner_interests.side",
    ),
)


def check_swedish_applicant(
    name: str, country_code: str, kind: str, pointer: str = "/swedish_party_id"
) -> None:
    """`swedish-applicant-eligible`: the Swedish party is a Swedish organisation of a type that
    may hold the grant."""
    if country_code != SWEDEN or kind not in ELIGIBLE_SWEDISH_APPLICANT_TYPES:
        raise RuleViolation(
            SWEDISH_APPLICANT_ELIGIBLE,
            _(
                "{name} ({country}, {kind}) cannot hold an ICLD partnership grant as the Swedish "
                "party.",
                name=name,
                country=country_code,
                kind=kind,
            ),
            pointer=pointer,
        )


PARTNER_COUNTRY_ELIGIBLE = rule(
    "partner-country-eligible",
    _("Partners must be in an ICLD partner country"),
    _(
        "Each partner-side party is in a country that ICLD accepted as a partner country on the "
        "date the partnership was applied for (DOMAIN.md §2, §7); an organisation that declares it "
        "seeks a Swedish partner, on the day it could start (docs/partner-search.md).",
    ),
    mode=RuleMode.refuse,
    reads=(
        "partnership_partners.organisation_id",
        "organisations.country_code",
        "partnerships.applied_on",
        "partner_interests.organisation_id",
        "partner_interests.side",
        "partner_interests.earliest_start",
        "country_eligibility.valid_from",
        "country_eligibility.valid_to",
    ),
)


def check_partner_country(
    name: str, country_code: str, on: date, *, eligible: bool, pointer: str | None = None
) -> None:
    """`partner-country-eligible`, given whether the partner's country was a partner country on
    the day judged (the service reads the country list)."""
    if not eligible:
        raise RuleViolation(
            PARTNER_COUNTRY_ELIGIBLE,
            _(
                "{name} is in {country}, which was not an ICLD partner country on {on}.",
                name=name,
                country=country_code,
                on=on,
            ),
            pointer=pointer,
        )


THIRD_PARTY_IN_EU = rule(
    "third-party-in-eu",
    _("A third party comes from the EU"),
    _(
        "A trilateral partnership's third party is an organisation in an EU member state "
        "(DOMAIN.md §1, [RL20 §10-11])."
    ),
    mode=RuleMode.refuse,
    reads=(
        "partnerships.third_party_id",
        "organisations.country_code",
    ),
)


def check_third_party(name: str, country_code: str, pointer: str = "/third_party_id") -> None:
    """`third-party-in-eu`: in another EU member state than Sweden."""
    if country_code not in EU_MEMBER_STATES or country_code == SWEDEN:
        raise RuleViolation(
            THIRD_PARTY_IN_EU,
            _(
                "{name} is in {country}, not in another EU member state.",
                name=name,
                country=country_code,
            ),
            pointer=pointer,
        )


# Phases


class PhaseFacts(Protocol):
    """What the rules read of a phase (a stored phase is one)."""

    @property
    def id(self) -> UUID: ...
    @property
    def kind(self) -> str: ...
    @property
    def status(self) -> str: ...
    @property
    def planned_start(self) -> date: ...
    @property
    def planned_end(self) -> date: ...
    @property
    def actual_start(self) -> date | None: ...
    @property
    def actual_end(self) -> date | None: ...


def first_day(phase: PhaseFacts) -> date:
    """The day the phase started, or is planned to."""
    return phase.actual_start or phase.planned_start


def last_day(phase: PhaseFacts) -> date:
    """The day the phase ended, or is planned to."""
    return phase.actual_end or phase.planned_end


# How long a phase may be planned for (DOMAIN.md §7). Change these figures here only: the checks,
# the descriptions below, the compliance view and the funding rules all read them.
PROJECT_MIN_YEARS = 1
PROJECT_MAX_YEARS = 3
INCEPTION_MAX_YEARS = 1
INCEPTION_MAX_MONTHS = 12 * INCEPTION_MAX_YEARS

PROJECT_DURATION = rule(
    "project-duration",
    _("A project lasts {min} to {max} years", min=PROJECT_MIN_YEARS, max=PROJECT_MAX_YEARS),
    _(
        "A project phase is planned for at least {min} and at most {max} years (DOMAIN.md §7).",
        min=in_words(PROJECT_MIN_YEARS),
        max=in_words(PROJECT_MAX_YEARS),
    ),
    mode=RuleMode.refuse,
    reads=(
        "phases.kind",
        "phases.planned_start",
        "phases.planned_end",
        "applications.planned_start",
        "applications.planned_end",
        "grants.starts",
        "grants.ends",
    ),
)

INCEPTION_DURATION = rule(
    "inception-duration",
    _("An inception lasts at most {max} months", max=INCEPTION_MAX_MONTHS),
    _(
        "An inception (preparation) phase is planned for at most {max} months (DOMAIN.md §7).",
        max=in_words(INCEPTION_MAX_MONTHS),
    ),
    mode=RuleMode.refuse,
    reads=(
        "phases.kind",
        "phases.planned_start",
        "phases.planned_end",
        "applications.planned_start",
        "applications.planned_end",
        "grants.starts",
        "grants.ends",
    ),
)


def longest_end(kind: str, start: date) -> date:
    """The last day a phase of `kind` (or the grant that funds it) starting on `start` may run
    to: an inception's twelve months, any other phase's three years."""
    years = INCEPTION_MAX_YEARS if kind == PhaseKind.inception else PROJECT_MAX_YEARS
    return last_day_within(start, years)


def check_duration(kind: str, start: date, end: date) -> None:
    """`project-duration` and `inception-duration`: for a phase, and for the application and the
    grant that fund it."""
    if kind == PhaseKind.project and not (
        last_day_within(start, PROJECT_MIN_YEARS) <= end <= longest_end(kind, start)
    ):
        raise RuleViolation(
            PROJECT_DURATION,
            _(
                "a project starting {start} ends between {earliest} and {latest}, not on {end}",
                start=start,
                earliest=last_day_within(start, PROJECT_MIN_YEARS),
                latest=longest_end(kind, start),
                end=end,
            ),
        )
    if kind == PhaseKind.inception and not start <= end <= longest_end(kind, start):
        raise RuleViolation(
            INCEPTION_DURATION,
            _(
                "an inception starting {start} ends by {latest}, not on {end}",
                start=start,
                latest=longest_end(kind, start),
                end=end,
            ),
        )


def check_extended_end(kind: str, start: date, planned_end: date, new_end: date) -> None:
    """`inception-duration` and `project-duration` of a phase's extension: an inception stays
    within its twelve months; a project's extension (a new grant decision) adds at most the
    years a project may last."""
    if kind == PhaseKind.inception and new_end > longest_end(kind, start):
        raise RuleViolation(
            INCEPTION_DURATION,
            _(
                "An inception starting {start} ends by {latest}.",
                start=start,
                latest=longest_end(kind, start),
            ),
            pointer="/new_planned_end",
        )
    added_from = planned_end + timedelta(days=1)
    if kind == PhaseKind.project and new_end > longest_end(kind, added_from):
        raise RuleViolation(
            PROJECT_DURATION,
            _(
                "An extension from {start} adds at most {years} years, to {latest}.",
                start=added_from,
                years=in_words(PROJECT_MAX_YEARS),
                latest=longest_end(kind, added_from),
            ),
            pointer="/new_planned_end",
        )


def check_inception_ran(start: date, end: date) -> None:
    """`inception-duration` on the compliance view: an inception that runs, postponements
    included, over its months."""
    if end > longest_end(PhaseKind.inception, start):
        raise RuleViolation(
            INCEPTION_DURATION,
            _(
                "The inception runs {start}..{end}, over {months} months.",
                start=start,
                end=end,
                months=in_words(INCEPTION_MAX_MONTHS),
            ),
        )


PHASES_DO_NOT_OVERLAP = rule(
    "phases-do-not-overlap",
    _("Phases do not overlap"),
    _("The phases of a partnership follow one another; their planned periods do not overlap."),
    mode=RuleMode.refuse,
    reads=(
        "phases.planned_start",
        "phases.planned_end",
        "phases.status",
    ),
    constraints=("ex_phases_period",),
)

PROJECT_AFTER_INCEPTION = rule(
    "project-after-inception",
    _("A project follows the inception"),
    _("A project starts after every inception phase of the partnership has ended (DOMAIN.md §3)."),
    mode=RuleMode.refuse,
    reads=(
        "phases.kind",
        "phases.planned_start",
        "phases.planned_end",
        "phases.status",
    ),
)

# A phase that ended so stays ended.
ENDED = frozenset({PhaseStatus.completed, PhaseStatus.terminated})


def check_fits(
    phases: Iterable[PhaseFacts], phase: PhaseFacts, start: date, end: date, pointer: str
) -> None:
    """`phases-do-not-overlap` and `project-after-inception`: the period [start, end] of `phase`
    overlaps no other of the partnership's `phases`, and every project comes after every
    inception."""
    for other in phases:
        if other.id == phase.id:
            continue
        other_start, other_end = first_day(other), last_day(other)
        if start <= other_end and other_start <= end:
            raise RuleViolation(
                PHASES_DO_NOT_OVERLAP,
                _(
                    "{start}..{end} overlaps the {kind} phase {other_start}..{other_end}.",
                    start=start,
                    end=end,
                    kind=other.kind,
                    other_start=other_start,
                    other_end=other_end,
                ),
                pointer=pointer,
            )
        if {phase.kind, other.kind} == {PhaseKind.inception, PhaseKind.project}:
            inception_end, project_start = (
                (other_end, start) if phase.kind == PhaseKind.project else (end, other_start)
            )
            if project_start <= inception_end:
                raise RuleViolation(
                    PROJECT_AFTER_INCEPTION,
                    _(
                        "The project would start {start}, before the inception ends {end}.",
                        start=project_start,
                        end=inception_end,
                    ),
                    pointer=pointer,
                )


def check_inceptions_ended(phases: Iterable[PhaseFacts]) -> None:
    """`project-after-inception` when a project starts: every inception has ended."""
    if any(p.kind == PhaseKind.inception and p.status not in ENDED for p in phases):
        raise RuleViolation(
            PROJECT_AFTER_INCEPTION, _("The inception has not ended yet."), pointer="/actual_start"
        )


POSTPONEMENT_LENGTH = rule(
    "postponement-length",
    _("A postponement pauses for some time"),
    _(
        "A postponement pauses the phase for more than zero days, from a day within the phase; the "
        "planned end moves by the length of the pause (DOMAIN.md §7, [004])."
    ),
    mode=RuleMode.refuse,
    reads=(
        "phases.planned_end",
        "grants.postponed_days",
    ),
)


def check_pause(paused_from: date, paused_until: date) -> None:
    """`postponement-length` of a phase's pause, from its first to its last day."""
    if paused_until < paused_from:
        raise RuleViolation(POSTPONEMENT_LENGTH, _("paused_until is before paused_from"))


def check_postponement_days(days: int) -> None:
    """`postponement-length` of a grant's postponement, by the days it moves the end."""
    if days <= 0:
        raise RuleViolation(POSTPONEMENT_LENGTH, _("a postponement lasts some days"))


def check_pause_within(start: date, planned_end: date, paused_from: date) -> None:
    """`postponement-length`: the pause starts on a day within the phase."""
    if not start <= paused_from <= planned_end:
        raise RuleViolation(
            POSTPONEMENT_LENGTH,
            _(
                "The pause starts {day}, outside the phase ({start}..{end}).",
                day=paused_from,
                start=start,
                end=planned_end,
            ),
            pointer="/paused_from",
        )


EXTENSION_LATER_END = rule(
    "extension-later-end",
    _("An extension ends later"),
    _(
        "An extension (a new grant decision) sets a planned end after the current one (DOMAIN.md "
        "§7).",
    ),
    mode=RuleMode.refuse,
    reads=("phases.planned_end",),
)


def check_later_end(planned_end: date, new_end: date) -> None:
    """`extension-later-end`."""
    if new_end <= planned_end:
        raise RuleViolation(
            EXTENSION_LATER_END,
            _(
                "The new planned end {new_end} is not after {planned_end}.",
                new_end=new_end,
                planned_end=planned_end,
            ),
            pointer="/new_planned_end",
        )


EARLY_TERMINATION_DATE = rule(
    "early-termination-date",
    _("An early termination falls inside the phase"),
    _(
        "An early termination takes effect on or after the day the phase started and before its "
        "planned end (DOMAIN.md §7, [004])."
    ),
    mode=RuleMode.refuse,
    reads=(
        "phases.actual_start",
        "phases.planned_end",
        "phases.actual_end",
    ),
)


def check_termination_date(started: date, planned_end: date, effective: date) -> None:
    """`early-termination-date`."""
    if not started <= effective < planned_end:
        raise RuleViolation(
            EARLY_TERMINATION_DATE,
            _(
                "The termination takes effect {effective}; it must fall on or after the start "
                "{start} and before the planned end {end}.",
                effective=effective,
                start=started,
                end=planned_end,
            ),
            pointer="/effective_date",
        )


PHASE_TRANSITION = rule(
    "phase-transition",
    _("The action does not fit the phase's state"),
    _(
        "Only a planned phase starts, only an active phase is completed or terminated, and a phase "
        "that ended is not postponed or extended."
    ),
    mode=RuleMode.refuse,
    reads=("phases.status",),
)

# The states each action on a phase applies to.
ACTION_APPLIES_TO: dict[PhaseAction, tuple[PhaseStatus, ...]] = {
    PhaseAction.start: (PhaseStatus.planned,),
    PhaseAction.postpone: (PhaseStatus.planned, PhaseStatus.active),
    PhaseAction.extend: (PhaseStatus.planned, PhaseStatus.active),
    PhaseAction.terminate: (PhaseStatus.active,),
    PhaseAction.complete: (PhaseStatus.active,),
}


def check_action(phase: PhaseFacts, action: PhaseAction) -> None:
    """`phase-transition`: the action applies to the phase's state."""
    states = ACTION_APPLIES_TO[action]
    if phase.status not in states:
        raise RuleViolation(
            PHASE_TRANSITION,
            _(
                "The {kind} phase is {status}; this action needs it {states}.",
                kind=phase.kind,
                status=phase.status,
                states=" or ".join(states),
            ),
        )


def check_none_active(phases: Iterable[PhaseFacts]) -> None:
    """`phase-transition` when a phase starts: no other phase is active."""
    if any(p.status == PhaseStatus.active for p in phases):
        raise RuleViolation(PHASE_TRANSITION, _("Another phase of the partnership is active."))


def check_start_date(phase: PhaseFacts, start: date) -> None:
    """`phase-transition`: a phase starts no later than its planned end."""
    if start > phase.planned_end:
        raise RuleViolation(
            PHASE_TRANSITION,
            _(
                "The phase cannot start {start}, after its planned end {end}.",
                start=start,
                end=phase.planned_end,
            ),
            pointer="/actual_start",
        )


def check_end_date(started: date, end: date) -> None:
    """`phase-transition`: a phase ends no earlier than it started."""
    if end < started:
        raise RuleViolation(
            PHASE_TRANSITION,
            _("The phase cannot end {end}, before it started {start}.", end=end, start=started),
            pointer="/actual_end",
        )


# Groups

STEERING_GROUP_COMPOSITION = rule(
    "steering-group-composition",
    _("The steering group needs majority and opposition from both sides"),
    _(
        "A project starts only when its steering group holds at least one politician of the ruling "
        "majority and one of the opposition from each side (DOMAIN.md §7, [002])."
    ),
    mode=RuleMode.report,
    reads=(
        "partnership_members.team",
        "partnership_members.start_date",
        "partnership_members.end_date",
        "people.kind",
        "people.political_side",
        "people.organisation_id",
    ),
)


def missing_politicians(
    sides: Mapping[UUID, str], present: Set[tuple[UUID, str | None]]
) -> list[Message]:
    """What the steering group lacks, in words ("a Swedish majority politician"), given each
    party's side and the (organisation, political side) of the politicians in it."""
    # Each party of the Swedish and partner sides: in a multilateral partnership every partner
    # local government brings its own majority and opposition.
    parties = [(org, side) for org, side in sides.items() if side in SIDES]
    parties.sort(key=lambda party: (party[1] != "swedish", str(party[0])))
    many_partners = sum(side == "partner" for _, side in parties) > 1
    return [
        _politician(side, political, org if many_partners else None)
        for org, side in parties
        for political in POLITICAL_SIDES
        if (org, political) not in present
    ]


def _politician(side: str, political: str, organisation_id: UUID | None) -> Message:
    """The politician a side lacks, in words ("a Swedish majority politician")."""
    majority = political == PoliticalSide.majority
    if side == "swedish":
        if majority:
            return _("a Swedish majority politician")
        return _("a Swedish opposition politician")
    if organisation_id is None:
        if majority:
            return _("a partner-side majority politician")
        return _("a partner-side opposition politician")
    if majority:
        return _(
            "a partner-side ({organisation}) majority politician", organisation=organisation_id
        )
    return _("a partner-side ({organisation}) opposition politician", organisation=organisation_id)


def check_steering_group(missing: Sequence[Message], on: date | None = None) -> None:
    """`steering-group-composition`, given what the steering group lacks (`missing_politicians`)
    on the day `on` (named in the message when given)."""
    if missing:
        lacking = separated(missing, ", ")
        detail = (
            _("On {on} the steering group lacks {lacking}.", on=on, lacking=lacking)
            if on is not None
            else _("The steering group lacks {lacking}.", lacking=lacking)
        )
        raise RuleViolation(STEERING_GROUP_COMPOSITION, detail)


MEMBER_OF_A_PARTY = rule(
    "member-of-a-party",
    _("Members act for a party"),
    _("A member of a partnership's groups belongs to one of its parties' organisations."),
    mode=RuleMode.refuse,
    reads=(
        "partnership_members.person_id",
        "people.organisation_id",
        "partnerships.swedish_party_id",
        "partnership_partners.organisation_id",
    ),
)


def check_member_of_a_party(
    sides: Mapping[UUID, str], organisation_id: UUID | None, who: str, pointer: str
) -> None:
    """`member-of-a-party`: a member or meeting participant (`who`) belongs to one of the
    parties (`sides`)."""
    if organisation_id not in sides:
        raise RuleViolation(
            MEMBER_OF_A_PARTY,
            _("{who} acts for none of the partnership's parties.", who=who),
            pointer=pointer,
        )


TEAM_MEMBER_KIND = rule(
    "team-member-kind",
    _("Steering groups are politicians, project groups officials"),
    _(
        "A steering group is made of politicians of the majority and the opposition, a project "
        "group of civil servants (DOMAIN.md §2).",
    ),
    mode=RuleMode.refuse,
    reads=(
        "partnership_members.team",
        "people.kind",
    ),
)

# Who sits in which team (DOMAIN.md §2): the steering group is politicians, the project group
# officials; an inception team holds both.
TEAM_KINDS = {
    MemberGroup.steering_group: PersonKind.politician,
    MemberGroup.project_group: PersonKind.official,
}


def check_team_member_kind(
    team: MemberGroup, person_kind: str, who: str, pointer: str = "/person_id"
) -> None:
    """`team-member-kind`: the person (`who`) is of the kind the team is made of (when they
    join it, and when their kind changes: `pointer` names the field that changed)."""
    expected = TEAM_KINDS.get(team)
    if expected is not None and person_kind != expected:
        raise RuleViolation(
            TEAM_MEMBER_KIND,
            _(
                "The {team} is made of {expected}s; {who} is an {kind}.",
                team=team.value.replace("_", " "),
                expected=expected,
                who=who,
                kind=person_kind,
            ),
            pointer=pointer,
        )


INCEPTION_TEAM = rule(
    "inception-team",
    _("An inception team has {n} politicians per side", n=in_words(len(POLITICAL_SIDES))),
    _(
        "Reported, not refused: each side's inception team holds {n} politicians, of the "
        "political sides {sides} (DOMAIN.md §2, [PH-SV]).",
        n=in_words(len(POLITICAL_SIDES)),
        sides=code_listing(list(POLITICAL_SIDES)),
    ),
    mode=RuleMode.report,
    reads=(
        "partnership_members.team",
        "partnership_members.start_date",
        "partnership_members.end_date",
        "people.kind",
        "people.political_side",
    ),
)


def check_inception_team(side: str, politicians: Set[str | None]) -> None:
    """`inception-team` (reported): the `side`'s inception team holds a politician of each
    political side, given theirs."""
    if not set(POLITICAL_SIDES) <= politicians:
        raise RuleViolation(
            INCEPTION_TEAM,
            _(
                "The {side} inception team lacks a majority and an opposition politician.",
                side=side,
            ),
        )


# The officials a project group holds on each side.
PROJECT_GROUP_MIN_OFFICIALS = 3
PROJECT_GROUP_MAX_OFFICIALS = 5

PROJECT_GROUP_SIZE = rule(
    "project-group-size",
    _(
        "A project group has {min}-{max} officials per side",
        min=PROJECT_GROUP_MIN_OFFICIALS,
        max=PROJECT_GROUP_MAX_OFFICIALS,
    ),
    _(
        "Reported, not refused: each side's project group holds {min} to {max} civil servants "
        "(DOMAIN.md §2, [PH-EN]).",
        min=in_words(PROJECT_GROUP_MIN_OFFICIALS),
        max=in_words(PROJECT_GROUP_MAX_OFFICIALS),
    ),
    mode=RuleMode.report,
    reads=(
        "partnership_members.team",
        "partnership_members.start_date",
        "partnership_members.end_date",
        "people.kind",
    ),
)


def check_project_group(side: str, officials: int) -> None:
    """`project-group-size` (reported), given the officials in the `side`'s project group."""
    if not PROJECT_GROUP_MIN_OFFICIALS <= officials <= PROJECT_GROUP_MAX_OFFICIALS:
        raise RuleViolation(
            PROJECT_GROUP_SIZE,
            _(
                "The {side} project group has {officials} officials, not {min}-{max}.",
                side=side,
                officials=officials,
                min=PROJECT_GROUP_MIN_OFFICIALS,
                max=PROJECT_GROUP_MAX_OFFICIALS,
            ),
        )


# Meetings

# The partner meetings a project's activity plan holds in each project year, and the visits each
# side hosts over a phase (DOMAIN.md §7, [002]).
MEETINGS_A_PROJECT_YEAR = 2
VISITS_HOSTED_BY_EACH_SIDE = 1

MEETINGS_PER_PROJECT_YEAR = rule(
    "meetings-per-project-year",
    _("At least {n} meetings a project year", n=in_words(MEETINGS_A_PROJECT_YEAR)),
    _(
        "A project's activity plan holds at least {n} partner meetings in each project year "
        "(DOMAIN.md §7, [002]).",
        n=in_words(MEETINGS_A_PROJECT_YEAR),
    ),
    mode=RuleMode.report,
    reads=(
        "meetings.start_date",
        "meetings.status",
        "phases.planned_start",
        "phases.planned_end",
    ),
)


def meetings_minimum(starts: date, ends: date, paused_days: int = 0) -> int:
    """The meetings the project year `starts..ends` holds at least: none when a postponement
    pauses more than half of it (nobody is asked to meet during the pandemic)."""
    return 0 if paused_days * 2 > (ends - starts).days + 1 else MEETINGS_A_PROJECT_YEAR


def check_meetings_per_year(years: Iterable[tuple[int, date, date, int]]) -> None:
    """`meetings-per-project-year` of an activity plan, given the meetings it holds in each
    project year (number, first day, last day, meetings), when a project starts or is applied
    for."""
    short = [
        _(
            "year {n} ({starts}..{ends}): {meetings}",
            n=n,
            starts=starts,
            ends=ends,
            meetings=meetings,
        )
        for n, starts, ends, meetings in years
        if meetings < MEETINGS_A_PROJECT_YEAR
    ]
    if short:
        raise RuleViolation(
            MEETINGS_PER_PROJECT_YEAR,
            _(
                "The plan holds fewer than {minimum} meetings in {years}.",
                minimum=MEETINGS_A_PROJECT_YEAR,
                years=separated(short, "; "),
            ),
        )


def check_year_meetings(
    n: int, starts: date, ends: date, meetings: int, minimum: int, *, held: bool = False
) -> None:
    """`meetings-per-project-year` (reported) of one project year, against its
    `meetings_minimum`: the meetings planned in it, or once it ended those `held`."""
    if meetings < minimum:
        raise RuleViolation(
            MEETINGS_PER_PROJECT_YEAR,
            _(
                "Project year {n} ({starts}..{ends}) held {meetings} meetings.",
                n=n,
                starts=starts,
                ends=ends,
                meetings=meetings,
            )
            if held
            else _(
                "Project year {n} ({starts}..{ends}) plans {meetings} meetings.",
                n=n,
                starts=starts,
                ends=ends,
                meetings=meetings,
            ),
        )


RECIPROCAL_VISITS = rule(
    "reciprocal-visits",
    _("Each side hosts the other"),
    _(
        "Over a phase each side hosts at least {n} visit of the other (inception: {n} in each "
        "country) (DOMAIN.md §7, [PH-SV], [002]).",
        n=in_words(VISITS_HOSTED_BY_EACH_SIDE),
    ),
    mode=RuleMode.report,
    reads=(
        "meetings.kind",
        "meetings.host_organisation_id",
        "meetings.status",
        "phases.planned_start",
        "phases.planned_end",
    ),
)


def sides_short_of_visits(hosted: Mapping[str, int]) -> list[str]:
    """The sides that host fewer visits than the rule asks, given the visits each hosts."""
    return [side for side in SIDES if hosted.get(side, 0) < VISITS_HOSTED_BY_EACH_SIDE]


def check_reciprocal_visits(start: date, end: date, hosted: Mapping[str, int]) -> None:
    """`reciprocal-visits` of an activity plan for `start..end`, given the visits each side
    hosts in it, when a phase starts or a project is applied for."""
    missing = sides_short_of_visits(hosted)
    if missing:
        raise RuleViolation(
            RECIPROCAL_VISITS,
            _(
                "No visit in {start}..{end} is hosted by the {sides} side.",
                start=start,
                end=end,
                sides=" or the ".join(missing),
            ),
        )


def check_hosting(
    kind: str, start: date, end: date, hosted: Mapping[str, int], *, held: bool = False
) -> None:
    """`reciprocal-visits` (reported) of a phase: the visits each side hosts in the plan of an
    active phase, or once it ended those `held`."""
    if sides_short_of_visits(hosted):
        raise RuleViolation(
            RECIPROCAL_VISITS,
            _(
                "In the {kind} phase {start}..{end} not both sides hosted a visit.",
                kind=kind,
                start=start,
                end=end,
            )
            if held
            else _("The active {kind} phase plans no visit hosted by each side.", kind=kind),
        )


HOST_IS_A_PARTY = rule(
    "host-is-a-party",
    _("Meetings are hosted by a party"),
    _("A meeting's host organisation is one of the partnership's parties."),
    mode=RuleMode.refuse,
    reads=(
        "meetings.host_organisation_id",
        "partnerships.swedish_party_id",
        "partnership_partners.organisation_id",
    ),
)


def check_host(sides: Mapping[UUID, str], host_organisation_id: UUID) -> None:
    """`host-is-a-party`."""
    if host_organisation_id not in sides:
        raise RuleViolation(
            HOST_IS_A_PARTY,
            _("{host} is not a party of the partnership.", host=host_organisation_id),
            pointer="/host_organisation_id",
        )


# The life cycle of a meeting (docs/partnerships.md: the transition table): the state each
# action applies to and the state it leaves the meeting in. A meeting is created planned, or held
# when it is recorded after the fact; its state changes by these actions only.
MEETING_ACTIONS: dict[MeetingAction, tuple[MeetingStatus, MeetingStatus]] = {
    MeetingAction.hold: (MeetingStatus.planned, MeetingStatus.held),
    MeetingAction.cancel: (MeetingStatus.planned, MeetingStatus.cancelled),
    MeetingAction.reschedule: (MeetingStatus.planned, MeetingStatus.planned),
}
CREATED_AS = (MeetingStatus.planned, MeetingStatus.held)
# What a held or cancelled meeting keeps as recorded.
RECORDED_MEETING_FIELDS = ("status", "kind", "host_organisation_id", "start_date", "end_date")
# What moves a meeting in its partners' calendars: changed by a move only, with its reason.
MOVING_FIELDS = ("start_date", "end_date", "host_organisation_id")

MEETING_TRANSITION = rule(
    "meeting-transition",
    _("A meeting that happened or was cancelled stays so"),
    _(
        "A meeting is created {created}, and its state changes by its actions only: {actions}. A "
        "meeting is held only once its first day has come, a move changes its dates or host, and "
        "a held or cancelled meeting keeps its state, kind, host and dates (docs/partnerships.md).",
        created=code_listing(list(CREATED_AS), disjunction=True),
        actions="; ".join(
            f"`{action}`: `{before}` → `{after}`"
            for action, (before, after) in MEETING_ACTIONS.items()
        ),
    ),
    mode=RuleMode.refuse,
    reads=(
        "meetings.status",
        "meetings.kind",
        "meetings.start_date",
        "meetings.end_date",
        "meetings.host_organisation_id",
    ),
)


def check_meeting_action(status: str, action: MeetingAction) -> MeetingStatus:
    """`meeting-transition`: the action applies to a meeting in `status`; the state it leaves."""
    before, after = MEETING_ACTIONS[action]
    if status != before:
        raise RuleViolation(
            MEETING_TRANSITION,
            _(
                "The meeting is {status}; `{action}` applies to a {before} meeting only.",
                status=status,
                action=action,
                before=before,
            ),
        )
    return after


def check_started(start_date: date, today: date, pointer: str | None = "/status") -> None:
    """`meeting-transition`: a meeting is held only once its first day has come."""
    if start_date > today:
        raise RuleViolation(
            MEETING_TRANSITION,
            _(
                "The meeting starts {start}: a meeting still to come is planned, and held only "
                "once its first day has come.",
                start=start_date,
            ),
            pointer=pointer,
        )


def check_moved(current: Mapping[str, Any], wanted: Mapping[str, Any]) -> list[str]:
    """`meeting-transition`: a move changes the meeting's dates or host; the fields it changes."""
    moved = [f for f in MOVING_FIELDS if wanted[f] != current[f]]
    if not moved:
        raise RuleViolation(
            MEETING_TRANSITION,
            _("The meeting is already on those dates with that host; a move changes them."),
            pointer="/start_date",
        )
    return moved


def check_record_kept(status: str, current: Mapping[str, Any], wanted: Mapping[str, Any]) -> None:
    """`meeting-transition`: a held or cancelled meeting keeps its state, kind, host and dates."""
    if status == MeetingStatus.planned:
        return
    moved = [f for f in RECORDED_MEETING_FIELDS if wanted[f] != current[f]]
    if moved:
        raise RuleViolation(
            MEETING_TRANSITION,
            _(
                "The meeting is {status}; its {fields} stay as recorded.",
                status=status,
                fields=", ".join(moved),
            ),
            pointer=f"/{moved[0]}",
        )


# A cancellation's or a move's reason is a short text: ICLD's programme officers and the
# compliance view read why a planned visit did not happen or moved.
CHANGE_REASON_MAX_CHARS = 500

MEETING_CHANGE_REASON = rule(
    "meeting-change-reason",
    _("A meeting is cancelled or moved with its reason"),
    _(
        "A meeting is cancelled or moved by its action (`cancel`, `reschedule`) with a reason of "
        "1 to {max} characters, kept in its history with who and when. A change of its status to "
        "cancelled, or of its dates or host, in a PATCH carries no reason and is refused, and so "
        "is a meeting created cancelled.",
        max=CHANGE_REASON_MAX_CHARS,
    ),
    mode=RuleMode.refuse,
    reads=(
        "meetings.status",
        "meetings.start_date",
        "meetings.end_date",
        "meetings.host_organisation_id",
        "meetings.cancelled_reason",
        "meeting_changes.reason",
    ),
    constraints=("ck_meetings_cancellation",),
)


def check_change_reason(reason: str) -> None:
    """`meeting-change-reason`: the reason of a cancellation or a move."""
    if not 1 <= len(reason) <= CHANGE_REASON_MAX_CHARS:
        raise RuleViolation(
            MEETING_CHANGE_REASON,
            _(
                "A reason has 1 to {max} characters, not {length}.",
                max=CHANGE_REASON_MAX_CHARS,
                length=len(reason),
            ),
            pointer="/reason",
        )


def check_created_as(status: str, start_date: date, today: date) -> None:
    """`meeting-change-reason` and `meeting-transition` of a new meeting: created planned, or held
    once its first day has come; never cancelled (a cancellation has its reason)."""
    if status not in CREATED_AS:
        raise RuleViolation(
            MEETING_CHANGE_REASON,
            _(
                "A meeting is created {created}; plan it, then cancel it with its reason "
                "(POST .../meetings/{{meeting_id}}/cancel).",
                created=code_listing(list(CREATED_AS), disjunction=True),
            ),
            pointer="/status",
        )
    if status == MeetingStatus.held:
        check_started(start_date, today)


def check_patch(
    status: str, current: Mapping[str, Any], wanted: Mapping[str, Any], today: date
) -> None:
    """What a PATCH may change: of a planned meeting, neither a cancellation nor a move
    (`meeting-change-reason`: those are actions with a reason); it may record it as held once
    started; a held or cancelled meeting keeps its record (`meeting-transition`)."""
    if status != MeetingStatus.planned:
        check_record_kept(status, current, wanted)
        return
    if wanted["status"] == MeetingStatus.cancelled:
        raise RuleViolation(
            MEETING_CHANGE_REASON,
            _("A meeting is cancelled with its reason: POST .../meetings/{meeting_id}/cancel."),
            pointer="/status",
        )
    moved = [f for f in MOVING_FIELDS if wanted[f] != current[f]]
    if moved:
        raise RuleViolation(
            MEETING_CHANGE_REASON,
            _(
                "A meeting's {fields} change when it moves, with its reason: "
                "POST .../meetings/{{meeting_id}}/reschedule.",
                fields=", ".join(moved),
            ),
            pointer=f"/{moved[0]}",
        )
    if wanted["status"] == MeetingStatus.held:
        check_started(wanted["start_date"], today)


# Deleting a meeting: only one entered by mistake, still planned, with no participants recorded
# and never listed by a calendar feed (docs/partnerships.md: "in a published calendar"). Any
# other stays in the record, and a planned one is cancelled instead: a 409 `conflict` (not a
# rule of the programme, so not a 422) whose `instead` names the action.


def check_deletable(status: str, participants: int, in_calendar_since: datetime | None) -> None:
    """A meeting entered by mistake is deleted; any other answers 409, pointing at `cancel`."""
    if status != MeetingStatus.planned:
        raise ProblemError(
            CONFLICT, _("A meeting that was {status} stays in the record.", status=status)
        )
    why: list[Text] = []
    if participants == 1:
        why.append(_("1 participant recorded"))
    elif participants:
        why.append(_("{n} participants recorded", n=participants))
    if in_calendar_since is not None:
        why.append(
            # the programme's day (app/clock.py): listed at 23:30 UTC is the next day in Sweden
            _(
                "been in a calendar feed since {day}",
                day=in_calendar_since.astimezone(STOCKHOLM).date(),
            ),
        )
    if why:
        raise ProblemError(
            CONFLICT,
            _(
                "The meeting has {why}, so it stays in the record: cancel it instead, with its "
                "reason (POST .../meetings/{{meeting_id}}/cancel).",
                why=Listing(tuple(why)),
            ),
            instead=MeetingAction.cancel.value,
        )


# Documents

SIGNED_ONLY_LETTER_OF_INTENT = rule(
    "signed-only-letter-of-intent",
    _("Only a letter of intent is signed by both sides"),
    _(
        "The dates the Swedish and the partner side signed belong to a letter of intent, signed in "
        "the inception (DOMAIN.md §1, [000_5c91c797444a9d66.txt]); other documents carry none."
    ),
    mode=RuleMode.refuse,
    reads=(
        "documents.kind",
        "documents.swedish_signed_on",
        "documents.partner_signed_on",
    ),
)

# The days each side signed a document.
SIGNATURE_FIELDS = ("swedish_signed_on", "partner_signed_on")


def check_signature(kind: str, field: str, signed_on: date | None) -> None:
    """`signed-only-letter-of-intent`: a document of another kind has no date in `field` (one
    of SIGNATURE_FIELDS)."""
    if kind != DocumentKind.letter_of_intent and signed_on is not None:
        raise RuleViolation(
            SIGNED_ONLY_LETTER_OF_INTENT,
            _(
                "a {kind} has no {field}; only a letter of intent is signed",
                kind=kind,
                field=field,
            ),
            pointer=f"/{field}",
        )


LETTER_OF_INTENT = rule(
    "letter-of-intent",
    _("A letter of intent signed by both sides"),
    _(
        "Reported, not refused: the inception ends with a letter of intent signed by both sides, an"
        " appendix of the project application (DOMAIN.md §1, [000]).",
    ),
    mode=RuleMode.report,
    reads=(
        "documents.kind",
        "documents.swedish_signed_on",
        "documents.partner_signed_on",
        "phases.kind",
    ),
)


def check_letter_of_intent(signed: bool, project_planned: bool) -> None:
    """`letter-of-intent` (reported), given whether one is on file signed by both sides and
    whether a project is planned or running."""
    if project_planned and not signed:
        raise RuleViolation(
            LETTER_OF_INTENT,
            _("A project is planned or running without a letter of intent signed by both sides."),
        )
