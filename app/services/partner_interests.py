"""Declarations of interest: queries, the rules that need stored data, the ranking of
candidates, and the draft partnership a match is made into (docs/partner-search.md)."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import today
from app.core.errors import NOT_FOUND, ProblemError, RuleViolation
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, decode_cursor, encode_cursor, sorted_page
from app.core.principal import Principal
from app.core.scopes import (
    Shape,
    ensure_can_write_in,
    for_caller,
    scope_candidates,
    scope_partner_interests,
)
from app.core.versions import Expected, check_version
from app.db import reads
from app.models.countries import Country, CountryEligibility
from app.models.enums import (
    NetworkMemberStatus,
    PartnerInterestSide,
    PartnerInterestStatus,
    Principle,
)
from app.models.networks import Network, NetworkMember
from app.models.organisations import Organisation
from app.models.partner_interests import PartnerInterest
from app.models.partnerships import Partnership, PartnershipPartner
from app.rules.networks import known_network
from app.rules.partner_interests import (
    Declared,
    Facts,
    Reason,
    check_match,
    check_open,
    check_wanted_countries,
    expires_on,
    ranking_key,
    reasons,
    side_of,
    themes_once,
)
from app.rules.partnerships import check_partner_country, check_swedish_applicant
from app.schemas.partner_interests import (
    MatchToPartnership,
    PartnerInterestCreate,
    PartnerInterestFields,
    PartnerInterestRead,
    PartnerInterestUpdate,
)
from app.schemas.partnerships.partnerships import PartnershipCreate, PartnershipOrigin
from app.services.access import audit
from app.services.common import (
    answer_columns,
    apply_changes,
    get_one,
    merge_patch,
    read_answer,
)
from app.services.countries import eligible_on, partner_country_on
from app.services.organisations import check_organisations
from app.services.partnerships import partnerships

_TABLE: sa.Table = PartnerInterest.__table__  # type: ignore[attr-defined]
_ANSWER = answer_columns(PartnerInterest, PartnerInterestRead)


@dataclass(frozen=True)
class InterestFilters:
    organisation_id: UUID | None = None
    side: PartnerInterestSide | None = None
    status: PartnerInterestStatus | None = None
    expired: bool | None = None
    theme: str | None = None
    network_id: UUID | None = None
    listed: bool | None = None


def current(on: date) -> sa.ColumnElement[bool]:
    """Open and not expired on `on`: a candidate, and (when listed) in the directory."""
    return sa.and_(
        col(PartnerInterest.status) == PartnerInterestStatus.open,
        col(PartnerInterest.expires_on) >= on,
    )


SORTING = Sorting(
    "partner_interests",
    {
        "created_at": _TABLE.c.created_at,
        "expires_on": _TABLE.c.expires_on,
        "updated_at": _TABLE.c.updated_at,
    },
    default=("created_at",),
    unique=_TABLE.c.id,
    updated=_TABLE.c.updated_at,
)


async def list_interests(
    session: AsyncSession, principal: Principal, filters: InterestFilters, page: PageParams
) -> tuple[list[dict[str, Any]], Links]:
    """A page of declarations to answer with (rows read raw, as dicts: `app.db.reads`)."""
    stmt = scope_partner_interests(principal, _ANSWER)
    if filters.organisation_id:
        stmt = stmt.where(PartnerInterest.organisation_id == filters.organisation_id)
    if filters.side:
        stmt = stmt.where(PartnerInterest.side == filters.side.value)
    if filters.status:
        stmt = stmt.where(PartnerInterest.status == filters.status.value)
    if filters.expired is not None:
        ended = col(PartnerInterest.expires_on) < today()
        stmt = stmt.where(ended if filters.expired else sa.not_(ended))
    if filters.theme:
        stmt = stmt.where(sa.literal(filters.theme) == sa.any_(col(PartnerInterest.themes)))
    if filters.network_id:
        stmt = stmt.where(PartnerInterest.network_id == filters.network_id)
    if filters.listed is not None:
        stmt = stmt.where(PartnerInterest.listed == filters.listed)
    return await sorted_page(session, stmt, SORTING, page, raw=True)


@reads.prepared
def _by_id(scope: Shape) -> sa.Select[Any]:
    stmt = _ANSWER.where(_TABLE.c.id == sa.bindparam("id"))
    scoped: sa.Select[Any] = scope_partner_interests(scope, stmt)
    return scoped


async def read_interest(
    session: AsyncSession, principal: Principal, interest_id: UUID
) -> dict[str, Any]:
    """A declaration to answer with, in the caller's scope (its row read raw, as a dict, by a
    statement prepared per shape of scope)."""
    stmt, params = for_caller(_by_id, principal, id=interest_id)
    return await read_answer(
        session,
        stmt,
        _("No declaration of interest {interest_id}.", interest_id=interest_id),
        params,
    )


async def get_interest(
    session: AsyncSession, principal: Principal, interest_id: UUID, *, for_update: bool = False
) -> PartnerInterest:
    """A declaration in the caller's scope (404 outside it)."""
    stmt = scope_partner_interests(
        principal, select(PartnerInterest).where(PartnerInterest.id == interest_id)
    )
    interest: PartnerInterest = await get_one(
        session,
        stmt,
        _("No declaration of interest {interest_id}.", interest_id=interest_id),
        for_update=for_update,
    )
    return interest


