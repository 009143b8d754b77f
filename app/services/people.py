"""People: queries and the rules that need stored data."""

from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import CONFLICT, ProblemError, RuleViolation
from app.core.i18n import Text, _, concat
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.core.scopes import (
    Shape,
    can_see_contact_details,
    ensure_can_write_in,
    for_caller,
    scope_people,
)
from app.core.versions import Expected, check_version
from app.db import reads
from app.db.integrity import constraint_of
from app.models.audit import AuditEvent
from app.models.enums import MemberGroup, PersonKind, PoliticalSide
from app.models.networks import Workshop, WorkshopParticipant
from app.models.organisations import Organisation
from app.models.partnerships import Meeting, MeetingParticipant, Member, Partnership
from app.models.people import Person
from app.models.programmes import StudyVisit
from app.rules.networks import check_participants
from app.rules.partnerships import check_member_of_a_party, check_team_member_kind
from app.rules.programmes import check_contacts
from app.rules.reference import check_known_organisations
from app.schemas.people import PersonCreate, PersonFields, PersonRead, PersonUpdate
from app.services import idempotency
from app.services.access import audit
from app.services.common import (
    answer_columns,
    apply_changes,
    get_one,
    merge_patch,
    read_answer,
    text_search,
)
from app.services.organisations import check_organisations

# What erasure removes or pseudonymises; organisation, kind and political side stay so that
# steering-group history and programme figures remain whole (docs/access-control.md).
PERSONAL_FIELDS = frozenset({"given_name", "family_name", "title", "party", "email", "phone"})
# The foreign key whose refusal of a new person's INSERT is `unknown-organisation`: its name as
# the metadata (and so the migrations) give it.
_ORGANISATION_KEY = next(iter(Person.__table__.c.organisation_id.foreign_keys)).constraint.name  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PersonFilters:
    organisation_id: UUID | None = None
    kind: PersonKind | None = None
    political_side: PoliticalSide | None = None
    q: str | None = None


# A person read for an answer (a row, see `answer_columns`) or to change (an ORM object).
PersonRecord = Person | sa.Row[Any]
_ANSWER = answer_columns(Person, PersonRead)


SORTING = Sorting(
    "people",
    {
        "family_name": col(Person.family_name),
        "given_name": col(Person.given_name),
        "created_at": col(Person.created_at),
        "updated_at": col(Person.updated_at),
    },
    default=("family_name", "given_name"),
    unique=col(Person.id),
    updated=col(Person.updated_at),
)


async def list_people(
    session: AsyncSession, principal: Principal, filters: PersonFilters, page: PageParams
) -> tuple[list[dict[str, Any]], Links]:
    """A page of people to answer with (rows read raw, as dicts: `app.db.reads`; `shown`
    makes them answers)."""
    stmt = scope_people(principal, _ANSWER)
    if filters.organisation_id:
        stmt = stmt.where(col(Person.organisation_id) == filters.organisation_id)
    if filters.kind:
        stmt = stmt.where(col(Person.kind) == filters.kind.value)
    if filters.political_side:
        stmt = stmt.where(col(Person.political_side) == filters.political_side.value)
    if filters.q:
        names = sa.func.to_tsvector(
            sa.literal_column("'simple'::regconfig"),
            sa.func.concat_ws(" ", Person.given_name, Person.family_name, Person.title),
        )
        stmt = stmt.where(text_search(names, filters.q))
    return await sorted_page(session, stmt, SORTING, page, raw=True)


def answer(principal: Principal, person: PersonRecord) -> PersonRead:
    """A person as the principal may see them: e-mail and phone only for those who may see the
    contact details of the person's organisation."""
    read = PersonRead.model_validate(person)
    if can_see_contact_details(principal, person.organisation_id):
        return read
    return read.model_copy(update={"email": None, "phone": None})


def shown(principal: Principal, person: dict[str, Any]) -> dict[str, Any]:
    """`answer` for a person read raw (a dict, for `answer_json`)."""
    if can_see_contact_details(principal, person["organisation_id"]):
        return person
    return {**person, "email": None, "phone": None}


async def readable_people(
    session: AsyncSession, principal: Principal, ids: Collection[UUID]
) -> dict[UUID, PersonRead]:
    """Those of `ids` the principal may read, as `GET /people/{id}` answers them, in one
    statement: the others are left out, as that route answers 404 for them."""
    rows = await session.execute(scope_people(principal, _ANSWER.where(col(Person.id).in_(ids))))
    return {row.id: answer(principal, row) for row in rows}


