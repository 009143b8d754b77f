"""People: politicians and officials. Personal data, never public."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.deps import IfMatch, SearchQuery, SessionDep
from app.api.etag import etag_for, not_modified, set_etag
from app.api.pagination import PageDep
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.models.enums import PersonKind, PoliticalSide
from app.schemas.people import PersonCreate, PersonPage, PersonRead, PersonUpdate
from app.services import people as service

router = APIRouter(prefix="/people", tags=["people"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_people",
    summary="List people",
    description="Sorted by family name, given name, then id.",
    responses=problem_responses(400, 422),
)
async def list_people(
    session: SessionDep,
    page: PageDep,
    organisation_id: Annotated[UUID | None, Query()] = None,
    kind: Annotated[PersonKind | None, Query()] = None,
    political_side: Annotated[PoliticalSide | None, Query()] = None,
    q: SearchQuery = None,
) -> PersonPage:
    filters = service.PersonFilters(
        organisation_id=organisation_id, kind=kind, political_side=political_side, q=q
    )
    items, cursor = await service.list_people(session, filters, page)
    return PersonPage(items=[PersonRead.model_validate(p) for p in items], next_cursor=cursor)


@router.post(
    "",
    operation_id="create_person",
    summary="Create a person",
    status_code=201,
    responses=problem_responses(400, 413, 422),
)
async def create_person(
    session: SessionDep, request: Request, response: Response, body: PersonCreate
) -> PersonRead:
    person = await service.create_person(session, body)
    response.headers["Location"] = location_of(request, "get_person", person_id=person.id)
    set_etag(response, person.version)
    return PersonRead.model_validate(person)


@router.get(
    "/{person_id}",
    operation_id="get_person",
    summary="Get a person",
    responses={**problem_responses(404, 422), 304: {"description": "Not modified"}},
)
async def get_person(
    session: SessionDep, request: Request, response: Response, person_id: UUID
) -> PersonRead:
    person = await service.get_person(session, person_id)
    if not_modified(request, etag_for(person.version)):
        return Response(status_code=304, headers={"ETag": etag_for(person.version)})  # type: ignore[return-value]
    set_etag(response, person.version)
    return PersonRead.model_validate(person)


@router.patch(
    "/{person_id}",
    operation_id="update_person",
    summary="Change a person (JSON merge patch)",
    responses=problem_responses(400, 404, 409, 412, 413, 422, 428),
)
async def update_person(
    session: SessionDep,
    response: Response,
    person_id: UUID,
    body: Annotated[PersonUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> PersonRead:
    person = await service.update_person(session, person_id, body, if_match)
    set_etag(response, person.version)
    return PersonRead.model_validate(person)


@router.delete(
    "/{person_id}",
    operation_id="delete_person",
    summary="Delete a person",
    status_code=204,
    responses=problem_responses(404, 409, 412, 422, 428),
)
async def delete_person(session: SessionDep, person_id: UUID, if_match: IfMatch = None) -> Response:
    await service.delete_person(session, person_id, if_match)
    return Response(status_code=204)