async def _partner_countries(session: AsyncSession, codes: Sequence[str], on: date) -> set[str]:
    """Which of `codes` were ICLD partner countries on `on`, in one query."""
    if not codes:
        return set()
    found = await session.scalars(
        select(Country.code).where(col(Country.code).in_(set(codes)), eligible_on(on))
    )
    return set(found)


async def _check_declaration(
    session: AsyncSession,
    organisation: Organisation,
    side: PartnerInterestSide,
    fields: PartnerInterestFields,
    start_pointer: str,
) -> None:
    """The rules of a declaration as it would be stored: who may declare (the parties' own
    rules), the countries it names, the network it names."""
    if side is PartnerInterestSide.swedish:
        check_swedish_applicant(
            organisation.name, organisation.country_code, organisation.type, "/organisation_id"
        )
    else:
        eligible = await partner_country_on(
            session, organisation.country_code, fields.earliest_start
        )
        check_partner_country(
            organisation.name,
            organisation.country_code,
            fields.earliest_start,
            eligible=eligible,
            pointer=start_pointer,
        )
    partner_countries = await _partner_countries(session, fields.countries, fields.earliest_start)
    check_wanted_countries(
        side,
        fields.countries,
        fields.funding_regions,
        {code: code in partner_countries for code in fields.countries},
        fields.earliest_start,
    )
    if fields.network_id is not None:
        known_network(await session.get(Network, fields.network_id), fields.network_id)


def _stored(fields: PartnerInterestFields) -> dict[str, Any]:
    """The fields as stored: each list once per value, in the order given."""
    stored = fields.model_dump()
    for name in ("themes", "principles", "countries", "funding_regions"):
        stored[name] = list(dict.fromkeys(stored[name]))
    return stored


async def create_interest(
    session: AsyncSession, principal: Principal, data: PartnerInterestCreate
) -> PartnerInterest:
    found = await check_organisations(session, [("/organisation_id", data.organisation_id)])
    organisation = found[data.organisation_id]
    ensure_can_write_in(principal, organisation.id)
    side = side_of(organisation.country_code)
    await _check_declaration(session, organisation, side, data, "/organisation_id")
    fields = _stored(
        PartnerInterestFields.model_validate(data.model_dump(exclude={"organisation_id"}))
    )
    interest = PartnerInterest(
        **fields,
        organisation_id=organisation.id,
        side=side,
        expires_on=expires_on(today()),
    )
    session.add(interest)
    await session.flush()
    await session.refresh(interest)
    return interest


