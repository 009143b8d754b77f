"""Training programmes and study visits: queries and the rules that need stored data."""

from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import RuleViolation
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.scopes import Shape, for_caller, scope_partnerships, scope_study_visits
from app.core.versions import Expected, check_version
from app.db import reads
from app.models.partnerships import Partnership
from app.models.people import Person
from app.models.programmes import ProgrammeOrganisation, StudyVisit, TrainingProgramme
from app.rules.partnerships import UNKNOWN_PARTNERSHIP
from app.rules.programmes import (
    check_contacts,
    check_visit_within_programme,
    check_visiting_countries,
    known_programme,
)
from app.schemas.programmes import (
    Implementer,
    ProgrammeCreate,
    ProgrammeFields,
    ProgrammeRead,
    ProgrammeUpdate,
    StudyVisitCreate,
    StudyVisitFields,
    StudyVisitRead,
    StudyVisitUpdate,
)
from app.services.common import (
    answer_columns,
    apply_changes,
    get_one,
    merge_patch,
    read_answer,
)
from app.services.countries import check_countries
from app.services.organisations import check_organisations


async def _programme_countries(session: AsyncSession, data: ProgrammeFields) -> None:
    await check_countries(
        session,
        [(f"/segments/{i}/country_code", s.country_code) for i, s in enumerate(data.segments)]
        + [
            (f"/participant_countries/{i}/country_code", p.country_code)
            for i, p in enumerate(data.participant_countries)
        ],
    )


async def implementers_of(session: AsyncSession, ids: list[UUID]) -> dict[UUID, list[Implementer]]:
    found: dict[UUID, list[Implementer]] = {i: [] for i in ids}
    if ids:
        rows = await session.scalars(
            select(ProgrammeOrganisation)
            .where(col(ProgrammeOrganisation.programme_id).in_(ids))
            .order_by(col(ProgrammeOrganisation.role), col(ProgrammeOrganisation.organisation_id))
        )
        for row in rows:
            found[row.programme_id].append(
                Implementer(organisation_id=row.organisation_id, role=row.role)
            )
    return found


# Programmes and visits read for an answer (rows, see `answer_columns`) or to change (objects).
ProgrammeRecord = TrainingProgramme | sa.Row[Any] | reads.Record
_PROGRAMME_ANSWER = answer_columns(TrainingProgramme, ProgrammeRead)
_VISIT_ANSWER = answer_columns(StudyVisit, StudyVisitRead)


PROGRAMMES = Sorting(
    "training_programmes",
    {
        "starts": col(TrainingProgramme.starts),
        "created_at": col(TrainingProgramme.created_at),
        "updated_at": col(TrainingProgramme.updated_at),
    },
    default=("starts",),
    unique=col(TrainingProgramme.id),
    updated=col(TrainingProgramme.updated_at),
)


# A programme's implementers as two arrays beside its columns, in `implementers_of`'s order:
# a read of programmes and their implementers in one statement.
_IMPLEMENTERS_TABLE: sa.Table = ProgrammeOrganisation.__table__  # type: ignore[attr-defined]


def _implementers_by(column: sa.Column[Any], label: str) -> Any:
    c = _IMPLEMENTERS_TABLE.c
    return sa.func.array_agg(aggregate_order_by(column, c.role, c.organisation_id)).label(label)


_IMPLEMENTERS = (
    sa.select(
        _implementers_by(_IMPLEMENTERS_TABLE.c.organisation_id, "implementer_ids"),
        _implementers_by(_IMPLEMENTERS_TABLE.c.role, "implementer_roles"),
    )
    .where(_IMPLEMENTERS_TABLE.c.programme_id == col(TrainingProgramme.id))
    .lateral("implementers")
)
_PROGRAMME_READ = _PROGRAMME_ANSWER.add_columns(*_IMPLEMENTERS.c).join(_IMPLEMENTERS, sa.true())
_PROGRAMME_BY_ID = reads.Prepared(
    _PROGRAMME_READ.where(col(TrainingProgramme.id) == sa.bindparam("id"))
)
_PROGRAMMES_COUNTED = sa.select(PROGRAMMES.unique)  # a page's total, without the implementers


