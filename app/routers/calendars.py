"""Calendar feeds (iCalendar), and the subscriptions that serve them at secret URLs to
calendar apps, which cannot send credentials (docs/calendars.md)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response

from app.api.auth import Authenticated
from app.api.deps import SessionDep
from app.api.headers import created
from app.api.ics import ICS_RESPONSES, ics_response
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.redaction import CALENDAR_FEEDS
from app.api.routing import TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.exports import calendars as service
from app.schemas.calendars import (
    CalendarSubscriptionCreate,
    CalendarSubscriptionCreated,
    CalendarSubscriptionPage,
    CalendarSubscriptionRead,
)
from app.services import calendars as subscriptions

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


SUBSCRIPTIONS = "/calendar-subscriptions"


@router.get(
    SUBSCRIPTIONS,
    operation_id="list_calendar_subscriptions",
    summary="List calendar subscriptions (yours; admins: all)",
    description="By default oldest first. Never their tokens.",
)
async def list_calendar_subscriptions(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(subscriptions.SORTING)],
) -> CalendarSubscriptionPage:
    found, cursor = await subscriptions.list_subscriptions(session, principal, page)
    return CalendarSubscriptionPage.of(
        [CalendarSubscriptionRead.model_validate(s) for s in found], cursor
    )


@router.post(
    SUBSCRIPTIONS,
    operation_id="create_calendar_subscription",
    summary="Subscribe to a feed you may read; its secret URL is in this answer only",
    description="The answer's `url` (and `webcal_url`, which opens a calendar app) serves the "
    "feed without credentials, with your rights at each fetch, until you delete the "
    "subscription.",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(etag=False),
)
async def create_calendar_subscription(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    body: CalendarSubscriptionCreate,
) -> CalendarSubscriptionCreated:
    subscription, token = await subscriptions.create_subscription(session, principal, body)
    response.headers["Location"] = location_of(
        request, "get_calendar_subscription", subscription_id=subscription.id
    )
    response.headers["Cache-Control"] = "no-store"
    path = request.url_for("get_subscribed_calendar", token=token).path
    base = request.app.state.settings.public_base_url or str(request.base_url)
    url = base.rstrip("/") + path
    return CalendarSubscriptionCreated(
        **CalendarSubscriptionRead.model_validate(subscription).model_dump(),
        token=token,
        url=url,
        webcal_url="webcal://" + url.partition("://")[2],
    )


@router.get(
    SUBSCRIPTIONS + "/{subscription_id}",
    operation_id="get_calendar_subscription",
    summary="Get a calendar subscription",
    responses=problem_responses(NOT_FOUND),
)
async def get_calendar_subscription(
    session: SessionDep, principal: Authenticated, subscription_id: UUID
) -> CalendarSubscriptionRead:
    found = await subscriptions.get_subscription(session, principal, subscription_id)
    return CalendarSubscriptionRead.model_validate(found)


@router.delete(
    SUBSCRIPTIONS + "/{subscription_id}",
    operation_id="delete_calendar_subscription",
    summary="Revoke a calendar subscription: its URL serves nothing from now on",
    status_code=204,
    responses=problem_responses(NOT_FOUND),
)
async def delete_calendar_subscription(
    session: SessionDep, principal: Authenticated, subscription_id: UUID
) -> Response:
    await subscriptions.delete_subscription(session, principal, subscription_id)
    return Response(status_code=204)


@router.get(
    CALENDAR_FEEDS + "{token}.ics",
    operation_id="get_subscribed_calendar",
    summary="A subscribed feed, at its secret URL (no credentials)",
    description="For calendar apps. The feed its subscription names, as its owner may read it "
    "at this moment; 404 alike for an unknown or revoked address and for an owner who may no "
    "longer read the feed.",
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def get_subscribed_calendar(session: SessionDep, request: Request, token: str) -> Response:
    response = ics_response(request, await service.subscribed_calendar(session, token))
    # Judged at each fetch: any cache asks again (a 304 when unchanged), and keeps it private.
    response.headers["Cache-Control"] = "private, no-cache"
    return response
