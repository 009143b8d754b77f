"""The rules of partnerships: parties, phases, groups, meetings and documents (DOMAIN.md §1-§3,
§7; docs/partnerships.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from datetime import date, timedelta

from app.core.errors import RuleViolation, rule
from app.core.periods import last_day_within
from app.models.enums import PhaseKind

_NUMBERS = (
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
)


def _count(n: int) -> str:
    """A small number as a word, as the descriptions state figures."""
    return _NUMBERS[n] if n < len(_NUMBERS) else str(n)


UNKNOWN_PARTNERSHIP = rule(
    "unknown-partnership",
    "Unknown partnership",
    "The partnership referred to does not exist (or is not yours).",
)

SWEDISH_APPLICANT_ELIGIBLE = rule(
    "swedish-applicant-eligible",
    "The Swedish party must be an eligible applicant",
    "The Swedish party is a Swedish municipality, region, district committee, local government "
    "association, joint committee or municipal company (DOMAIN.md §2, [RL20 §1]).",
)

PARTNER_COUNTRY_ELIGIBLE = rule(
    "partner-country-eligible",
    "Partners must be in an ICLD partner country",
    "Each partner-side party is in a country that ICLD accepted as a partner country on the date "
    "the partnership was applied for (DOMAIN.md §2, §7).",
)

THIRD_PARTY_IN_EU = rule(
    "third-party-in-eu",
    "A third party comes from the EU",
    "A trilateral partnership's third party is an organisation in an EU member state "
    "(DOMAIN.md §1, [RL20 §10-11]).",
)

# How long a phase may be planned for (DOMAIN.md §7). Change these figures here only: the checks,
# the descriptions below, the compliance view and the funding rules all read them.
PROJECT_MIN_YEARS = 1
PROJECT_MAX_YEARS = 3
INCEPTION_MAX_YEARS = 1

PROJECT_DURATION = rule(
    "project-duration",
    f"A project lasts {PROJECT_MIN_YEARS} to {PROJECT_MAX_YEARS} years",
    f"A project phase is planned for at least {_count(PROJECT_MIN_YEARS)} and at most "
    f"{_count(PROJECT_MAX_YEARS)} years (DOMAIN.md §7).",
)

INCEPTION_DURATION = rule(
    "inception-duration",
    f"An inception lasts at most {12 * INCEPTION_MAX_YEARS} months",
    "An inception (preparation) phase is planned for at most "
    f"{_count(12 * INCEPTION_MAX_YEARS)} months (DOMAIN.md §7).",
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
            f"a project starting {start} ends between "
            f"{last_day_within(start, PROJECT_MIN_YEARS)} and {longest_end(kind, start)}, "
            f"not on {end}",
        )
    if kind == PhaseKind.inception and not start <= end <= longest_end(kind, start):
        raise RuleViolation(
            INCEPTION_DURATION,
            f"an inception starting {start} ends by {longest_end(kind, start)}, not on {end}",
        )


def check_extended_end(kind: str, start: date, planned_end: date, new_end: date) -> None:
    """`inception-duration` and `project-duration` of a phase's extension: an inception stays
    within its twelve months; a project's extension (a new grant decision) adds at most the
    years a project may last."""
    if kind == PhaseKind.inception and new_end > longest_end(kind, start):
        raise RuleViolation(
            INCEPTION_DURATION,
            f"An inception starting {start} ends by {longest_end(kind, start)}.",
            pointer="/new_planned_end",
        )
    added_from = planned_end + timedelta(days=1)
    if kind == PhaseKind.project and new_end > longest_end(kind, added_from):
        raise RuleViolation(
            PROJECT_DURATION,
            f"An extension from {added_from} adds at most {_count(PROJECT_MAX_YEARS)} years, to "
            f"{longest_end(kind, added_from)}.",
            pointer="/new_planned_end",
        )


PHASES_DO_NOT_OVERLAP = rule(
    "phases-do-not-overlap",
    "Phases do not overlap",
    "The phases of a partnership follow one another; their planned periods do not overlap.",
)

PROJECT_AFTER_INCEPTION = rule(
    "project-after-inception",
    "A project follows the inception",
    "A project starts after every inception phase of the partnership has ended (DOMAIN.md §3).",
)

STEERING_GROUP_COMPOSITION = rule(
    "steering-group-composition",
    "The steering group needs majority and opposition from both sides",
    "A project starts only when its steering group holds at least one politician of the ruling "
    "majority and one of the opposition from each side (DOMAIN.md §7, [002]).",
)

POSTPONEMENT_LENGTH = rule(
    "postponement-length",
    "A postponement pauses for some time",
    "A postponement pauses the phase for more than zero days, from a day within the phase; the "
    "planned end moves by the length of the pause (DOMAIN.md §7, [004]).",
)

EXTENSION_LATER_END = rule(
    "extension-later-end",
    "An extension ends later",
    "An extension (a new grant decision) sets a planned end after the current one (DOMAIN.md §7).",
)

EARLY_TERMINATION_DATE = rule(
    "early-termination-date",
    "An early termination falls inside the phase",
    "An early termination takes effect on or after the day the phase started and before its "
    "planned end (DOMAIN.md §7, [004]).",
)

PHASE_TRANSITION = rule(
    "phase-transition",
    "The action does not fit the phase's state",
    "Only a planned phase starts, only an active phase is completed or terminated, and a phase "
    "that ended is not postponed or extended.",
)

MEMBER_OF_A_PARTY = rule(
    "member-of-a-party",
    "Members act for a party",
    "A member of a partnership's groups belongs to one of its parties' organisations.",
)

MEETINGS_PER_PROJECT_YEAR = rule(
    "meetings-per-project-year",
    "At least two meetings a project year",
    "A project's activity plan holds at least two partner meetings in each project year "
    "(DOMAIN.md §7, [002]).",
)

RECIPROCAL_VISITS = rule(
    "reciprocal-visits",
    "Each side hosts the other",
    "Over a phase each side hosts at least one visit of the other (inception: one in each "
    "country) (DOMAIN.md §7, [PH-SV], [002]).",
)

HOST_IS_A_PARTY = rule(
    "host-is-a-party",
    "Meetings are hosted by a party",
    "A meeting's host organisation is one of the partnership's parties.",
)

MEETING_TRANSITION = rule(
    "meeting-transition",
    "A meeting that happened or was cancelled stays so",
    "A planned meeting is held or cancelled; a held or cancelled meeting does not change state.",
)

INCEPTION_TEAM = rule(
    "inception-team",
    "An inception team has two politicians per side",
    "Reported, not refused: each side's inception team holds two politicians, of the majority and "
    "the opposition (DOMAIN.md §2, [PH-SV]).",
)

PROJECT_GROUP_SIZE = rule(
    "project-group-size",
    "A project group has 3-5 officials per side",
    "Reported, not refused: each side's project group holds three to five civil servants "
    "(DOMAIN.md §2, [PH-EN]).",
)

TEAM_MEMBER_KIND = rule(
    "team-member-kind",
    "Steering groups are politicians, project groups officials",
    "A steering group is made of politicians of the majority and the opposition, a project group "
    "of civil servants (DOMAIN.md §2).",
)

SIGNED_ONLY_LETTER_OF_INTENT = rule(
    "signed-only-letter-of-intent",
    "Only a letter of intent is signed by both sides",
    "The dates the Swedish and the partner side signed belong to a letter of intent, signed in "
    "the inception (DOMAIN.md §1, [000_5c91c797444a9d66.txt]); other documents carry none.",
)

LETTER_OF_INTENT = rule(
    "letter-of-intent",
    "A letter of intent signed by both sides",
    "Reported, not refused: the inception ends with a letter of intent signed by both sides, an "
    "appendix of the project application (DOMAIN.md §1, [000]).",
)