async def update_interest(
    session: AsyncSession,
    principal: Principal,
    interest_id: UUID,
    patch: PartnerInterestUpdate,
    expected: Expected | None,
) -> PartnerInterest:
    interest = await get_interest(session, principal, interest_id, for_update=True)
    check_version(expected, interest.version)
    check_open(interest.status)
    stored = {field: getattr(interest, field) for field in PartnerInterestFields.model_fields}
    merged = merge_patch(stored, patch, PartnerInterestFields)
    organisation = await session.get(Organisation, interest.organisation_id)
    assert organisation is not None  # a foreign key
    side = PartnerInterestSide(interest.side)
    await _check_declaration(session, organisation, side, merged, "/earliest_start")
    if apply_changes(interest, _stored(merged)):
        await session.flush()
    return interest


async def renew_interest(
    session: AsyncSession, principal: Principal, interest_id: UUID, expected: Expected | None
) -> PartnerInterest:
    """Open for another EXPIRY_MONTHS months from today."""
    interest = await get_interest(session, principal, interest_id, for_update=True)
    check_version(expected, interest.version)
    check_open(interest.status)
    if apply_changes(interest, {"expires_on": expires_on(today())}):
        audit.label_next_flush(session, "renew")
        await session.flush()
    return interest


async def withdraw_interest(
    session: AsyncSession, principal: Principal, interest_id: UUID, expected: Expected | None
) -> PartnerInterest:
    interest = await get_interest(session, principal, interest_id, for_update=True)
    check_version(expected, interest.version)
    check_open(interest.status)
    apply_changes(interest, {"status": PartnerInterestStatus.withdrawn.value})
    audit.label_next_flush(session, "withdraw")
    await session.flush()
    return interest


# Matches


@dataclass(frozen=True)
class Candidate:
    """A candidate declaration of the other side, ranked."""

    interest: PartnerInterest
    organisation: Organisation
    score: int
    reasons: list[Reason]
    partnerships: list[UUID]


def _declared(
    interest: PartnerInterest,
    organisation: Organisation,
    funding_region: str | None,
    memberships: dict[UUID, set[UUID]],
) -> Declared:
    return Declared(
        id=interest.id,
        side=interest.side,
        organisation_id=organisation.id,
        organisation_name=organisation.name,
        organisation_type=organisation.type,
        country_code=organisation.country_code,
        funding_region=funding_region,
        population=organisation.population,
        themes=interest.themes,
        principles=interest.principles,
        countries=interest.countries,
        funding_regions=interest.funding_regions,
        earliest_start=interest.earliest_start,
        network_id=interest.network_id,
        memberships=memberships[organisation.id],
    )


def _with_organisation() -> Any:
    return (
        select(PartnerInterest, Organisation, Country.funding_region)
        .join(Organisation, col(Organisation.id) == col(PartnerInterest.organisation_id))
        .join(Country, col(Country.code) == col(Organisation.country_code))
    )


async def rank_candidates(
    session: AsyncSession, principal: Principal, interest_id: UUID, page: PageParams
) -> tuple[list[Candidate], str | None]:
    """The open, unexpired declarations of the other side that the caller may be shown, ranked
    for the declaration `interest_id` (docs/partner-search.md), one page of them. The whole
    ranking is computed (the candidates are few: those open at once), in four statements
    whatever their number."""
    on = today()
    own_stmt = scope_partner_interests(
        principal, _with_organisation().where(col(PartnerInterest.id) == interest_id)
    )
    own_row = (await session.execute(own_stmt)).first()
    if own_row is None:
        raise ProblemError(
            NOT_FOUND, _("No declaration of interest {interest_id}.", interest_id=interest_id)
        )
    own, own_org, own_region = own_row
    candidates = await _candidates(session, principal, own, own_org, on)
    organisations = [own_org.id, *(c[1].id for c in candidates)]
    memberships, titles = await _networks(
        session, organisations, {i.network_id for i in [own, *(c[0] for c in candidates)]}
    )
    together = await _partnerships_between(session, own, own_org.id, organisations[1:])
    me = _declared(own, own_org, own_region, memberships)
    ranked = []
    for interest, organisation, region, similarity, eligible in candidates:
        shared = together.get(organisation.id, [])
        facts = Facts(
            similarity=float(similarity),
            eligible=bool(eligible),
            network_titles=titles,
            partnerships=[(title, status) for _, title, status in shared],
        )
        found = reasons(me, _declared(interest, organisation, region, memberships), facts, on)
        ranked.append(
            Candidate(
                interest,
                organisation,
                sum(r.weight for r in found),
                found,
                [partnership_id for partnership_id, _, _ in shared],
            )
        )
    ranked.sort(key=lambda c: ranking_key(c.score, c.interest.id))
    return _page(ranked, page)