@reads.prepared
def _by_id(scope: Shape) -> sa.Select[Any]:
    stmt = _ANSWER.where(col(Person.id) == sa.bindparam("id"))
    scoped: sa.Select[Any] = scope_people(scope, stmt)
    return scoped


async def read_person(
    session: AsyncSession, principal: Principal, person_id: UUID
) -> dict[str, Any]:
    """A person to answer with, in the caller's scope (the row read raw, as a dict, by a
    statement prepared per shape of scope: `shown` makes it the answer)."""
    stmt, params = for_caller(_by_id, principal, id=person_id)
    return await read_answer(
        session, stmt, _("No person {person_id}.", person_id=person_id), params
    )


async def get_person(
    session: AsyncSession, principal: Principal, person_id: UUID, *, for_update: bool = False
) -> Person:
    stmt = scope_people(principal, select(Person).where(Person.id == person_id))
    person: Person = await get_one(
        session, stmt, _("No person {person_id}.", person_id=person_id), for_update=for_update
    )
    return person


async def _check_organisation(
    session: AsyncSession, principal: Principal, organisation_id: UUID
) -> None:
    await check_organisations(session, [("/organisation_id", organisation_id)])
    ensure_can_write_in(principal, organisation_id)


async def _check_memberships(session: AsyncSession, person: Person, organisation_id: UUID) -> None:
    """A member of a partnership's teams, or a participant of its meetings, acts for one of its
    parties, wherever they move (`member-of-a-party`)."""
    from app.services.partnerships.members import (
        sides_of,  # members builds on people, not the reverse
    )

    in_teams = select(Member.partnership_id).where(Member.person_id == person.id)
    at_meetings = (
        select(Meeting.partnership_id)
        .join(MeetingParticipant, col(MeetingParticipant.meeting_id) == col(Meeting.id))
        .where(MeetingParticipant.person_id == person.id)
    )
    partnerships = await session.scalars(
        select(Partnership)
        .where(col(Partnership.id).in_(in_teams.union(at_meetings)))
        .order_by(col(Partnership.title), col(Partnership.id))
    )
    for partnership in partnerships:
        check_member_of_a_party(
            await sides_of(session, partnership),
            organisation_id,
            f"{person.given_name} {person.family_name}, in a team or at a meeting of "
            f"'{partnership.title}',",
            "/organisation_id",
        )


async def _check_teams(session: AsyncSession, person: Person, kind: PersonKind) -> None:
    """`team-member-kind`, from the person's side: a new kind still fits every team they sit
    in (a steering-group politician does not become an official)."""
    teams = await session.scalars(select(Member.team).where(Member.person_id == person.id))
    for team in dict.fromkeys(teams):
        check_team_member_kind(
            MemberGroup(team), kind, f"{person.given_name} {person.family_name}", "/kind"
        )


async def _check_where_they_take_part(
    session: AsyncSession, person: Person, organisation_id: UUID
) -> None:
    """A person who moves to another organisation keeps the rules of what they take part in:
    the workshops they attend (`workshop-participants`: of an organisation taking part, within
    its cap) and the study visits they are a contact of (`contacts-of-the-host`)."""
    workshops = await session.scalars(
        select(Workshop)
        .join(WorkshopParticipant, col(WorkshopParticipant.workshop_id) == col(Workshop.id))
        .where(WorkshopParticipant.person_id == person.id)
        .order_by(col(Workshop.starts), col(Workshop.id))
    )
    for workshop in workshops:
        rows = await session.execute(
            select(Person.id, Person.organisation_id)
            .join(WorkshopParticipant, col(WorkshopParticipant.person_id) == col(Person.id))
            .where(WorkshopParticipant.workshop_id == workshop.id)
        )
        organisation_of = {person_id: org for person_id, org in rows} | {person.id: organisation_id}
        with _at("/organisation_id", _("In the workshop '{title}': ", title=workshop.title)):
            check_participants(
                list(organisation_of),
                organisation_of,
                workshop.organisation_ids,
                workshop.participants_per_organisation,
            )
    visits = await session.scalars(
        select(StudyVisit).where(sa.literal(person.id) == sa.any_(col(StudyVisit.contact_ids)))
    )
    for visit in visits:
        with _at(
            "/organisation_id", _("As a contact of the study visit of {day}: ", day=visit.visit_on)
        ):
            check_contacts([person.id], {person.id: organisation_id}, visit.host_organisation_id)


