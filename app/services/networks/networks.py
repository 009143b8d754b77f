"""Networks and their members: queries and the rules that need stored data."""

from collections import Counter, defaultdict
from collections.abc import Collection
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.scopes import scope_partnerships
from app.core.versions import Expected, check_version
from app.db.reads import Prepared, Record, prepared
from app.models.enums import NetworkMemberStatus, NetworkStatus, WorkshopStatus
from app.models.networks import Network, NetworkMember, Workshop, WorkshopParticipant
from app.models.organisations import Organisation
from app.models.partnerships import Partnership
from app.models.people import Person
from app.rules.networks import (
    SMALLEST_GROUP,
    check_member_country,
    check_member_may_leave,
    check_partner_eligible,
    check_workshop_within_network,
    partner_country_days,
)
from app.schemas.networks.networks import (
    HeldWorkshop,
    NetworkCreate,
    NetworkFields,
    NetworkMemberCreate,
    NetworkMemberFields,
    NetworkMemberUpdate,
    NetworkRead,
    NetworkSummary,
    NetworkUpdate,
    ParticipantFigures,
)
from app.schemas.texts import served_public
from app.services.common import (
    answer_columns,
    apply_changes,
    get_one,
    merge_patch,
    read_answer,
    text_search,
)
from app.services.countries import check_countries, partner_country_on
from app.services.organisations import check_organisations
from app.services.partnerships.partnerships import parties_in_network

# A network read for an answer (a row, see `answer_columns`) or to change (an ORM object).
NetworkRecord = Network | sa.Row[Any] | Record
_ANSWER = answer_columns(Network, NetworkRead)


SORTING = Sorting(
    "networks",
    {
        "title": col(Network.title),
        "created_at": col(Network.created_at),
        "updated_at": col(Network.updated_at),
    },
    default=("title",),
    unique=col(Network.id),
    updated=col(Network.updated_at),
)


async def list_networks(
    session: AsyncSession,
    page: PageParams,
    theme: str | None,
    country: str | None,
    active_in: int | None = None,
    *,
    announced_only: bool = False,
    q: str | None = None,
) -> tuple[list[Record], Links]:
    """By title; `announced_only` leaves out planned networks (for the public); `q` searches
    the titles and descriptions in every language (docs/languages-content.md). Rows read raw
    (`app.db.reads`)."""
    stmt = _ANSWER
    if q:
        stmt = stmt.where(text_search(col(Network.search), q))
    if announced_only:
        stmt = stmt.where(col(Network.status) != NetworkStatus.planned)
    if active_in:
        stmt = stmt.where(
            col(Network.starts) <= date(active_in, 12, 31),
            col(Network.ends) >= date(active_in, 1, 1),
        )
    if theme:
        stmt = stmt.where(col(Network.theme) == theme)
    if country:
        stmt = stmt.where(col(Network.country_codes).contains([country.upper()]))
    return await sorted_page(session, stmt, SORTING, page, raw=True)


@prepared
def _by_id(announced_only: bool) -> sa.Select[Any]:
    stmt = _ANSWER.where(col(Network.id) == sa.bindparam("id"))
    if announced_only:
        stmt = stmt.where(col(Network.status) != NetworkStatus.planned)
    return stmt


async def read_network(
    session: AsyncSession, network_id: UUID, *, announced_only: bool = False
) -> Record:
    """A network to answer with (its row read raw, prepared); with `announced_only` (the
    public's view) a planned one is not found."""
    stmt: Prepared = _by_id(announced_only)
    not_found = _("No network {network_id}.", network_id=network_id)
    return await read_answer(session, stmt, not_found, {"id": network_id})


async def networks_by_id(session: AsyncSession, ids: Collection[UUID]) -> dict[UUID, NetworkRead]:
    """Networks as `GET /networks/{id}` answers them (anyone signed in may read them), in one
    statement."""
    rows = await session.execute(_ANSWER.where(col(Network.id).in_(list(ids))))
    return {row.id: NetworkRead.model_validate(row) for row in rows}