async def _candidates(
    session: AsyncSession,
    principal: Principal,
    own: PartnerInterest,
    own_org: Organisation,
    on: date,
) -> list[Any]:
    """Each candidate with its organisation, its country's funding region, the similarity of
    the two challenges (pg_trgm) and whether the partner's country is an ICLD partner country
    on the earliest day both could start."""
    start = sa.func.greatest(
        sa.literal(own.earliest_start, sa.Date), col(PartnerInterest.earliest_start),
        sa.literal(on, sa.Date),
    )  # fmt: skip
    partner_country = (
        col(Organisation.country_code)
        if own.side == PartnerInterestSide.swedish
        else sa.literal(own_org.country_code)
    )
    valid_to = col(CountryEligibility.valid_to)
    eligible = sa.exists().where(
        col(CountryEligibility.country_code) == partner_country,
        col(CountryEligibility.valid_from) <= start,
        sa.or_(valid_to.is_(None), valid_to >= start),
    )
    similarity = sa.func.similarity(
        sa.literal(own.local_challenge, sa.Text), col(PartnerInterest.local_challenge)
    )
    stmt = (
        _with_organisation()
        .add_columns(similarity, eligible)
        .where(
            PartnerInterest.side != own.side,
            PartnerInterest.id != own.id,
            current(on),
        )
    )
    return list((await session.execute(scope_candidates(principal, stmt))).all())


async def _networks(
    session: AsyncSession, organisations: list[UUID], named: set[UUID | None]
) -> tuple[dict[UUID, set[UUID]], dict[UUID, str]]:
    """The networks each organisation is a member of (and has not left), and the titles of
    those and of the networks the declarations name, in one query."""
    memberships: dict[UUID, set[UUID]] = defaultdict(set)
    member = (
        select(NetworkMember.network_id)
        .where(
            col(NetworkMember.organisation_id).in_(organisations),
            NetworkMember.status != NetworkMemberStatus.left,
        )
        .scalar_subquery()
    )
    ids = {n for n in named if n is not None}
    rows = await session.execute(
        select(Network.id, Network.title, NetworkMember.organisation_id)
        .outerjoin(
            NetworkMember,
            sa.and_(
                col(NetworkMember.network_id) == col(Network.id),
                col(NetworkMember.organisation_id).in_(organisations),
                col(NetworkMember.status) != NetworkMemberStatus.left,
            ),
        )
        .where(sa.or_(col(Network.id).in_(ids), col(Network.id).in_(member)))
    )
    titles = {}
    for network_id, title, organisation_id in rows:
        titles[network_id] = title
        if organisation_id is not None:
            memberships[organisation_id].add(network_id)
    return memberships, titles


