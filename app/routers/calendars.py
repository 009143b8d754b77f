"""Calendar feeds (iCalendar) a municipal calendar can subscribe to."""

from uuid import UUID

from fastapi import APIRouter, Request, Response

from app.api.auth import Authenticated
from app.api.deps import SessionDep
from app.api.ics import ICS_RESPONSES, ics_response
from app.api.routing import TransactionalRoute
from app.exports import calendars as service

router = APIRouter(tags=["calendars"], route_class=TransactionalRoute)


@router.get(
    "/partnerships/{partnership_id}/meetings.ics",
    operation_id="get_partnership_calendar",
    summary="The partnership's meetings and visits as an iCalendar feed",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def get_partnership_calendar(
    session: SessionDep, principal: Authenticated, request: Request, partnership_id: UUID
) -> Response:
    body = await service.partnership_calendar(session, principal, partnership_id)
    return ics_response(request, body)


@router.get(
    "/organisations/{organisation_id}/meetings.ics",
    operation_id="get_organisation_calendar",
    summary="Every meeting of the partnerships an organisation is a party of, as iCalendar",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def get_organisation_calendar(
    session: SessionDep, principal: Authenticated, request: Request, organisation_id: UUID
) -> Response:
    body = await service.organisation_calendar(
        session, principal, organisation_id, everything=False
    )
    return ics_response(request, body)


@router.get(
    "/organisations/{organisation_id}/calendar.ics",
    operation_id="get_organisation_full_calendar",
    summary="Everything an organisation hosts or attends, as iCalendar",
    description="The meetings of its partnerships, the workshops it hosts or takes part in, and "
    "the study visits it hosts or its partnerships make (as far as the caller may read them).",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def get_organisation_full_calendar(
    session: SessionDep, principal: Authenticated, request: Request, organisation_id: UUID
) -> Response:
    body = await service.organisation_calendar(session, principal, organisation_id, everything=True)
    return ics_response(request, body)


@router.get(
    "/networks/{network_id}/workshops.ics",
    operation_id="get_network_calendar",
    summary="A network's workshops as an iCalendar feed",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def get_network_calendar(
    session: SessionDep, principal: Authenticated, request: Request, network_id: UUID
) -> Response:
    return ics_response(request, await service.network_calendar(session, network_id))
