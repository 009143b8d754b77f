"""Workshops of networks (or on their own); their participant lists are for the organisers."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import Authenticated, Staff
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.expand import conditional_expanded, expand_query
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.schemas.networks.workshops import (
    WorkshopCreate,
    WorkshopExpand,
    WorkshopPage,
    WorkshopParticipants,
    WorkshopRead,
    WorkshopUpdate,
)
from app.services import expansions
from app.services.networks import workshops as service

router = APIRouter(prefix="/workshops", tags=["networks"], route_class=TransactionalRoute)

Expansions = Annotated[list[WorkshopExpand], expand_query(WorkshopExpand)]


@router.get(
    "",
    operation_id="list_workshops",
    summary="List workshops (by default by start)",
    response_model=WorkshopPage,
)
async def list_workshops(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
    expand: Expansions,
    network_id: Annotated[UUID | None, Query()] = None,
) -> Response:
    rows, links = await service.list_workshops(session, page, network_id)
    embedded = await expansions.in_workshops(session, rows, expand)
    items = [{**w, **embedded[w.id]} for w in rows]
    return answer_json(WorkshopPage, {"items": items, **asdict(links)})


@router.post(
    "",
    operation_id="create_workshop",
    summary="Plan a workshop",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
)
async def create_workshop(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    body: WorkshopCreate,
) -> WorkshopRead:
    workshop = await service.create_workshop(session, body)
    response.headers["Location"] = location_of(request, "get_workshop", workshop_id=workshop.id)
    set_etag(response, workshop.version)
    return WorkshopRead.model_validate(workshop)


@router.get(
    "/{workshop_id}",
    operation_id="get_workshop",
    summary="Get a workshop",
    response_model=WorkshopRead,
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_workshop(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    workshop_id: UUID,
    expand: Expansions,
) -> Response:
    workshop = await service.read_workshop(session, workshop_id)
    if unchanged := conditional_expanded(request, response, workshop.version, expand):
        return unchanged
    embedded = await expansions.in_workshops(session, [workshop], expand)
    answer = {**workshop, **embedded[workshop.id]}
    return answer_json(WorkshopRead, answer, headers=response.headers)


@router.patch(
    "/{workshop_id}",
    operation_id="update_workshop",
    summary="Change a workshop, or record it as held (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_workshop(
    session: SessionDep,
    principal: Staff,
    response: Response,
    workshop_id: UUID,
    body: Annotated[WorkshopUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> WorkshopRead:
    workshop = await service.update_workshop(session, workshop_id, body, if_match)
    set_etag(response, workshop.version)
    return WorkshopRead.model_validate(workshop)


@router.get(
    "/{workshop_id}/participants",
    operation_id="list_workshop_participants",
    summary="The people taking part, with their recorded gender (organisers only; never public)",
    description="Answers with the workshop's ETag, which `PUT` needs in `If-Match`.",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def list_workshop_participants(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    workshop_id: UUID,
) -> WorkshopParticipants:
    workshop = await service.read_workshop(session, workshop_id)
    if unchanged := conditional(request, response, etag_for(workshop.version)):
        return unchanged  # type: ignore[return-value]
    return WorkshopParticipants(participants=await service.participants_of(session, workshop.id))


@router.put(
    "/{workshop_id}/participants",
    operation_id="set_workshop_participants",
    summary="Set the people taking part (organisers only; If-Match the workshop's ETag)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def set_workshop_participants(
    session: SessionDep,
    principal: Staff,
    response: Response,
    workshop_id: UUID,
    body: WorkshopParticipants,
    if_match: IfMatch = None,
) -> WorkshopParticipants:
    workshop, participants = await service.set_participants(
        session, workshop_id, body.participants, if_match
    )
    set_etag(response, workshop.version)
    return WorkshopParticipants(participants=participants)
