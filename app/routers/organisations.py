"""Organisations: Swedish municipalities and regions (reference data) and partner-side bodies."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import OPTIONAL_AUTH, PublicCaller, Staff, Writer
from app.api.deps import IfMatch, SearchQuery, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.models.enums import OrganisationType
from app.schemas.organisations import (
    OrganisationCreate,
    OrganisationPage,
    OrganisationRead,
    OrganisationUpdate,
)
from app.services import organisations as service

router = APIRouter(prefix="/organisations", tags=["organisations"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_organisations",
    response_model=OrganisationPage,
    openapi_extra=OPTIONAL_AUTH,
    summary="List organisations",
    description="By default sorted by name, then id. `q` searches the names (prefix words, "
    "Swedish and "
    "English stemming).",
)
async def list_organisations(
    session: SessionDep,
    principal: PublicCaller,
    page: Annotated[PageParams, listing(service.SORTING)],
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", examples=["SE"])] = None,
    type: Annotated[OrganisationType | None, Query()] = None,
    is_reference: Annotated[bool | None, Query()] = None,
    official_code: Annotated[str | None, Query(max_length=20, examples=["1780"])] = None,
    q: SearchQuery = None,
) -> Response:
    filters = service.OrganisationFilters(
        country=country, type=type, is_reference=is_reference, official_code=official_code, q=q
    )
    items, links = await service.list_organisations(session, filters, page)
    return answer_json(OrganisationPage, {"items": items, **asdict(links)})


@router.post(
    "",
    operation_id="create_organisation",
    summary="Create an organisation",
    status_code=201,
    responses=problem_responses(CONFLICT) | created(),
)
async def create_organisation(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    body: OrganisationCreate,
) -> OrganisationRead:
    organisation = await service.create_organisation(session, body)
    response.headers["Location"] = location_of(
        request, "get_organisation", organisation_id=organisation.id
    )
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)


@router.get(
    "/{organisation_id}",
    operation_id="get_organisation",
    openapi_extra=OPTIONAL_AUTH,
    summary="Get an organisation",
    response_model=OrganisationRead,
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_organisation(
    session: SessionDep,
    principal: PublicCaller,
    request: Request,
    response: Response,
    organisation_id: UUID,
) -> Response:
    organisation = await service.read_organisation(session, organisation_id)
    if unchanged := conditional(request, response, etag_for(organisation["version"])):
        return unchanged
    return answer_json(OrganisationRead, organisation, headers=response.headers)


@router.patch(
    "/{organisation_id}",
    operation_id="update_organisation",
    summary="Change an organisation (JSON merge patch)",
    responses=problem_responses(NOT_FOUND, CONFLICT) | changed(),
)
async def update_organisation(
    session: SessionDep,
    principal: Writer,
    response: Response,
    organisation_id: UUID,
    body: Annotated[OrganisationUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> OrganisationRead:
    organisation = await service.update_organisation(
        session, principal, organisation_id, body, if_match
    )
    set_etag(response, organisation.version)
    return OrganisationRead.model_validate(organisation)


@router.delete(
    "/{organisation_id}",
    operation_id="delete_organisation",
    summary="Delete an organisation",
    status_code=204,
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def delete_organisation(
    session: SessionDep, principal: Staff, organisation_id: UUID, if_match: IfMatch = None
) -> Response:
    await service.delete_organisation(session, principal, organisation_id, if_match)
    return Response(status_code=204)