def implementers_in(row: sa.Row[Any] | reads.Record) -> list[Implementer]:
    """The implementers of a programme read with them (`list_programmes`, `read_programme`)."""
    pairs = zip(row.implementer_ids or (), row.implementer_roles or (), strict=True)
    return [Implementer(organisation_id=o, role=role) for o, role in pairs]


async def list_programmes(
    session: AsyncSession, page: PageParams
) -> tuple[list[reads.Record], dict[UUID, list[Implementer]], Links]:
    """A page of programmes with their implementers, in one statement read raw
    (`app.db.reads`)."""
    rows: list[reads.Record]
    rows, cursor = await sorted_page(
        session, _PROGRAMME_READ, PROGRAMMES, page, raw=True, count_from=_PROGRAMMES_COUNTED
    )
    return rows, {p.id: implementers_in(p) for p in rows}, cursor


async def read_programme(session: AsyncSession, programme_id: UUID) -> reads.Record:
    """A programme to answer with (a row read raw: `app.db.reads`), with its implementers
    (`implementers_in`): one statement, prepared."""
    return await read_answer(
        session,
        _PROGRAMME_BY_ID,
        _("No training programme {programme_id}.", programme_id=programme_id),
        {"id": programme_id},
    )


async def get_programme(session: AsyncSession, programme_id: UUID) -> TrainingProgramme:
    """A programme to change: an ORM object, locked for the rest of the transaction."""
    stmt = select(TrainingProgramme).where(TrainingProgramme.id == programme_id)
    programme: TrainingProgramme = await get_one(
        session,
        stmt,
        _("No training programme {programme_id}.", programme_id=programme_id),
        for_update=True,
    )
    return programme


async def create_programme(session: AsyncSession, data: ProgrammeCreate) -> TrainingProgramme:
    await _programme_countries(session, data)
    await check_organisations(
        session,
        [
            (f"/implementers/{n}/organisation_id", i.organisation_id)
            for n, i in enumerate(data.implementers)
        ],
    )
    programme = TrainingProgramme(**data.model_dump(exclude={"implementers"}))
    session.add(programme)
    await session.flush()
    session.add_all(
        ProgrammeOrganisation(
            programme_id=programme.id, organisation_id=i.organisation_id, role=i.role
        )
        for i in {i.organisation_id: i for i in data.implementers}.values()
    )
    await session.flush()
    await session.refresh(programme)
    return programme


async def update_programme(
    session: AsyncSession, programme_id: UUID, patch: ProgrammeUpdate, expected: Expected | None
) -> TrainingProgramme:
    programme = await get_programme(session, programme_id)
    check_version(expected, programme.version)
    current = {field: getattr(programme, field) for field in ProgrammeFields.model_fields}
    merged = merge_patch(current, patch, ProgrammeFields)
    await _programme_countries(session, merged)
    await _check_visits_still_fit(session, programme, merged)
    if apply_changes(programme, merged.model_dump()):
        await session.flush()
    return programme


async def _check_visits_still_fit(
    session: AsyncSession, programme: TrainingProgramme, merged: ProgrammeFields
) -> None:
    """A changed programme still holds its recorded study visits (the same rules as a visit)."""
    taking_part = {p.country_code for p in merged.participant_countries}
    for visit in await session.scalars(
        select(StudyVisit).where(StudyVisit.programme_id == programme.id)
    ):
        check_visit_within_programme(
            visit.visit_on, merged.starts, merged.ends, changed="programme"
        )
        check_visiting_countries(
            visit.visit_on, visit.visiting_countries, taking_part, changed="programme"
        )


STUDY_VISITS = Sorting(
    "study_visits",
    {
        "visit_on": col(StudyVisit.visit_on),
        "created_at": col(StudyVisit.created_at),
        "updated_at": col(StudyVisit.updated_at),
    },
    default=("visit_on",),
    unique=col(StudyVisit.id),
    updated=col(StudyVisit.updated_at),
)


