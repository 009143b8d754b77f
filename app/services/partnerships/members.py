"""The steering group, project group and inception team of a partnership."""

from collections.abc import Sequence
from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import RuleViolation
from app.core.principal import Principal
from app.core.scopes import ensure_can_write_in
from app.core.versions import Expected, check_version
from app.models.enums import MemberGroup, PersonKind, PoliticalSide
from app.models.partnerships import Member, Partnership, PartnershipPartner
from app.models.people import Person
from app.rules.partnerships import MEMBER_OF_A_PARTY, STEERING_GROUP_COMPOSITION, TEAM_MEMBER_KIND
from app.rules.reference import UNKNOWN_ORGANISATION
from app.schemas.partnerships.members import MemberCreate, MemberFields, MemberUpdate, Side
from app.services.common import apply_changes, merge_patch
from app.services.partnerships.partnerships import PartnershipRecord, get_part, get_partnership

# Who sits in which team (DOMAIN.md §2): the steering group is politicians, the project group
# officials; an inception team holds both.
TEAM_KINDS = {
    MemberGroup.steering_group: PersonKind.politician,
    MemberGroup.project_group: PersonKind.official,
}


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
    sides: dict[UUID, dict[UUID, Side]] = {p.id: {} for p in partnerships}
    for partnership_id, organisation_id in partners:
        sides[partnership_id][organisation_id] = "partner"
    for p in partnerships:
        sides[p.id][p.swedish_party_id] = "swedish"
        if p.third_party_id:
            sides[p.id][p.third_party_id] = "third_party"
    return sides


async def list_members(
    session: AsyncSession, principal: Principal, partnership_id: UUID
) -> tuple[list[tuple[Member, Side]], Partnership]:
    partnership = await get_partnership(session, principal, partnership_id)
    sides = await sides_of(session, partnership)
    rows = await session.execute(
        select(Member, Person.organisation_id)
        .join(Person, col(Person.id) == col(Member.person_id))
        .where(Member.partnership_id == partnership.id)
        .order_by(col(Member.team), col(Member.start_date), col(Member.id))
    )
    return [(member, sides[organisation_id]) for member, organisation_id in rows], partnership


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
            UNKNOWN_ORGANISATION, f"No person {data.person_id}.", pointer="/person_id"
        )
    side = (await sides_of(session, partnership)).get(person.organisation_id)
    if side is None:
        raise RuleViolation(
            MEMBER_OF_A_PARTY,
            f"{person.given_name} {person.family_name} acts for none of the partnership's parties.",
            pointer="/person_id",
        )
    ensure_can_write_in(principal, person.organisation_id)
    expected = TEAM_KINDS.get(data.team)
    if expected is not None and person.kind != expected:
        raise RuleViolation(
            TEAM_MEMBER_KIND,
            f"The {data.team.value.replace('_', ' ')} is made of {expected}s; "
            f"{person.given_name} {person.family_name} is an {person.kind}.",
            pointer="/person_id",
        )
    member = Member(partnership_id=partnership.id, **data.model_dump())
    session.add(member)
    await session.flush()
    await session.refresh(member)
    return member, side


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


async def check_steering_group(session: AsyncSession, partnership: Partnership, on: date) -> None:
    """At least one majority and one opposition politician from each side (DOMAIN.md §7)."""
    missing = await steering_group_missing(session, partnership, on)
    if missing:
        raise RuleViolation(
            STEERING_GROUP_COMPOSITION,
            f"On {on} the steering group lacks {', '.join(missing)}.",
        )


async def steering_group_missing(
    session: AsyncSession, partnership: Partnership, on: date
) -> list[str]:
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


def missing_politicians(
    sides: dict[UUID, Side], present: set[tuple[UUID, str | None]]
) -> list[str]:
    """The steering group's missing politicians, given the (organisation, political side) of
    those present."""
    # Each party of the Swedish and partner sides: in a multilateral partnership every partner
    # local government brings its own majority and opposition.
    parties = [(org, side) for org, side in sides.items() if side in ("swedish", "partner")]
    parties.sort(key=lambda party: (party[1] != "swedish", str(party[0])))
    many_partners = sum(side == "partner" for _, side in parties) > 1
    return [
        f"a {_party_words(side, org, many_partners)} {political} politician"
        for org, side in parties
        for political in (PoliticalSide.majority, PoliticalSide.opposition)
        if (org, political) not in present
    ]


def _party_words(side: Side, organisation_id: UUID, many_partners: bool) -> str:
    if side == "swedish":
        return "Swedish"
    return f"partner-side ({organisation_id})" if many_partners else "partner-side"
