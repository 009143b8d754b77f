"""Results of a partnership: what changed, where, tied to a democratic principle."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response

from app.api.auth import Authenticated, Writer
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.schemas.partnerships.results import ResultCreate, ResultPage, ResultRead, ResultUpdate
from app.services.partnerships import results as service

router = APIRouter(
    prefix="/partnerships/{partnership_id}/results",
    tags=["partnerships"],
    route_class=TransactionalRoute,
)


@router.get(
    "",
    operation_id="list_results",
    summary="List a partnership's results (by default by observation date)",
    responses=problem_responses(NOT_FOUND),
)
async def list_results(
    session: SessionDep,
    principal: Authenticated,
    partnership_id: UUID,
    page: Annotated[PageParams, listing(service.RESULTS.sorting)],
) -> ResultPage:
    rows, links = await service.list_results(session, principal, partnership_id, page)
    return ResultPage.of([ResultRead.model_validate(r) for r in rows], links)


@router.post(
    "",
    operation_id="create_result",
    summary="Record a result",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
)
async def create_result(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    partnership_id: UUID,
    body: ResultCreate,
) -> ResultRead:
    result = await service.create_result(session, principal, partnership_id, body)
    response.headers["Location"] = location_of(
        request, "get_result", partnership_id=partnership_id, result_id=result.id
    )
    set_etag(response, result.version)
    return ResultRead.model_validate(result)


@router.get(
    "/{result_id}",
    operation_id="get_result",
    summary="Get a result",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_result(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    partnership_id: UUID,
    result_id: UUID,
) -> ResultRead:
    result = await service.get_result(session, principal, partnership_id, result_id)
    if unchanged := conditional(request, response, etag_for(result.version)):
        return unchanged  # type: ignore[return-value]
    return ResultRead.model_validate(result)


@router.patch(
    "/{result_id}",
    operation_id="update_result",
    summary="Change a result (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_result(
    session: SessionDep,
    principal: Writer,
    response: Response,
    partnership_id: UUID,
    result_id: UUID,
    body: Annotated[ResultUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> ResultRead:
    result = await service.update_result(
        session, principal, partnership_id, result_id, body, if_match
    )
    set_etag(response, result.version)
    return ResultRead.model_validate(result)


@router.delete(
    "/{result_id}",
    operation_id="delete_result",
    summary="Delete a result",
    status_code=204,
    responses=problem_responses(NOT_FOUND),
)
async def delete_result(
    session: SessionDep,
    principal: Writer,
    partnership_id: UUID,
    result_id: UUID,
    if_match: IfMatch = None,
) -> Response:
    await service.delete_result(session, principal, partnership_id, result_id, if_match)
    return Response(status_code=204)
