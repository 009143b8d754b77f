"""Workshops of networks (or on their own) and their participants."""

from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.versions import Expected, check_version
from app.db.reads import Prepared, Record
from app.models.enums import NetworkMemberStatus
from app.models.networks import Network, NetworkMember, Workshop, WorkshopParticipant
from app.models.people import Person
from app.rules.networks import (
    check_participants,
    check_workshop_members,
    check_workshop_within_network,
    known_network,
)
from app.schemas.networks.workshops import (
    Participation,
    WorkshopCreate,
    WorkshopFields,
    WorkshopRead,
    WorkshopUpdate,
)
from app.services.common import (
    answer_columns,
    apply_changes,
    get_one,
    merge_patch,
    read_answer,
    touch,
)
from app.services.countries import check_countries
from app.services.organisations import check_organisations

_ANSWER = answer_columns(Workshop, WorkshopRead)
_BY_ID = Prepared(_ANSWER.where(col(Workshop.id) == sa.bindparam("id")))


SORTING = Sorting(
    "workshops",
    {
        "starts": col(Workshop.starts),
        "created_at": col(Workshop.created_at),
        "updated_at": col(Workshop.updated_at),
    },
    default=("starts",),
    unique=col(Workshop.id),
    updated=col(Workshop.updated_at),
)


async def list_workshops(
    session: AsyncSession, page: PageParams, network_id: UUID | None
) -> tuple[list[Record], Links]:
    """A page of workshops to answer with (rows read raw: `app.db.reads`)."""
    stmt = _ANSWER
    if network_id:
        stmt = stmt.where(col(Workshop.network_id) == network_id)
    return await sorted_page(session, stmt, SORTING, page, raw=True)


async def read_workshop(session: AsyncSession, workshop_id: UUID) -> Record:
    """A workshop to answer with (its row read raw, prepared: `app.db.reads`)."""
    not_found = _("No workshop {workshop_id}.", workshop_id=workshop_id)
    return await read_answer(session, _BY_ID, not_found, {"id": workshop_id})


async def get_workshop(session: AsyncSession, workshop_id: UUID) -> Workshop:
    """A workshop to change: an ORM object, locked for the rest of the transaction."""
    stmt = select(Workshop).where(Workshop.id == workshop_id)
    workshop: Workshop = await get_one(
        session, stmt, _("No workshop {workshop_id}.", workshop_id=workshop_id), for_update=True
    )
    return workshop


async def _check(session: AsyncSession, data: WorkshopFields) -> None:
    await check_organisations(
        session,
        [
            ("/host_organisation_id", data.host_organisation_id),
            *((f"/organisation_ids/{i}", o) for i, o in enumerate(data.organisation_ids)),
        ],
    )
    await check_countries(session, [("/country_code", data.country_code)])
    if data.network_id is None:
        return
    network = known_network(await session.get(Network, data.network_id), data.network_id)
    check_workshop_within_network(
        (data.starts, data.ends), (network.starts, network.ends), changed="workshop"
    )
    members = set(
        await session.scalars(
            select(NetworkMember.organisation_id).where(
                NetworkMember.network_id == network.id,
                NetworkMember.status != NetworkMemberStatus.left,
            )
        )
    )
    check_workshop_members(data.organisation_ids, members)


async def create_workshop(session: AsyncSession, data: WorkshopCreate) -> Workshop:
    await _check(session, data)
    workshop = Workshop(**data.model_dump())
    session.add(workshop)
    await session.flush()
    await session.refresh(workshop)
    return workshop


async def update_workshop(
    session: AsyncSession, workshop_id: UUID, patch: WorkshopUpdate, expected: Expected | None
) -> Workshop:
    workshop = await get_workshop(session, workshop_id)
    check_version(expected, workshop.version)
    current = {field: getattr(workshop, field) for field in WorkshopFields.model_fields}
    merged = merge_patch(current, patch, WorkshopFields)
    await _check(session, merged)
    await _check_participants(session, merged, await participants_of(session, workshop.id))
    if apply_changes(workshop, merged.model_dump()):
        await session.flush()
    return workshop


async def participants_of(session: AsyncSession, workshop_id: UUID) -> list[Participation]:
    rows = await session.scalars(
        select(WorkshopParticipant)
        .where(WorkshopParticipant.workshop_id == workshop_id)
        .order_by(col(WorkshopParticipant.person_id))
    )
    return [Participation(person_id=row.person_id, gender=row.gender) for row in rows]


async def _check_participants(
    session: AsyncSession, workshop: WorkshopFields, participants: list[Participation]
) -> None:
    person_ids = [p.person_id for p in participants]
    rows = await session.execute(
        select(Person.id, Person.organisation_id).where(col(Person.id).in_(person_ids))
    )
    organisation_of = {person_id: org for person_id, org in rows}
    check_participants(
        person_ids,
        organisation_of,
        workshop.organisation_ids,
        workshop.participants_per_organisation,
    )


async def set_participants(
    session: AsyncSession,
    workshop_id: UUID,
    participants: list[Participation],
    expected: Expected | None,
) -> tuple[Workshop, list[Participation]]:
    """Replace the participant list as one versioned part of the workshop (If-Match required)."""
    workshop = await get_workshop(session, workshop_id)
    check_version(expected, workshop.version)
    fields = WorkshopFields.model_validate(
        {field: getattr(workshop, field) for field in WorkshopFields.model_fields}
    )
    await _check_participants(session, fields, participants)
    wanted = {p.person_id: p.gender for p in participants}
    current = list(
        await session.scalars(
            select(WorkshopParticipant).where(WorkshopParticipant.workshop_id == workshop.id)
        )
    )
    changed = bool(wanted.keys() - {row.person_id for row in current})
    for row in current:
        if row.person_id not in wanted:
            await session.delete(row)
            changed = True
        elif row.gender != wanted[row.person_id]:
            row.gender = wanted[row.person_id]
            changed = True
        wanted.pop(row.person_id, None)
    session.add_all(
        WorkshopParticipant(workshop_id=workshop.id, person_id=person_id, gender=gender)
        for person_id, gender in wanted.items()
    )
    if changed:  # the same list again is no new version (nor a calendar update)
        touch(workshop)
    await session.flush()
    return workshop, await participants_of(session, workshop.id)
