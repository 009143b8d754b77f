"""Partner search: the rules of declarations of interest, their expiry, and the ranking of
candidates (DOMAIN.md §2: a Swedish municipality finds its partner itself, ICLD may help;
docs/partner-search.md).

Who may declare is judged by the parties' own rules: a Swedish declaration by
`swedish-applicant-eligible`, a partner-side one by `partner-country-eligible` on the day it
could start (`app/rules/partnerships.py`). The ranking is a pure function of the facts the
service gathers: a sum of weighted signals, each with its reason, ties broken by the candidate's
id. Every figure it is stated in is named here.
"""

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from uuid import UUID

from app.core.errors import RuleMode, RuleViolation, rule
from app.core.i18n import Listing, Text, _
from app.core.periods import add_months
from app.models.enums import OrganisationType, PartnerInterestSide, PartnerInterestStatus
from app.rules.reference import SWEDEN
from app.rules.words import in_words

# A declaration stays open this many months after it was made or last renewed; then it expires:
# it is still open, but no longer a candidate, in the directory, or matched until renewed.
EXPIRY_MONTHS = 12


def side_of(country_code: str) -> PartnerInterestSide:
    """A declaration's side: that of its organisation's country."""
    return PartnerInterestSide.swedish if country_code == SWEDEN else PartnerInterestSide.partner


def expires_on(declared_or_renewed: date) -> date:
    """The last day a declaration made (or renewed) that day is open without renewal."""
    return add_months(declared_or_renewed, EXPIRY_MONTHS)


def expired(expires: date, today: date) -> bool:
    return expires < today


PARTNER_INTEREST_COUNTRIES = rule(
    "partner-interest-countries",
    _("A Swedish declaration names partner countries"),
    _(
        "A Swedish organisation's declaration of interest names the countries it would work with "
        "among the ICLD partner countries of the day it could start, or none (any) (DOMAIN.md §2); "
        "a partner-side declaration names no countries nor funding regions: its partner is Swedish."
    ),
    mode=RuleMode.refuse,
    reads=(
        "partner_interests.side",
        "partner_interests.countries",
        "partner_interests.funding_regions",
        "partner_interests.earliest_start",
        "country_eligibility.valid_from",
        "country_eligibility.valid_to",
    ),
)


def check_wanted_countries(
    side: PartnerInterestSide,
    countries: Sequence[str],
    funding_regions: Sequence[str],
    partner_country: Mapping[str, bool],
    on: date,
) -> None:
    """`partner-interest-countries`, given whether each named country was a partner country on
    the day the declaration could start (`on`)."""
    if side is PartnerInterestSide.partner:
        for field, named in (("countries", countries), ("funding_regions", funding_regions)):
            if named:
                raise RuleViolation(
                    PARTNER_INTEREST_COUNTRIES,
                    _(
                        "A partner-side declaration names no {field}: its partner is a Swedish "
                        "organisation.",
                        field=field.replace("_", " "),
                    ),
                    pointer=f"/{field}",
                )
        return
    for i, code in enumerate(countries):
        if not partner_country.get(code, False):
            raise RuleViolation(
                PARTNER_INTEREST_COUNTRIES,
                _("{country} is not an ICLD partner country on {on}.", country=code, on=on),
                pointer=f"/countries/{i}",
            )


PARTNER_INTEREST_CLOSED = rule(
    "partner-interest-closed",
    _("A matched or withdrawn declaration is closed"),
    _(
        "A declaration of interest that was matched (made into a draft partnership) or withdrawn "
        "is kept as it is: it is not changed, renewed, withdrawn or matched again."
    ),
    mode=RuleMode.refuse,
    reads=("partner_interests.status",),
)


def check_open(status: str, pointer: str | None = None) -> None:
    """`partner-interest-closed`."""
    if status != PartnerInterestStatus.open:
        raise RuleViolation(
            PARTNER_INTEREST_CLOSED,
            _("The declaration is {status}: it is closed.", status=status),
            pointer=pointer,
        )


PARTNER_INTEREST_MATCH = rule(
    "partner-interest-match",
    _("A match pairs two current declarations of the two sides"),
    _(
        "A draft partnership is made from a Swedish organisation's declaration of interest and a "
        "partner-side one, neither of which has expired: a declaration expires {n} months after "
        "it was made or last renewed (renew it first).",
        n=in_words(EXPIRY_MONTHS),
    ),
    mode=RuleMode.refuse,
    reads=("partner_interests.side", "partner_interests.expires_on"),
)


def check_match(
    sides: tuple[str, str], expiries: tuple[date, date], today: date, ids: tuple[UUID, UUID]
) -> None:
    """`partner-interest-match` for the declaration of the path and the candidate."""
    if sides[0] == sides[1]:
        raise RuleViolation(
            PARTNER_INTEREST_MATCH,
            _("Both declarations are {side}: a match pairs the two sides.", side=sides[0]),
        )
    for interest_id, expires in zip(ids, expiries, strict=True):
        if expired(expires, today):
            raise RuleViolation(
                PARTNER_INTEREST_MATCH,
                _(
                    "The declaration {id} expired on {day}: renew it first.",
                    id=interest_id,
                    day=expires,
                ),
            )