async def get_network(
    session: AsyncSession,
    network_id: UUID,
    *,
    for_update: bool = False,
    announced_only: bool = False,
) -> Network:
    """A network to change or build on; with `announced_only` (the public's view) a planned
    one is not found."""
    stmt = select(Network).where(Network.id == network_id)
    if announced_only:
        stmt = stmt.where(Network.status != NetworkStatus.planned)
    network: Network = await get_one(
        session, stmt, _("No network {network_id}.", network_id=network_id), for_update=for_update
    )
    return network


async def _check_network(session: AsyncSession, data: NetworkFields) -> None:
    await check_countries(
        session, [(f"/country_codes/{i}", code) for i, code in enumerate(data.country_codes)]
    )
    if data.coordinator_id:
        await check_organisations(session, [("/coordinator_id", data.coordinator_id)])


async def create_network(session: AsyncSession, data: NetworkCreate) -> Network:
    await _check_network(session, data)
    network = Network(**data.model_dump())
    session.add(network)
    await session.flush()
    await session.refresh(network)
    return network


async def update_network(
    session: AsyncSession, network_id: UUID, patch: NetworkUpdate, expected: Expected | None
) -> Network:
    network = await get_network(session, network_id, for_update=True)
    check_version(expected, network.version)
    current = {field: getattr(network, field) for field in NetworkFields.model_fields}
    merged = merge_patch(current, patch, NetworkFields)
    await _check_network(session, merged)
    workshops = await session.execute(
        select(col(Workshop.starts), col(Workshop.ends))
        .where(Workshop.network_id == network.id)
        .order_by(col(Workshop.starts), col(Workshop.id))
    )
    for starts, ends in workshops:
        check_workshop_within_network(
            (starts, ends), (merged.starts, merged.ends), changed="network"
        )
    # What a member's rules are judged against: the countries if they change, else the period.
    changed = "/country_codes" if merged.country_codes != network.country_codes else "/starts"
    for member in await list_members(session, network.id):
        organisation = await session.get(Organisation, member.organisation_id)
        assert organisation is not None
        await _check_member_country(session, merged, organisation, changed)
    if merged.country_codes != network.country_codes:
        for _, name, code in await parties_in_network(session, network.id):
            check_member_country(name, code, merged.country_codes, "/country_codes")
    if apply_changes(network, merged.model_dump()):
        await session.flush()
    return network


async def list_members(session: AsyncSession, network_id: UUID) -> list[NetworkMember]:
    rows = await session.scalars(
        select(NetworkMember)
        .where(NetworkMember.network_id == network_id)
        .order_by(col(NetworkMember.joined_on), col(NetworkMember.id))
    )
    return list(rows)


async def _check_member_country(
    session: AsyncSession,
    network: NetworkFields | Network,
    organisation: Organisation,
    pointer: str,
) -> None:
    """`network-member-country` and `network-partner-eligible` for a member of `network`."""
    code = organisation.country_code
    check_member_country(organisation.name, code, network.country_codes, pointer)
    partner_country = {
        day: await partner_country_on(session, code, day)
        for day in partner_country_days(code, network.starts, network.ends)
    }
    check_partner_eligible(code, partner_country, pointer)


async def add_member(
    session: AsyncSession, network_id: UUID, data: NetworkMemberCreate
) -> NetworkMember:
    network = await get_network(session, network_id, for_update=True)
    found = await check_organisations(session, [("/organisation_id", data.organisation_id)])
    organisation = found[data.organisation_id]
    await _check_member_country(session, network, organisation, "/organisation_id")
    member = NetworkMember(network_id=network.id, **data.model_dump())
    session.add(member)
    await session.flush()
    await session.refresh(member)
    return member


