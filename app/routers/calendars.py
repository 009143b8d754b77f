"""Calendar feeds (iCalendar) a municipal calendar can subscribe to."""

from uuid import UUID

from fastapi import APIRouter, Request, Response

from app.api.auth import Authenticated
from app.api.deps import SessionDep
from app.api.etag import conditional, content_etag
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.services import calendars as service

router = APIRouter(tags=["partnerships"], route_class=TransactionalRoute)

ICS = "text/calendar; charset=utf-8"
_RESPONSES = {
    **problem_responses(401, 403, 404, 422),
    200: {
        "content": {"text/calendar": {"schema": {"type": "string"}}},
        "description": "An iCalendar (RFC 5545) feed",
    },
}


@router.get(
    "/partnerships/{partnership_id}/meetings.ics",
    operation_id="get_partnership_calendar",
    summary="The partnership's meetings and visits as an iCalendar feed",
    response_class=Response,
    responses=_RESPONSES,
)
async def get_partnership_calendar(
    session: SessionDep, principal: Authenticated, request: Request, partnership_id: UUID
) -> Response:
    body = await service.partnership_calendar(session, principal, partnership_id)
    return _feed(request, body)


@router.get(
    "/organisations/{organisation_id}/meetings.ics",
    operation_id="get_organisation_calendar",
    summary="Every meeting of the partnerships an organisation is a party of, as iCalendar",
    response_class=Response,
    responses=_RESPONSES,
)
async def get_organisation_calendar(
    session: SessionDep, principal: Authenticated, request: Request, organisation_id: UUID
) -> Response:
    body = await service.organisation_calendar(session, principal, organisation_id)
    return _feed(request, body)


def _feed(request: Request, body: bytes) -> Response:
    response = Response(body, media_type=ICS)
    return conditional(request, response, content_etag(body.decode())) or response
