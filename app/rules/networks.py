"""The rules of thematic networks and their workshops (DOMAIN.md §4).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from datetime import date
from typing import Literal, TypeVar
from uuid import UUID

from app.core.errors import RuleMode, RuleViolation, rule
from app.core.i18n import _
from app.core.periods import check_period
from app.rules.reference import SWEDEN
from app.rules.words import in_words

T = TypeVar("T")

# Below this many distinct people, a group's count could point at a person: outside ICLD a
# breakdown of a network's participants is shown only when each of its groups has this many.
SMALLEST_GROUP = 5

NETWORK_PERIOD = rule(
    "network-period",
    _("A network ends after it starts"),
    _("A network ends on or after its start."),
    mode=RuleMode.refuse,
    reads=(
        "networks.starts",
        "networks.ends",
    ),
    constraints=("ck_networks_period_order",),
)


def check_network_period(starts: date, ends: date) -> None:
    """`network-period`."""
    check_period(NETWORK_PERIOD, starts, ends)


NETWORK_MEMBER_COUNTRY = rule(
    "network-member-country",
    _("Members come from the network's countries"),
    _("A network member's country is one of the network's countries (DOMAIN.md §4)."),
    mode=RuleMode.refuse,
    reads=(
        "network_members.organisation_id",
        "organisations.country_code",
        "networks.country_codes",
        "partnerships.network_id",
        "partnership_partners.organisation_id",
        "partnerships.swedish_party_id",
    ),
)


def check_member_country(
    name: str, country_code: str, network_countries: Sequence[str], pointer: str
) -> None:
    """`network-member-country`: for a member who joins, and for every member when the
    network's countries change."""
    if country_code not in network_countries:
        raise RuleViolation(
            NETWORK_MEMBER_COUNTRY,
            _(
                "{name} is in {country}, not among the network's countries ({countries}).",
                name=name,
                country=country_code,
                countries=", ".join(network_countries),
            ),
            pointer=pointer,
        )


NETWORK_PARTNER_ELIGIBLE = rule(
    "network-partner-eligible",
    _("Partner-side members are in a partner country"),
    _(
        "A partner-side member's country is an ICLD partner country when the network starts "
        "(DOMAIN.md §2, §4)."
    ),
    mode=RuleMode.refuse,
    reads=(
        "network_members.organisation_id",
        "organisations.country_code",
        "networks.starts",
        "networks.ends",
        "country_eligibility.valid_from",
        "country_eligibility.valid_to",
    ),
)


def partner_country_days(country_code: str, starts: date, ends: date) -> tuple[date, ...]:
    """The days on which a member's country must be an ICLD partner country: the first and the
    last of the network's period (throughout it); none for a Swedish member, who is not on the
    partner side."""
    return () if country_code == SWEDEN else (starts, ends)


def check_partner_eligible(
    country_code: str, partner_country_on: Mapping[date, bool], pointer: str
) -> None:
    """`network-partner-eligible`: `partner_country_on` tells, for each of the
    `partner_country_days`, whether the member's country was an ICLD partner country."""
    for day, eligible in partner_country_on.items():
        if not eligible:
            raise RuleViolation(
                NETWORK_PARTNER_ELIGIBLE,
                _(
                    "{country} is not an ICLD partner country on {day}, within the network's "
                    "period.",
                    country=country_code,
                    day=day,
                ),
                pointer=pointer,
            )


UNKNOWN_NETWORK = rule(
    "unknown-network",
    _("Unknown network"),
    _("The network referred to does not exist."),
    mode=RuleMode.refuse,
    reads=(
        "networks.id",
        "partnerships.network_id",
        "workshops.network_id",
        "partner_interests.network_id",
    ),
)


def known_network(found: T | None, network_id: UUID) -> T:
    """`unknown-network`: the network a workshop, a partnership or a declaration of interest
    names was `found`; it is returned."""
    if found is None:
        raise RuleViolation(
            UNKNOWN_NETWORK, _("No network {id}.", id=network_id), pointer="/network_id"
        )
    return found


WORKSHOP_WITHIN_NETWORK = rule(
    "workshop-within-network",
    _("A network's workshop falls within it"),
    _("A network's workshop takes place within the network's period (DOMAIN.md §4)."),
    mode=RuleMode.refuse,
    reads=(
        "workshops.starts",
        "workshops.ends",
        "workshops.network_id",
        "networks.starts",
        "networks.ends",
    ),
)


