"""People: politicians and officials. Personal data, never public."""

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import Admin, Authenticated, Writer
from app.api.deps import IfMatch, SearchQuery, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.models.enums import PersonKind, PoliticalSide
from app.schemas.access import AuditEventRead
from app.schemas.organisations import OrganisationRead
from app.schemas.people import PersonCreate, PersonExport, PersonPage, PersonRead, PersonUpdate
from app.services import people as service

router = APIRouter(prefix="/people", tags=["people"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_people",
    summary="List people",
    response_model=PersonPage,
    description="By default sorted by family name, given name, then id. Coordinators and viewers "
    "see the "
    "people of their own organisations.",
)
async def list_people(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
    organisation_id: Annotated[UUID | None, Query()] = None,
    kind: Annotated[PersonKind | None, Query()] = None,
    political_side: Annotated[PoliticalSide | None, Query()] = None,
    q: SearchQuery = None,
) -> Response:
    filters = service.PersonFilters(
        organisation_id=organisation_id, kind=kind, political_side=political_side, q=q
    )
    items, links = await service.list_people(session, principal, filters, page)
    shown = [service.shown(principal, p) for p in items]
    return answer_json(PersonPage, {"items": shown, **asdict(links)})


@router.post(
    "",
    operation_id="create_person",
    summary="Create a person",
    status_code=201,
    responses=created(),
)
async def create_person(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    body: PersonCreate,
) -> PersonRead:
    person = await service.create_person(session, principal, body)
    response.headers["Location"] = location_of(request, "get_person", person_id=person.id)
    set_etag(response, person.version)
    return service.answer(principal, person)


@router.get(
    "/{person_id}",
    operation_id="get_person",
    summary="Get a person",
    response_model=PersonRead,
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_person(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    person_id: UUID,
) -> Response:
    person = await service.read_person(session, principal, person_id)
    if unchanged := conditional(request, response, etag_for(person["version"])):
        return unchanged
    return answer_json(PersonRead, service.shown(principal, person), headers=response.headers)


@router.patch(
    "/{person_id}",
    operation_id="update_person",
    summary="Change a person (JSON merge patch)",
    responses=problem_responses(NOT_FOUND, CONFLICT) | changed(),
)
async def update_person(
    session: SessionDep,
    principal: Writer,
    response: Response,
    person_id: UUID,
    body: Annotated[PersonUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> PersonRead:
    person = await service.update_person(session, principal, person_id, body, if_match)
    set_etag(response, person.version)
    return service.answer(principal, person)


@router.delete(
    "/{person_id}",
    operation_id="delete_person",
    summary="Delete a person",
    status_code=204,
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def delete_person(
    session: SessionDep, principal: Writer, person_id: UUID, if_match: IfMatch = None
) -> Response:
    await service.delete_person(session, principal, person_id, if_match)
    return Response(status_code=204)


@router.get(
    "/{person_id}/export",
    operation_id="export_person",
    summary="Export everything stored about a person (admins)",
    responses=problem_responses(NOT_FOUND),
)
async def export_person(session: SessionDep, principal: Admin, person_id: UUID) -> PersonExport:
    person, organisation, events = await service.export_person(session, principal, person_id)
    return PersonExport(
        person=PersonRead.model_validate(person),
        organisation=OrganisationRead.model_validate(organisation),
        audit_events=[AuditEventRead.model_validate(e) for e in events],
        exported_at=datetime.now(UTC),
    )


@router.post(
    "/{person_id}/erase",
    operation_id="erase_person",
    summary="Erase a person: contact details removed, name pseudonymised, links kept (admins)",
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def erase_person(session: SessionDep, principal: Admin, person_id: UUID) -> PersonRead:
    return PersonRead.model_validate(await service.erase_person(session, principal, person_id))
