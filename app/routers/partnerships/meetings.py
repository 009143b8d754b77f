"""Meetings and visits of a partnership, the actions of their life cycle and their history."""

from collections.abc import Awaitable, Callable
from dataclasses import asdict
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response

from app.api.answers import answer_json
from app.api.auth import Authenticated, Writer
from app.api.deps import IfMatch, SessionDep
from app.api.etag import set_etag
from app.api.expand import conditional_expanded, expand_query
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND
from app.core.paging import PageParams
from app.schemas.partnerships.meetings import (
    CancelMeeting,
    HoldMeeting,
    MeetingChangePage,
    MeetingChangeRead,
    MeetingCreate,
    MeetingExpand,
    MeetingPage,
    MeetingRead,
    MeetingUpdate,
    RescheduleMeeting,
)
from app.services import expansions
from app.services.partnerships import meetings as service

router = APIRouter(
    prefix="/partnerships/{partnership_id}", tags=["partnerships"], route_class=TransactionalRoute
)

Expansions = Annotated[list[MeetingExpand], expand_query(MeetingExpand)]


@router.get(
    "/meetings",
    operation_id="list_meetings",
    summary="List a partnership's meetings and visits (by default by date)",
    description="Paged, by start date unless `sort` says otherwise.",
    responses=problem_responses(NOT_FOUND),
    response_model=MeetingPage,
)
async def list_meetings(
    session: SessionDep,
    principal: Authenticated,
    partnership_id: UUID,
    page: Annotated[PageParams, listing(service.MEETINGS)],
    expand: Expansions,
) -> MeetingPage | Response:
    views, links = await service.list_meetings(session, principal, partnership_id, page)
    if not expand:  # the rows' values, serialised once (app/api/answers.py)
        items = [service.fields(v) for v in views]
        return answer_json(MeetingPage, {"items": items, **asdict(links)})
    embedded = await expansions.in_meetings(session, views, expand)
    return MeetingPage.of([service.answer(v, embedded[v.meeting.id]) for v in views], links)


@router.post(
    "/meetings",
    operation_id="create_meeting",
    summary="Plan a meeting or visit",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
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
    return service.answer(view)


@router.get(
    "/meetings/{meeting_id}",
    operation_id="get_meeting",
    summary="Get a meeting",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
    response_model=MeetingRead,
)
async def get_meeting(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    partnership_id: UUID,
    meeting_id: UUID,
    expand: Expansions,
) -> MeetingRead | Response:
    view = await service.read_meeting(session, principal, partnership_id, meeting_id)
    if unchanged := conditional_expanded(request, response, view.meeting.version, expand):
        return unchanged
    if not expand:  # the row's values, serialised once (app/api/answers.py)
        return answer_json(MeetingRead, service.fields(view), headers=response.headers)
    embedded = await expansions.in_meetings(session, [view], expand)
    return service.answer(view, embedded[view.meeting.id])


@router.patch(
    "/meetings/{meeting_id}",
    operation_id="update_meeting",
    summary="Change a meeting's kind, place, participants or outcome, or record it as held "
    "(JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
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
    return service.answer(view)


@router.delete(
    "/meetings/{meeting_id}",
    operation_id="delete_meeting",
    summary="Delete a meeting entered by mistake (any other is cancelled instead: 409)",
    status_code=204,
    responses=problem_responses(NOT_FOUND, CONFLICT),
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


def _action(
    name: str,
    summary: str,
    description: str,
    body_type: type[Any],
    run: Callable[..., Awaitable[service.MeetingView]],
) -> None:
    async def act(
        session: SessionDep,
        principal: Writer,
        response: Response,
        partnership_id: UUID,
        meeting_id: UUID,
        body: body_type,  # type: ignore[valid-type]
        if_match: IfMatch = None,
    ) -> MeetingRead:
        view = await run(session, principal, partnership_id, meeting_id, body, if_match)
        set_etag(response, view.meeting.version)
        return service.answer(view)

    router.add_api_route(
        f"/meetings/{{meeting_id}}/{name}",
        act,
        methods=["POST"],
        operation_id=f"{name}_meeting",
        name=f"{name}_meeting",
        summary=summary,
        description=description,
        responses=problem_responses(NOT_FOUND) | changed(),
    )


NO_OUTCOME = HoldMeeting()  # a hold without a body records no outcome


@router.post(
    "/meetings/{meeting_id}/hold",
    operation_id="hold_meeting",
    name="hold_meeting",
    summary="Record a planned meeting as held, once its first day has come",
    description="The same as `PATCH` with `status` `held`. The body (the outcome) is optional. "
    "Needs `If-Match`.",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def hold_meeting(
    session: SessionDep,
    principal: Writer,
    response: Response,
    partnership_id: UUID,
    meeting_id: UUID,
    body: Annotated[HoldMeeting, Body()] = NO_OUTCOME,
    if_match: IfMatch = None,
) -> MeetingRead:
    view = await service.hold_meeting(
        session, principal, partnership_id, meeting_id, body, if_match
    )
    set_etag(response, view.meeting.version)
    return service.answer(view)


_action(
    "cancel",
    "Cancel a planned meeting, past or future, with its reason",
    "The meeting keeps its dates, host and participants and stays in lists, the calendar feeds "
    "(`STATUS:CANCELLED`, same UID, SEQUENCE raised) and the history. Needs `If-Match`.",
    CancelMeeting,
    service.cancel_meeting,
)
_action(
    "reschedule",
    "Move a planned meeting to other dates or another host, with its reason",
    "The meeting keeps its id and calendar UID (SEQUENCE raised); its history records the "
    "dates and host it had and why it moved. Needs `If-Match`.",
    RescheduleMeeting,
    service.reschedule_meeting,
)


@router.get(
    "/meetings/{meeting_id}/history",
    operation_id="list_meeting_changes",
    summary="A meeting's history: planned, moved, held, cancelled; who, when and why",
    description="Oldest first.",
    responses=problem_responses(NOT_FOUND),
)
async def list_meeting_changes(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.CHANGES)],
    partnership_id: UUID,
    meeting_id: UUID,
) -> MeetingChangePage:
    changes, cursor = await service.list_changes(
        session, principal, partnership_id, meeting_id, page
    )
    return MeetingChangePage.of([MeetingChangeRead.model_validate(c) for c in changes], cursor)