async def get_member(
    session: AsyncSession, network_id: UUID, member_id: UUID, *, for_update: bool = False
) -> NetworkMember:
    network = await get_network(session, network_id, for_update=for_update)
    stmt = select(NetworkMember).where(
        NetworkMember.id == member_id, NetworkMember.network_id == network.id
    )
    member: NetworkMember = await get_one(
        session,
        stmt,
        _(
            "No member {member_id} in network {network_id}.",
            member_id=member_id,
            network_id=network_id,
        ),
        for_update=for_update,
    )
    return member


async def update_member(
    session: AsyncSession,
    network_id: UUID,
    member_id: UUID,
    patch: NetworkMemberUpdate,
    expected: Expected | None,
) -> NetworkMember:
    member = await get_member(session, network_id, member_id, for_update=True)
    check_version(expected, member.version)
    if patch.status == NetworkMemberStatus.left:
        planned = await session.scalar(
            select(Workshop.title).where(
                Workshop.network_id == network_id,
                Workshop.status == WorkshopStatus.planned,
                sa.literal(member.organisation_id) == sa.any_(col(Workshop.organisation_ids)),
            )
        )
        check_member_may_leave(planned)
    current = {field: getattr(member, field) for field in NetworkMemberFields.model_fields}
    if apply_changes(member, merge_patch(current, patch, NetworkMemberFields).model_dump()):
        await session.flush()
    return member


async def summary(session: AsyncSession, principal: Principal, network_id: UUID) -> NetworkSummary:
    """Members by country, the workshops held and their participations aggregated by country
    and by gender (never crossed, never per person), and the partnerships of the network that
    the caller may see. A participant counts under the country of the organisation they belong
    to now."""
    network = await get_network(session, network_id)
    members = await session.execute(
        select(Organisation.country_code, sa.func.count())
        .join(NetworkMember, col(NetworkMember.organisation_id) == col(Organisation.id))
        .where(
            NetworkMember.network_id == network.id,
            NetworkMember.status != NetworkMemberStatus.left,
        )
        .group_by(col(Organisation.country_code))
        .order_by(col(Organisation.country_code))
    )
    held = list(
        await session.scalars(
            select(Workshop)
            .where(Workshop.network_id == network.id, Workshop.status == WorkshopStatus.held)
            .order_by(col(Workshop.starts), col(Workshop.id))
        )
    )
    participations = list(
        await session.execute(
            select(
                WorkshopParticipant.person_id,
                Organisation.country_code,
                WorkshopParticipant.gender,
            )
            .join(Person, col(Person.id) == col(WorkshopParticipant.person_id))
            .join(Organisation, col(Organisation.id) == col(Person.organisation_id))
            .where(col(WorkshopParticipant.workshop_id).in_([w.id for w in held]))
        )
    )
    partnerships = await session.execute(
        scope_partnerships(
            principal,
            select(Partnership.status, sa.func.count())
            .where(Partnership.network_id == network.id)
            .group_by(col(Partnership.status))
            .order_by(col(Partnership.status)),
        )
    )
    texts = served_public(network)
    return NetworkSummary(
        network_id=network.id,
        title=texts["title"],
        served_language=texts["served_language"],
        starts=network.starts,
        ends=network.ends,
        members_by_country={country: n for country, n in members},
        workshops_held=[HeldWorkshop.model_validate(w) for w in held],
        participants=ParticipantFigures(
            participations=len(participations),
            people=len({person for person, _, _ in participations}),
            by_country=_breakdown(principal, [(p, country) for p, country, _ in participations]),
            by_gender=_breakdown(principal, [(p, gender) for p, _, gender in participations]),
        ),
        partnerships_by_status={status: n for status, n in partnerships},
    )


def _breakdown(principal: Principal, rows: list[tuple[UUID, str]]) -> dict[str, int] | None:
    """Participations per group; None for callers outside ICLD when a group has fewer than
    SMALLEST_GROUP distinct people."""
    people: dict[str, set[UUID]] = defaultdict(set)
    for person, group in rows:
        people[group].add(person)
    if not principal.sees_everything and any(len(p) < SMALLEST_GROUP for p in people.values()):
        return None
    return dict(sorted(Counter(group for _, group in rows).items()))