# The ranking of candidates: each signal's weight, the points a perfect match gets. A
# candidate's score is the sum of its signals' points (100 at most; a partner country that is
# not eligible takes points away).
class Signal(StrEnum):
    themes = "themes"
    principles = "principles"
    country = "country"
    eligibility = "eligibility"
    network = "network"
    challenge = "challenge"
    organisation_type = "organisation_type"
    size = "size"
    partnered_before = "partnered_before"


THEMES = 30  # x the share of the two declarations' themes they have in common (Jaccard)
PRINCIPLES = 10  # x the share of their democratic principles in common (Jaccard)
COUNTRY_NAMED = 15  # the partner's country is one the Swedish side names
COUNTRY_IN_REGION = 10  # ... or in a funding region it names
COUNTRY_ANY = 5  # the Swedish side names neither: any partner country
ELIGIBLE = 10  # the partner's country is an ICLD partner country on the intended start
NOT_ELIGIBLE = -40  # ... or it is not: no partnership could be applied for then
NETWORK = 15  # both come from one network (members of it, or naming it)
CHALLENGE = 10  # x the two local challenges' trigram similarity, over CHALLENGE_FULL_AT
CHALLENGE_FULL_AT = 0.5  # a similarity from which the signal gives all its points
ORGANISATION_TYPE = 5  # both are governments of the same level (local, regional)
SIZE = 5  # x (1 - log10 of the ratio of their populations): 0 at ten times the other
PARTNERED_BEFORE = 0  # flagged, not weighed: the two have (had) a partnership together

MOST = (
    THEMES + PRINCIPLES + COUNTRY_NAMED + ELIGIBLE + NETWORK + CHALLENGE + ORGANISATION_TYPE + SIZE
)

# Local and regional governments: a partner is the corresponding level (DOMAIN.md §2).
LEVELS: Mapping[str, frozenset[OrganisationType]] = {
    "local": frozenset(
        {OrganisationType.municipality, OrganisationType.city, OrganisationType.district}
    ),
    "regional": frozenset({OrganisationType.region, OrganisationType.county}),
}


@dataclass(frozen=True)
class Declared:
    """What the ranking weighs of one declaration and its organisation."""

    id: UUID
    side: str
    organisation_id: UUID
    organisation_name: str
    organisation_type: str
    country_code: str
    funding_region: str | None
    population: int | None
    themes: Sequence[str]
    principles: Sequence[str]
    countries: Sequence[str]
    funding_regions: Sequence[str]
    earliest_start: date
    network_id: UUID | None
    memberships: Collection[UUID]
    """The networks its organisation is a member of (and has not left)."""


@dataclass(frozen=True)
class Reason:
    signal: Signal
    weight: int
    detail: Text


@dataclass(frozen=True)
class Facts:
    """What the service reads for a pair beside the two declarations."""

    similarity: float
    """pg_trgm's similarity of the two local challenges, 0 to 1."""
    eligible: bool
    """The partner's country is an ICLD partner country on `intended_start`."""
    network_titles: Mapping[UUID, str]
    partnerships: Sequence[tuple[str, str]]
    """(title, status) of the partnerships the two organisations are parties of together."""


def intended_start(a: Declared, b: Declared, today: date) -> date:
    """The earliest day both could start a partnership: eligibility is judged then."""
    return max(a.earliest_start, b.earliest_start, today)


def _points(weight: int, share: float) -> int:
    """`weight` x `share`, rounded half up (a fixed rule, the same on every machine)."""
    return math.floor(weight * share + 0.5)


def _normalised(words: Sequence[str]) -> dict[str, str]:
    """Themes compared case-insensitively, inner spaces folded; the first spelling kept."""
    found: dict[str, str] = {}
    for word in words:
        found.setdefault(" ".join(word.split()).casefold(), word)
    return found


def themes_once(words: Sequence[str]) -> list[str]:
    """Each theme once, as `_normalised` compares them (a match's partnership takes both
    declarations' themes)."""
    return list(_normalised(words).values())


def _overlap(signal: Signal, weight: int, a: Sequence[str], b: Sequence[str]) -> Reason:
    mine, theirs = _normalised(a), _normalised(b)
    shared = [mine[k] for k in mine if k in theirs]
    union = len(mine.keys() | theirs.keys())
    points = _points(weight, len(shared) / union) if union else 0
    if signal == Signal.themes:
        detail = (
            _(
                "{n} of {total} themes in common: {shared}",
                n=len(shared),
                total=union,
                shared=Listing(tuple(shared)),
            )
            if shared
            else _("no themes in common")
        )
    else:
        detail = (
            _(
                "{n} of {total} principles in common: {shared}",
                n=len(shared),
                total=union,
                shared=Listing(tuple(shared)),
            )
            if shared
            else _("no principles in common")
        )
    return Reason(signal, points, detail)