async def list_study_visits(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    host_organisation_id: UUID | None = None,
    programme_id: UUID | None = None,
) -> tuple[list[dict[str, Any]], Links]:
    """A page of study visits to answer with (rows read raw, as dicts: `app.db.reads`)."""
    stmt = scope_study_visits(principal, _VISIT_ANSWER)
    if host_organisation_id:
        stmt = stmt.where(col(StudyVisit.host_organisation_id) == host_organisation_id)
    if programme_id:
        stmt = stmt.where(col(StudyVisit.programme_id) == programme_id)
    return await sorted_page(session, stmt, STUDY_VISITS, page, raw=True)


@reads.prepared
def _visit_by_id(scope: Shape) -> sa.Select[Any]:
    stmt = _VISIT_ANSWER.where(col(StudyVisit.id) == sa.bindparam("id"))
    scoped: sa.Select[Any] = scope_study_visits(scope, stmt)
    return scoped


async def read_study_visit(
    session: AsyncSession, principal: Principal, visit_id: UUID
) -> dict[str, Any]:
    """A study visit to answer with, in the caller's scope (its row read raw, as a dict, by a
    statement prepared per shape of scope)."""
    stmt, params = for_caller(_visit_by_id, principal, id=visit_id)
    return await read_answer(
        session, stmt, _("No study visit {visit_id}.", visit_id=visit_id), params
    )


async def get_study_visit(
    session: AsyncSession, principal: Principal, visit_id: UUID
) -> StudyVisit:
    """A study visit to change, in the caller's scope: an ORM object, locked for the rest of
    the transaction."""
    stmt = scope_study_visits(principal, select(StudyVisit).where(StudyVisit.id == visit_id))
    visit: StudyVisit = await get_one(
        session, stmt, _("No study visit {visit_id}.", visit_id=visit_id), for_update=True
    )
    return visit


async def _check_visit(session: AsyncSession, principal: Principal, data: StudyVisitFields) -> None:
    await check_organisations(session, [("/host_organisation_id", data.host_organisation_id)])
    await check_countries(
        session, [(f"/visiting_countries/{i}", c) for i, c in enumerate(data.visiting_countries)]
    )
    if data.programme_id:
        programme = known_programme(
            await session.get(TrainingProgramme, data.programme_id), data.programme_id
        )
        check_visit_within_programme(
            data.visit_on, programme.starts, programme.ends, changed="visit"
        )
        check_visiting_countries(
            data.visit_on,
            data.visiting_countries,
            {p["country_code"] for p in programme.participant_countries},
            changed="visit",
        )
    if data.partnership_id:
        visible = scope_partnerships(
            principal, select(Partnership.id).where(Partnership.id == data.partnership_id)
        )
        if await session.scalar(visible) is None:
            raise RuleViolation(
                UNKNOWN_PARTNERSHIP,
                _("No partnership {partnership_id}.", partnership_id=data.partnership_id),
                pointer="/partnership_id",
            )
    if data.contact_ids:
        rows = await session.execute(
            select(Person.id, Person.organisation_id).where(col(Person.id).in_(data.contact_ids))
        )
        organisation_of = {person_id: org for person_id, org in rows}
        check_contacts(data.contact_ids, organisation_of, data.host_organisation_id)


async def create_study_visit(
    session: AsyncSession, principal: Principal, data: StudyVisitCreate
) -> StudyVisit:
    await _check_visit(session, principal, data)
    visit = StudyVisit(**data.model_dump())
    session.add(visit)
    await session.flush()
    await session.refresh(visit)
    return visit


async def update_study_visit(
    session: AsyncSession,
    principal: Principal,
    visit_id: UUID,
    patch: StudyVisitUpdate,
    expected: Expected | None,
) -> StudyVisit:
    visit = await get_study_visit(session, principal, visit_id)
    check_version(expected, visit.version)
    current = {field: getattr(visit, field) for field in StudyVisitFields.model_fields}
    merged = merge_patch(current, patch, StudyVisitFields)
    await _check_visit(session, principal, merged)
    if apply_changes(visit, merged.model_dump()):
        await session.flush()
    return visit


async def delete_study_visit(
    session: AsyncSession, principal: Principal, visit_id: UUID, expected: Expected | None
) -> None:
    visit = await get_study_visit(session, principal, visit_id)
    check_version(expected, visit.version)
    await session.delete(visit)
    await session.flush()
