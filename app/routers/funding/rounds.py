"""Application rounds: the calls for project applications (DOMAIN.md §6)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response

from app.api.auth import Authenticated, Staff
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.schemas.funding.rounds import RoundCreate, RoundPage, RoundRead, RoundUpdate
from app.services.funding import rounds as service

router = APIRouter(prefix="/application-rounds", tags=["funding"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_application_rounds",
    summary="List application rounds (by default by opening day)",
)
async def list_application_rounds(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
) -> RoundPage:
    rows, cursor = await service.list_rounds(session, page)
    return RoundPage.of([RoundRead.model_validate(r) for r in rows], cursor)


@router.post(
    "",
    operation_id="create_application_round",
    summary="Open a call for applications (ICLD staff)",
    status_code=201,
    responses=created(),
)
async def create_application_round(
    session: SessionDep, principal: Staff, request: Request, response: Response, body: RoundCreate
) -> RoundRead:
    row = await service.create_round(session, body)
    response.headers["Location"] = location_of(request, "get_application_round", round_id=row.id)
    set_etag(response, row.version)
    return RoundRead.model_validate(row)


@router.get(
    "/{round_id}",
    operation_id="get_application_round",
    summary="Get an application round",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_application_round(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    round_id: UUID,
) -> RoundRead:
    row = await service.get_round(session, round_id)
    if unchanged := conditional(request, response, etag_for(row.version)):
        return unchanged  # type: ignore[return-value]
    return RoundRead.model_validate(row)


@router.patch(
    "/{round_id}",
    operation_id="update_application_round",
    summary="Change a round, e.g. extend its closing day (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_application_round(
    session: SessionDep,
    principal: Staff,
    response: Response,
    round_id: UUID,
    body: Annotated[RoundUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> RoundRead:
    row = await service.update_round(session, round_id, body, if_match)
    set_etag(response, row.version)
    return RoundRead.model_validate(row)