def check_workshop_within_network(
    workshop: tuple[date, date],
    network: tuple[date, date],
    *,
    changed: Literal["workshop", "network"],
) -> None:
    """`workshop-within-network`: a workshop's (starts, ends) within its network's, when the
    workshop is recorded or `changed`, and when the network's period is."""
    (starts, ends), (network_starts, network_ends) = workshop, network
    if network_starts <= starts and ends <= network_ends:
        return
    raise RuleViolation(
        WORKSHOP_WITHIN_NETWORK,
        _("The network's workshop of {start} would fall outside its period.", start=starts)
        if changed == "network"
        else _(
            "The workshop ({start}..{end}) falls outside the network "
            "({network_start}..{network_end}).",
            start=starts,
            end=ends,
            network_start=network_starts,
            network_end=network_ends,
        ),
        pointer="/starts",
    )


WORKSHOP_MEMBERS_ONLY = rule(
    "workshop-members-only",
    _("Network workshops are for members"),
    _("The organisations taking part in a network's workshop are members of the network."),
    mode=RuleMode.refuse,
    reads=(
        "workshops.organisation_ids",
        "workshops.network_id",
        "network_members.organisation_id",
    ),
)


def check_workshop_members(organisation_ids: Sequence[UUID], members: Collection[UUID]) -> None:
    """`workshop-members-only`: the organisations taking part in a network's workshop are among
    its `members` (those that have not left)."""
    for i, organisation_id in enumerate(organisation_ids):
        if organisation_id not in members:
            raise RuleViolation(
                WORKSHOP_MEMBERS_ONLY,
                _("Organisation {id} is not a member of the network.", id=organisation_id),
                pointer=f"/organisation_ids/{i}",
            )


def check_member_may_leave(planned_workshop: str | None) -> None:
    """`workshop-members-only`, from the member's side: a member leaving the network takes part
    in no planned workshop of it (`planned_workshop` is the title of one it takes part in)."""
    if planned_workshop is not None:
        raise RuleViolation(
            WORKSHOP_MEMBERS_ONLY,
            _(
                "The organisation still takes part in the planned workshop '{workshop}'.",
                workshop=planned_workshop,
            ),
            pointer="/status",
        )


# How many people an organisation sends to a workshop unless the workshop says otherwise.
PARTICIPANTS_PER_ORGANISATION = 3

WORKSHOP_PARTICIPANTS = rule(
    "workshop-participants",
    _("Participants come from the organisations taking part, within the cap"),
    _(
        "Each participant belongs to an organisation taking part, and no organisation sends more "
        "people than the workshop's cap (seed 001: {n} from Lessebo).",
        n=in_words(PARTICIPANTS_PER_ORGANISATION),
    ),
    mode=RuleMode.refuse,
    reads=(
        "workshop_participants.person_id",
        "people.organisation_id",
        "workshops.organisation_ids",
        "workshops.participants_per_organisation",
    ),
)


def check_participants(
    person_ids: Sequence[UUID],
    organisation_of: Mapping[UUID, UUID],
    organisation_ids: Collection[UUID],
    cap: int,
) -> None:
    """`workshop-participants`: each person listed once, of an organisation taking part
    (`organisation_of` maps the stored people to theirs), and at most `cap` from each, whenever
    the list or the workshop changes."""
    seen: set[UUID] = set()
    for i, person_id in enumerate(person_ids):
        if person_id in seen:
            raise RuleViolation(
                WORKSHOP_PARTICIPANTS,
                _("Person {id} is listed twice.", id=person_id),
                pointer=f"/participants/{i}/person_id",
            )
        seen.add(person_id)
        if organisation_of.get(person_id) not in organisation_ids:
            raise RuleViolation(
                WORKSHOP_PARTICIPANTS,
                _("Person {id} is of no organisation taking part.", id=person_id),
                pointer=f"/participants/{i}/person_id",
            )
    over = [org for org, n in Counter(organisation_of[p] for p in person_ids).items() if n > cap]
    if over:
        raise RuleViolation(
            WORKSHOP_PARTICIPANTS,
            _("{count} organisation(s) send more than {cap} people.", count=len(over), cap=cap),
            pointer="/participants",
        )


WORKSHOP_PERIOD = rule(
    "workshop-period",
    _("A workshop ends after it starts"),
    _("A workshop ends on or after its start."),
    mode=RuleMode.refuse,
    reads=(
        "workshops.starts",
        "workshops.ends",
    ),
    constraints=("ck_workshops_period_order",),
)


def check_workshop_period(starts: date, ends: date) -> None:
    """`workshop-period`."""
    check_period(WORKSHOP_PERIOD, starts, ends)
