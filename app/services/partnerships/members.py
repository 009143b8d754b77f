"""The steering group, project group and inception team of a partnership."""

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import RuleViolation
from app.core.i18n import Message, _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.scopes import ensure_can_write_in
from app.core.versions import Expected, check_version
from app.models.enums import MemberGroup, PersonKind
from app.models.partnerships import Member, Partnership, PartnershipPartner
from app.models.people import Person
from app.rules.partnerships import (
    check_member_of_a_party,
    check_team_member_kind,
    missing_politicians,
)
from app.rules.reference import UNKNOWN_ORGANISATION
from app.schemas.partnerships.members import MemberCreate, MemberFields, MemberUpdate, Side
from app.services.common import apply_changes, merge_patch
from app.services.partnerships.partnerships import PartnershipRecord, get_part, get_partnership


async def sides_of(session: AsyncSession, partnership: Partnership) -> dict[UUID, Side]:
    """Each party organisation of the partnership, with its side."""
    return (await sides_of_each(session, [partnership]))[partnership.id]


async def sides_of_each(
    session: AsyncSession, partnerships: Sequence[PartnershipRecord]
) -> dict[UUID, dict[UUID, Side]]:
    """`sides_of` for many partnerships in one statement."""
    partners = await session.execute(
        select(PartnershipPartner.partnership_id, PartnershipPartner.organisation_id).where(
            col(PartnershipPartner.partnership_id).in_([p.id for p in partnerships])
        )
    )
    partner_ids: dict[UUID, list[UUID]] = {p.id: [] for p in partnerships}
    for partnership_id, organisation_id in partners:
        partner_ids[partnership_id].append(organisation_id)
    return sides_from(partnerships, partner_ids)


def sides_from(
    partnerships: Sequence[PartnershipRecord], partner_ids: Mapping[UUID, Sequence[UUID]]
) -> dict[UUID, dict[UUID, Side]]:
    """Each party organisation of each partnership, with its side, from the partner-side parties
    already read (`partners_of`)."""
    sides: dict[UUID, dict[UUID, Side]] = {}
    for p in partnerships:
        mine: dict[UUID, Side] = dict.fromkeys(partner_ids[p.id], "partner")
        mine[p.swedish_party_id] = "swedish"
        if p.third_party_id:
            mine[p.third_party_id] = "third_party"
        sides[p.id] = mine
    return sides


SORTING = Sorting(
    "members",
    {
        "team": col(Member.team),
        "start_date": col(Member.start_date),
        "created_at": col(Member.created_at),
        "updated_at": col(Member.updated_at),
    },
    default=("team", "start_date"),
    unique=col(Member.id),
    updated=col(Member.updated_at),
    item=lambda row: row[0],
)


async def list_members(
    session: AsyncSession, principal: Principal, partnership_id: UUID, page: PageParams
) -> tuple[list[tuple[Member, Side]], Links]:
    partnership = await get_partnership(session, principal, partnership_id)
    sides = await sides_of(session, partnership)
    stmt: Any = (
        select(Member, Person.organisation_id)
        .join(Person, col(Person.id) == col(Member.person_id))
        .where(Member.partnership_id == partnership.id)
    )
    rows: list[Any]
    rows, links = await sorted_page(session, stmt, SORTING, page, as_rows=True)
    return [(member, sides[organisation_id]) for member, organisation_id in rows], links


async def get_member(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    member_id: UUID,
    *,
    for_update: bool = False,
) -> tuple[Member, Side, Person]:
    partnership, member = await get_part(
        session, principal, partnership_id, Member, member_id, for_update=for_update
    )
    person = await session.get(Person, member.person_id)
    assert person is not None  # a foreign key guarantees it
    return member, (await sides_of(session, partnership))[person.organisation_id], person


async def create_member(
    session: AsyncSession, principal: Principal, partnership_id: UUID, data: MemberCreate
) -> tuple[Member, Side]:
    partnership = await get_partnership(session, principal, partnership_id, for_update=True)
    person = await session.get(Person, data.person_id)
    if person is None or not principal.in_scope(person.organisation_id):
        raise RuleViolation(
            UNKNOWN_ORGANISATION,
            _("No person {person_id}.", person_id=data.person_id),
            pointer="/person_id",
        )
    sides = await sides_of(session, partnership)
    name = f"{person.given_name} {person.family_name}"
    check_member_of_a_party(sides, person.organisation_id, name, "/person_id")
    ensure_can_write_in(principal, person.organisation_id)
    check_team_member_kind(data.team, person.kind, name)
    member = Member(partnership_id=partnership.id, **data.model_dump())
    session.add(member)
    await session.flush()
    await session.refresh(member)
    return member, sides[person.organisation_id]


async def update_member(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    member_id: UUID,
    patch: MemberUpdate,
    expected: Expected | None,
) -> tuple[Member, Side]:
    member, side, person = await get_member(
        session, principal, partnership_id, member_id, for_update=True
    )
    ensure_can_write_in(principal, person.organisation_id)
    check_version(expected, member.version)
    current = {field: getattr(member, field) for field in MemberFields.model_fields}
    merged = merge_patch(current, patch, MemberFields)
    if apply_changes(member, merged.model_dump()):
        await session.flush()
    return member, side


async def delete_member(
    session: AsyncSession,
    principal: Principal,
    partnership_id: UUID,
    member_id: UUID,
    expected: Expected | None,
) -> None:
    member, _, person = await get_member(
        session, principal, partnership_id, member_id, for_update=True
    )
    ensure_can_write_in(principal, person.organisation_id)
    check_version(expected, member.version)
    await session.delete(member)
    await session.flush()


async def steering_group_missing(
    session: AsyncSession, partnership: Partnership, on: date
) -> list[Message]:
    """What the steering group lacks on a day, in words ("a Swedish majority politician")."""
    sides = await sides_of(session, partnership)
    end_date = col(Member.end_date)
    rows = await session.execute(
        select(Person.organisation_id, Person.political_side)
        .join(Member, col(Member.person_id) == col(Person.id))
        .where(
            Member.partnership_id == partnership.id,
            Member.team == MemberGroup.steering_group,
            Person.kind == PersonKind.politician,
            col(Member.start_date) <= on,
            sa.or_(end_date.is_(None), end_date >= on),
        )
    )
    return missing_politicians(sides, {(org, political_side) for org, political_side in rows})