@contextmanager
def _at(pointer: str, context: Text) -> Iterator[None]:
    """A rule's violation about what the person takes part in, pointed at the field of the
    person that broke it."""
    try:
        yield
    except RuleViolation as exc:
        raise RuleViolation(exc.kind, concat(context, exc.detail), pointer=pointer) from None


async def create_person(session: AsyncSession, principal: Principal, data: PersonCreate) -> Person:
    """A new person, in an organisation the principal may write in. For a principal whose scope
    holds the organisation, its foreign key is the check that it exists (`unknown-organisation`,
    from the INSERT's refusal: no statement of its own); for anyone else the organisation is read
    first, so an unknown one is still a 422 before their 403. The INSERT returns the database's
    defaults (`created_at`, `updated_at`): the answer needs no read after it."""
    if not principal.in_scope(data.organisation_id):
        await _check_organisation(session, principal, data.organisation_id)
    person = Person(**data.model_dump())
    session.add(person)
    try:
        await session.flush()
    except IntegrityError as exc:
        if constraint_of(exc) == _ORGANISATION_KEY:
            check_known_organisations([("/organisation_id", data.organisation_id)], ())
        raise
    return person


async def update_person(
    session: AsyncSession,
    principal: Principal,
    person_id: UUID,
    patch: PersonUpdate,
    expected: Expected | None,
) -> Person:
    person = await get_person(session, principal, person_id, for_update=True)
    check_version(expected, person.version)
    if person.erased_at is not None:
        raise ProblemError(CONFLICT, _("This person has been erased; their data cannot return."))
    current = {field: getattr(person, field) for field in PersonFields.model_fields}
    merged = merge_patch(current, patch, PersonFields)
    if merged.organisation_id != person.organisation_id:
        await _check_organisation(session, principal, merged.organisation_id)
        await _check_memberships(session, person, merged.organisation_id)
        await _check_where_they_take_part(session, person, merged.organisation_id)
    if merged.kind != person.kind:
        await _check_teams(session, person, merged.kind)
    if apply_changes(person, merged.model_dump()):
        await session.flush()
    return person


async def delete_person(
    session: AsyncSession, principal: Principal, person_id: UUID, expected: Expected | None
) -> None:
    person = await get_person(session, principal, person_id, for_update=True)
    check_version(expected, person.version)
    # The foreign keys refuse to delete a member, a meeting's or a workshop's participant (409);
    # a study visit names its contacts in a list, so the same answer is given here.
    visit_on = await session.scalar(
        select(col(StudyVisit.visit_on)).where(
            sa.literal(person.id) == sa.any_(col(StudyVisit.contact_ids))
        )
    )
    if visit_on is not None:
        raise ProblemError(
            CONFLICT,
            _(
                "The person is a contact of the study visit of {visit_on}: it names them.",
                visit_on=visit_on,
            ),
        )
    await session.delete(person)
    await session.flush()
    # A deleted person can no longer be erased, so the trail keeps no personal values of them.
    await audit.erase_values(session, "people", str(person_id), PERSONAL_FIELDS)
    await session.flush()


async def erase_person(session: AsyncSession, principal: Principal, person_id: UUID) -> Person:
    person = await get_person(session, principal, person_id, for_update=True)
    if person.erased_at is not None:
        raise ProblemError(CONFLICT, _("This person has already been erased."))
    apply_changes(
        person,
        {
            "given_name": "Erased",
            "family_name": f"person {str(person.id)[:8]}",
            "title": None,
            "party": None,
            "email": None,
            "phone": None,
            "erased_at": datetime.now(UTC),
        },
    )
    audit.label_next_flush(session, "erase")
    await session.flush()
    # Every event about the person, the erasure's own included, loses the personal values.
    await audit.erase_values(session, "people", str(person.id), PERSONAL_FIELDS)
    # Answers kept for Idempotency-Key retries may hold the person as they were.
    await idempotency.forget_answers_naming(session, str(person.id))
    await session.flush()
    return person


async def export_person(
    session: AsyncSession, principal: Principal, person_id: UUID
) -> tuple[Person, Organisation, list[AuditEvent]]:
    """Everything stored about a person: the row, its organisation and its audit events."""
    person = await get_person(session, principal, person_id)
    organisation = await session.get(Organisation, person.organisation_id)
    assert organisation is not None  # a foreign key guarantees it
    return person, organisation, await audit.events_about(session, "people", str(person.id))