async def _partnerships_between(
    session: AsyncSession, own: PartnerInterest, own_org: UUID, others: list[UUID]
) -> dict[UUID, list[tuple[UUID, str, str]]]:
    """(id, title, status) of the partnerships of the declaring organisation with each of the
    others, by the other's id: the Swedish party with a partner-side party."""
    found: dict[UUID, list[tuple[UUID, str, str]]] = defaultdict(list)
    if not others:
        return found
    partner = col(PartnershipPartner.organisation_id)
    swedish = col(Partnership.swedish_party_id)
    if own.side == PartnerInterestSide.swedish:
        other, where = partner, sa.and_(swedish == own_org, partner.in_(others))
    else:
        other, where = swedish, sa.and_(partner == own_org, swedish.in_(others))
    rows = await session.execute(
        select(other, col(Partnership.id), col(Partnership.title), col(Partnership.status))
        .join(PartnershipPartner, col(PartnershipPartner.partnership_id) == col(Partnership.id))
        .where(where)
        .order_by(col(Partnership.title), col(Partnership.id))
    )
    for other_id, partnership_id, title, status in rows:
        found[other_id].append((partnership_id, title, status))
    return found


_RANKING = "score"


def _page(ranked: list[Candidate], page: PageParams) -> tuple[list[Candidate], str | None]:
    """One page of a ranking computed whole, after the cursor: keyset on (score descending,
    id), as a list read from the database is paged."""
    if page.cursor is not None:
        after = _after(page.cursor)
        ranked = [c for c in ranked if ranking_key(c.score, c.interest.id) > after]
    if len(ranked) <= page.limit:
        return ranked, None
    last = ranked[page.limit - 1]
    return ranked[: page.limit], encode_cursor(_RANKING, [last.score, last.interest.id])


def _after(cursor: str) -> tuple[int, UUID]:
    """The ranking key a cursor of this list was handed out after (400 for any other)."""
    score, interest_id = decode_cursor(cursor, _RANKING, (int, UUID))
    return ranking_key(score, interest_id)


# A match made into a draft partnership


_BODY_FIELDS = ("/title", "/applied_on", "/description")


async def make_partnership(
    session: AsyncSession,
    principal: Principal,
    interest_id: UUID,
    other_id: UUID,
    choices: MatchToPartnership,
) -> Partnership:
    """The draft partnership of two declarations of the two sides, through the partnership
    service (all its rules apply), recording them as its origin; both become `matched`."""
    locked = {}
    for each in sorted({interest_id, other_id}):  # locks in one order: no deadlock
        locked[each] = await get_interest(session, principal, each, for_update=True)
    mine, theirs = locked[interest_id], locked[other_id]
    check_open(mine.status)
    check_open(theirs.status)
    check_match(
        (mine.side, theirs.side),
        (mine.expires_on, theirs.expires_on),
        today(),
        (mine.id, theirs.id),
    )
    swedish, partner = (
        (mine, theirs) if mine.side == PartnerInterestSide.swedish else (theirs, mine)
    )
    rows = await session.execute(
        select(Organisation.id, Organisation.name).where(
            col(Organisation.id).in_([swedish.organisation_id, partner.organisation_id])
        )
    )
    names = {organisation_id: name for organisation_id, name in rows}
    title = choices.title or f"{names[swedish.organisation_id]} - {names[partner.organisation_id]}"
    data = PartnershipCreate(
        title=title[:300],
        description=choices.description,
        local_challenge=swedish.local_challenge,
        themes=themes_once([*swedish.themes, *partner.themes]),
        principles=[p for p in Principle if p in {*swedish.principles, *partner.principles}],
        swedish_party_id=swedish.organisation_id,
        partner_ids=[partner.organisation_id],
        applied_on=choices.applied_on or today(),
        network_id=swedish.network_id if swedish.network_id == partner.network_id else None,
    )
    origin = PartnershipOrigin(swedish_interest_id=swedish.id, partner_interest_id=partner.id)
    try:
        partnership = await partnerships.create_partnership(session, data, origin)
    except RuleViolation as broken:
        pointer = broken.errors[0].pointer if broken.errors else None
        raise RuleViolation(
            broken.kind, broken.detail, pointer=pointer if pointer in _BODY_FIELDS else None
        ) from broken
    for interest in (swedish, partner):
        apply_changes(interest, {"status": PartnerInterestStatus.matched.value})
    audit.label_next_flush(session, "match")
    await session.flush()
    return partnership
