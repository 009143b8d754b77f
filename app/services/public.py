"""Public summaries of published partnerships and announced networks (no credentials, no
personal data)."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import today
from app.core.errors import CONFLICT, NOT_FOUND, ProblemError
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.models.enums import (
    FundingRegion,
    NetworkMemberStatus,
    PartnerInterestSide,
    PhaseKind,
    Principle,
    WorkshopStatus,
)
from app.models.networks import NetworkMember, Workshop
from app.models.organisations import Organisation
from app.models.partner_interests import PartnerInterest
from app.models.partnerships import Partnership, Phase
from app.rules.partnerships import first_day, last_day
from app.schemas.public import (
    PublicMember,
    PublicNetwork,
    PublicPartnerInterest,
    PublicPartnership,
    PublicParty,
    PublicPhase,
    PublicWorkshop,
)
from app.schemas.texts import served_public
from app.services.access import audit
from app.services.common import apply_changes
from app.services.networks import networks
from app.services.partner_interests import current
from app.services.partnerships.partnerships import (
    PartnershipFilters,
    filtered,
    get_partnership,
    partners_of,
)

_PUBLISHED = col(Partnership.published_at).is_not(None)


PUBLISHED = Sorting(
    "public_partnerships",
    {
        "title": col(Partnership.title),
        "updated_at": col(Partnership.updated_at),
    },
    default=("title",),
    unique=col(Partnership.id),
    updated=col(Partnership.updated_at),
)


async def list_published(
    session: AsyncSession, filters: PartnershipFilters, page: PageParams
) -> tuple[list[PublicPartnership], Links]:
    stmt = filtered(select(Partnership).where(_PUBLISHED), filters)
    rows: list[Partnership]
    rows, cursor = await sorted_page(session, stmt, PUBLISHED, page)
    return await _summaries(session, rows), cursor


async def get_published(session: AsyncSession, partnership_id: UUID) -> PublicPartnership:
    partnership = await session.scalar(
        select(Partnership).where(Partnership.id == partnership_id, _PUBLISHED)
    )
    if partnership is None:
        raise ProblemError(
            NOT_FOUND,
            _("No published partnership {partnership_id}.", partnership_id=partnership_id),
        )
    return (await _summaries(session, [partnership]))[0]


async def _summaries(
    session: AsyncSession, partnerships: list[Partnership]
) -> list[PublicPartnership]:
    """Parties and phases of a page of partnerships, in two queries whatever the page size."""
    ids = [p.id for p in partnerships]
    partners = await partners_of(session, ids)
    party_ids = {p.swedish_party_id for p in partnerships} | {
        o for p in partnerships for o in [*partners[p.id], p.third_party_id] if o
    }
    parties = {
        o.id: PublicParty(id=o.id, name=o.name, country_code=o.country_code)
        for o in await session.scalars(
            select(Organisation).where(col(Organisation.id).in_(party_ids))
        )
    }
    phases: dict[UUID, list[PublicPhase]] = defaultdict(list)
    for phase in await session.scalars(
        select(Phase)
        .where(col(Phase.partnership_id).in_(ids))
        .order_by(col(Phase.planned_start), col(Phase.id))
    ):
        phases[phase.partnership_id].append(
            PublicPhase(
                kind=phase.kind,
                status=phase.status,
                starts=first_day(phase),
                ends=last_day(phase),
            )
        )
    return [
        PublicPartnership(
            id=p.id,
            **served_public(p),
            local_challenge=p.local_challenge,
            themes=p.themes,
            principles=p.principles,
            status=p.status,
            swedish_party=parties[p.swedish_party_id],
            partners=[parties[o] for o in partners[p.id]],
            third_party=parties[p.third_party_id] if p.third_party_id else None,
            phases=phases[p.id],
            published_at=p.published_at,
        )
        for p in partnerships
    ]


async def set_published(
    session: AsyncSession, principal: Principal, partnership_id: UUID, published: bool
) -> Partnership:
    partnership = await get_partnership(session, principal, partnership_id, for_update=True)
    if (partnership.published_at is not None) == published:
        raise ProblemError(
            CONFLICT,
            _("The partnership is published already.")
            if published
            else _("The partnership is not published already."),
        )
    apply_changes(partnership, {"published_at": datetime.now(UTC) if published else None})
    audit.label_next_flush(session, "publish" if published else "unpublish")
    await session.flush()
    return partnership


async def list_networks(
    session: AsyncSession,
    page: PageParams,
    theme: str | None,
    country: str | None,
    active_in: int | None,
) -> tuple[list[PublicNetwork], Links]:
    rows, cursor = await networks.list_networks(
        session, page, theme, country, active_in, announced_only=True
    )
    return await _network_summaries(session, rows), cursor


async def get_network(session: AsyncSession, network_id: UUID) -> PublicNetwork:
    network = await networks.read_network(session, network_id, announced_only=True)
    return (await _network_summaries(session, [network]))[0]


async def _network_summaries(
    session: AsyncSession, rows: Sequence[networks.NetworkRecord]
) -> list[PublicNetwork]:
    """Members, workshops and partnership counts of a page of networks, in four queries."""
    ids = [n.id for n in rows]
    members: dict[UUID, list[PublicMember]] = defaultdict(list)
    for member, organisation in await session.execute(
        select(NetworkMember, Organisation)
        .join(Organisation, col(Organisation.id) == col(NetworkMember.organisation_id))
        .where(
            col(NetworkMember.network_id).in_(ids),
            NetworkMember.status != NetworkMemberStatus.left,
        )
        .order_by(col(Organisation.country_code), col(Organisation.name), col(Organisation.id))
    ):
        members[member.network_id].append(
            PublicMember(
                id=organisation.id,
                name=organisation.name,
                country_code=organisation.country_code,
                status=member.status,
            )
        )
    workshops = list(
        await session.scalars(
            select(Workshop)
            .where(col(Workshop.network_id).in_(ids), Workshop.status != WorkshopStatus.cancelled)
            .order_by(col(Workshop.starts), col(Workshop.id))
        )
    )
    parties = {
        o.id: PublicParty(id=o.id, name=o.name, country_code=o.country_code)
        for o in await session.scalars(
            select(Organisation).where(
                col(Organisation.id).in_(
                    {w.host_organisation_id for w in workshops}
                    | {n.coordinator_id for n in rows if n.coordinator_id}
                )
            )
        )
    }
    by_network: dict[UUID, list[PublicWorkshop]] = defaultdict(list)
    for w in workshops:
        assert w.network_id is not None
        by_network[w.network_id].append(
            PublicWorkshop(
                id=w.id,
                **served_public(w, ("title",)),
                host=parties[w.host_organisation_id],
                country_code=w.country_code,
                city=w.city,
                starts=w.starts,
                ends=w.ends,
                topics=w.topics,
                status=w.status,
                outcome=w.outcome,
            )
        )
    counts = await session.execute(
        select(Partnership.network_id, sa.func.count())
        .where(col(Partnership.network_id).in_(ids), _PUBLISHED)
        .group_by(col(Partnership.network_id))
    )
    partnerships = {network_id: n for network_id, n in counts}
    return [
        PublicNetwork(
            id=n.id,
            **served_public(n),
            theme=n.theme,
            country_codes=n.country_codes,
            starts=n.starts,
            ends=n.ends,
            status=n.status,
            coordinator=parties[n.coordinator_id] if n.coordinator_id else None,
            members=members[n.id],
            workshops=by_network[n.id],
            partnerships=partnerships.get(n.id, 0),
        )
        for n in rows
    ]


LISTED_INTERESTS = Sorting(
    "public_partner_interests",
    {
        "created_at": col(PartnerInterest.created_at),
        "updated_at": col(PartnerInterest.updated_at),
    },
    default=("created_at",),
    unique=col(PartnerInterest.id),
    updated=col(PartnerInterest.updated_at),
    item=lambda row: row[0],
)


async def list_partner_interests(
    session: AsyncSession,
    page: PageParams,
    side: PartnerInterestSide | None,
    theme: str | None,
    country: str | None,
) -> tuple[list[PublicPartnerInterest], Links]:
    """The directory: declarations listed by their organisations, open and not expired."""
    stmt = _directory()
    if side:
        stmt = stmt.where(PartnerInterest.side == side.value)
    if theme:
        stmt = stmt.where(sa.literal(theme) == sa.any_(col(PartnerInterest.themes)))
    if country:
        stmt = stmt.where(Organisation.country_code == country.upper())
    rows: list[Any]
    rows, cursor = await sorted_page(session, stmt, LISTED_INTERESTS, page, as_rows=True)
    return [_listed(row[0], row[1]) for row in rows], cursor


async def get_partner_interest(session: AsyncSession, interest_id: UUID) -> PublicPartnerInterest:
    row = (await session.execute(_directory().where(PartnerInterest.id == interest_id))).first()
    if row is None:
        raise ProblemError(
            NOT_FOUND,
            _("No listed declaration of interest {interest_id}.", interest_id=interest_id),
        )
    return _listed(row[0], row[1])


def _directory() -> Any:
    return (
        select(PartnerInterest, Organisation)
        .join(Organisation, col(Organisation.id) == col(PartnerInterest.organisation_id))
        .where(col(PartnerInterest.listed), current(today()))
    )


def _listed(interest: PartnerInterest, organisation: Organisation) -> PublicPartnerInterest:
    return PublicPartnerInterest(
        id=interest.id,
        organisation=PublicParty(
            id=organisation.id, name=organisation.name, country_code=organisation.country_code
        ),
        side=PartnerInterestSide(interest.side),
        themes=interest.themes,
        principles=[Principle(p) for p in interest.principles],
        local_challenge=interest.local_challenge,
        countries=interest.countries,
        funding_regions=[FundingRegion(r) for r in interest.funding_regions],
        phase_kind=PhaseKind(interest.phase_kind),
        earliest_start=interest.earliest_start,
        network_id=interest.network_id,
        expires_on=interest.expires_on,
        created_at=interest.created_at,
    )