def _country(swedish: Declared, partner: Declared) -> Reason:
    code = partner.country_code
    if code in swedish.countries:
        return Reason(
            Signal.country,
            COUNTRY_NAMED,
            _("{code} is a country {name} names", code=code, name=swedish.organisation_name),
        )
    if partner.funding_region and partner.funding_region in swedish.funding_regions:
        return Reason(
            Signal.country,
            COUNTRY_IN_REGION,
            _(
                "{code} is in {region}, a region {name} names",
                code=code,
                region=partner.funding_region,
                name=swedish.organisation_name,
            ),
        )
    if not swedish.countries and not swedish.funding_regions:
        return Reason(
            Signal.country,
            COUNTRY_ANY,
            _("{name} names no country: any", name=swedish.organisation_name),
        )
    named = Listing((*swedish.countries, *swedish.funding_regions), disjunction=True)
    return Reason(
        Signal.country,
        0,
        _(
            "{code} is not among what {name} names ({named})",
            code=code,
            name=swedish.organisation_name,
            named=named,
        ),
    )


def _eligibility(partner: Declared, eligible: bool, start: date) -> Reason:
    code = partner.country_code
    if eligible:
        return Reason(
            Signal.eligibility,
            ELIGIBLE,
            _("{code} is an ICLD partner country on {start}", code=code, start=start),
        )
    return Reason(
        Signal.eligibility,
        NOT_ELIGIBLE,
        _("{code} is not an ICLD partner country on {start}", code=code, start=start),
    )


def _network(a: Declared, b: Declared, titles: Mapping[UUID, str]) -> Reason:
    ours = {*a.memberships, *([a.network_id] if a.network_id else [])}
    theirs = {*b.memberships, *([b.network_id] if b.network_id else [])}
    shared = sorted(titles.get(n, str(n)) for n in ours & theirs)
    if shared:
        return Reason(
            Signal.network,
            NETWORK,
            _("both come from {networks}", networks=Listing(tuple(shared))),
        )
    return Reason(Signal.network, 0, _("no network in common"))


def _challenge(similarity: float) -> Reason:
    share = min(similarity / CHALLENGE_FULL_AT, 1.0)
    return Reason(
        Signal.challenge,
        _points(CHALLENGE, share),
        _(
            "the local challenges' trigram similarity is {similarity}",
            similarity=f"{similarity:.2f}",
        ),
    )


def _level(kind: str) -> str | None:
    return next((level for level, kinds in LEVELS.items() if kind in kinds), None)


def _organisation_type(a: Declared, b: Declared) -> Reason:
    ours, theirs = _level(a.organisation_type), _level(b.organisation_type)
    if ours is not None and ours == theirs:
        both = (
            _("both are local governments")
            if ours == "local"
            else _("both are regional governments")
        )
        return Reason(Signal.organisation_type, ORGANISATION_TYPE, both)
    return Reason(
        Signal.organisation_type,
        0,
        _(
            "`{a}` and `{b}`: not the same level",
            a=a.organisation_type,
            b=b.organisation_type,
        ),
    )


def _size(a: Declared, b: Declared) -> Reason:
    unknown = [d.organisation_name for d in (a, b) if d.population is None]
    if unknown:
        return Reason(
            Signal.size, 0, _("population not recorded: {names}", names=Listing(tuple(unknown)))
        )
    assert a.population is not None and b.population is not None
    ratio = max(a.population, b.population) / min(a.population, b.population)
    points = _points(SIZE, max(0.0, 1 - math.log10(ratio)))
    return Reason(
        Signal.size,
        points,
        _(
            "populations {a} and {b} ({ratio} times)",
            a=a.population,
            b=b.population,
            ratio=f"{ratio:.1f}",
        ),
    )


def _partnered(facts: Facts) -> list[Reason]:
    if not facts.partnerships:
        return []
    named = Listing(tuple(f"'{title}' ({status})" for title, status in facts.partnerships))
    return [
        Reason(
            Signal.partnered_before,
            PARTNERED_BEFORE,
            _("already partners in {partnerships}", partnerships=named),
        )
    ]


def reasons(own: Declared, candidate: Declared, facts: Facts, today: date) -> list[Reason]:
    """Every signal of a candidate for `own`, in the order of `Signal`; the score is their sum."""
    swedish, partner = (
        (own, candidate) if own.side == PartnerInterestSide.swedish else (candidate, own)
    )
    return [
        _overlap(Signal.themes, THEMES, own.themes, candidate.themes),
        _overlap(Signal.principles, PRINCIPLES, own.principles, candidate.principles),
        _country(swedish, partner),
        _eligibility(partner, facts.eligible, intended_start(own, candidate, today)),
        _network(own, candidate, facts.network_titles),
        _challenge(facts.similarity),
        _organisation_type(swedish, partner),
        _size(swedish, partner),
        *_partnered(facts),
    ]


def ranking_key(score: int, interest_id: UUID) -> tuple[int, UUID]:
    """Candidates by score, highest first, then by id: the same order every time."""
    return (-score, interest_id)
