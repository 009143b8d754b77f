"""Meetings and visits of a partnership."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response

from app.api.auth import Authenticated, Writer
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.versions import etag_for
from app.schemas.partnerships.meetings import MeetingCreate, MeetingRead, MeetingUpdate
from app.services.common import answer_fields
from app.services.partnerships import meetings as service

router = APIRouter(
    prefix="/partnerships/{partnership_id}", tags=["partnerships"], route_class=TransactionalRoute
)


def read(view: service.MeetingView) -> MeetingRead:
    return MeetingRead.model_validate(
        {
            **answer_fields(view.meeting, MeetingRead),
            "host_side": view.host_side,
            "participant_ids": view.participant_ids,
        }
    )


@router.get(
    "/meetings",
    operation_id="list_meetings",
    summary="List a partnership's meetings and visits, by date",
    responses=problem_responses(401, 403, 404, 422),
)
async def list_meetings(
    session: SessionDep, principal: Authenticated, partnership_id: UUID
) -> list[MeetingRead]:
    return [read(v) for v in await service.list_meetings(session, principal, partnership_id)]


@router.post(
    "/meetings",
    operation_id="create_meeting",
    summary="Plan a meeting or visit",
    status_code=201,
    responses=problem_responses(400, 401, 403, 404, 413, 422),
)
async def create_meeting(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    partnership_id: UUID,
    body: MeetingCreate,
) -> MeetingRead:
    view = await service.create_meeting(session, principal, partnership_id, body)
    response.headers["Location"] = location_of(
        request, "get_meeting", partnership_id=partnership_id, meeting_id=view.meeting.id
    )
    set_etag(response, view.meeting.version)
    return read(view)


@router.get(
    "/meetings/{meeting_id}",
    operation_id="get_meeting",
    summary="Get a meeting",
    responses={**problem_responses(401, 403, 404, 422), 304: {"description": "Not modified"}},
)
async def get_meeting(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    partnership_id: UUID,
    meeting_id: UUID,
) -> MeetingRead:
    _, view = await service.get_meeting(session, principal, partnership_id, meeting_id)
    if unchanged := conditional(request, response, etag_for(view.meeting.version)):
        return unchanged  # type: ignore[return-value]
    return read(view)


@router.patch(
    "/meetings/{meeting_id}",
    operation_id="update_meeting",
    summary="Change a meeting, or record it as held or cancelled (JSON merge patch)",
    responses=problem_responses(400, 401, 403, 404, 412, 413, 422, 428),
)
async def update_meeting(
    session: SessionDep,
    principal: Writer,
    response: Response,
    partnership_id: UUID,
    meeting_id: UUID,
    body: Annotated[MeetingUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> MeetingRead:
    view = await service.update_meeting(
        session, principal, partnership_id, meeting_id, body, if_match
    )
    set_etag(response, view.meeting.version)
    return read(view)


@router.delete(
    "/meetings/{meeting_id}",
    operation_id="delete_meeting",
    summary="Delete a planned meeting entered by mistake (held ones stay; cancel instead)",
    status_code=204,
    responses=problem_responses(401, 403, 404, 409, 412, 422, 428),
)
async def delete_meeting(
    session: SessionDep,
    principal: Writer,
    partnership_id: UUID,
    meeting_id: UUID,
    if_match: IfMatch = None,
) -> Response:
    await service.delete_meeting(session, principal, partnership_id, meeting_id, if_match)
    return Response(status_code=204)
