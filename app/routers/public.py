"""Public summaries of published partnerships and announced networks: anyone may read them;
no personal data."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query, Request, Response

from app.api.auth import OPTIONAL_AUTH, PublicCaller
from app.api.deps import SearchQuery, SessionDep
from app.api.ics import ICS_RESPONSES, ics_response
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.exports import calendars
from app.models.enums import PartnerInterestSide, PartnershipStatus, Principle
from app.schemas.public import (
    PublicNetwork,
    PublicNetworkPage,
    PublicPartnerInterest,
    PublicPartnerInterestPage,
    PublicPartnership,
    PublicPartnershipPage,
)
from app.services import public as service
from app.services.networks import networks as networks_service
from app.services.partnerships.partnerships import PartnershipFilters

router = APIRouter(prefix="/public", tags=["public"], route_class=TransactionalRoute)


@router.get(
    "/partnerships",
    operation_id="list_published_partnerships",
    summary="Published partnerships (public)",
    description="By default sorted by title, then id. Parties, aims and phases; never people.",
    openapi_extra=OPTIONAL_AUTH,
)
async def list_published_partnerships(
    session: SessionDep,
    principal: PublicCaller,
    page: Annotated[PageParams, listing(service.PUBLISHED)],
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", examples=["ZM"])] = None,
    theme: Annotated[str | None, Query(max_length=100)] = None,
    principle: Annotated[Principle | None, Query()] = None,
    status: Annotated[PartnershipStatus | None, Query()] = None,
    q: SearchQuery = None,
) -> PublicPartnershipPage:
    filters = PartnershipFilters(
        country=country, theme=theme, principle=principle, status=status, q=q
    )
    items, cursor = await service.list_published(session, filters, page)
    return PublicPartnershipPage.of(items, cursor)


@router.get(
    "/partnerships/{partnership_id}",
    operation_id="get_published_partnership",
    summary="A published partnership (public)",
    openapi_extra=OPTIONAL_AUTH,
    responses=problem_responses(NOT_FOUND),
)
async def get_published_partnership(
    session: SessionDep, principal: PublicCaller, partnership_id: UUID
) -> PublicPartnership:
    return await service.get_published(session, partnership_id)


@router.get(
    "/networks",
    operation_id="list_public_networks",
    summary="Announced networks with their members and workshops (public)",
    description="By default sorted by title, then id. Planned networks are not announced yet. "
    "Never people, "
    "never participant figures.",
    openapi_extra=OPTIONAL_AUTH,
)
async def list_public_networks(
    session: SessionDep,
    principal: PublicCaller,
    page: Annotated[PageParams, listing(networks_service.SORTING)],
    theme: Annotated[str | None, Query(max_length=100)] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", examples=["GT"])] = None,
    active_in: Annotated[
        int | None, Query(ge=1990, le=2100, description="Only networks running that year.")
    ] = None,
) -> PublicNetworkPage:
    items, cursor = await service.list_networks(session, page, theme, country, active_in)
    return PublicNetworkPage.of(items, cursor)


@router.get(
    "/networks/{network_id}",
    operation_id="get_public_network",
    summary="An announced network (public)",
    openapi_extra=OPTIONAL_AUTH,
    responses=problem_responses(NOT_FOUND),
)
async def get_public_network(
    session: SessionDep, principal: PublicCaller, network_id: UUID
) -> PublicNetwork:
    return await service.get_network(session, network_id)


@router.get(
    "/networks/{network_id}/workshops.ics",
    operation_id="get_public_network_calendar",
    summary="An announced network's workshops as an iCalendar feed (public)",
    description="For calendar apps, which cannot send credentials.",
    openapi_extra=OPTIONAL_AUTH,
    response_class=Response,
    responses=ICS_RESPONSES,
)
async def get_public_network_calendar(
    session: SessionDep, principal: PublicCaller, request: Request, network_id: UUID
) -> Response:
    body = await calendars.network_calendar(session, network_id, announced_only=True)
    return ics_response(request, body)


@router.get(
    "/partner-interests",
    operation_id="list_listed_partner_interests",
    summary="Declarations of interest listed by their organisations (public)",
    description="By default sorted by when they were made, then id. Open, not expired, and listed "
    "by "
    "their organisation: what it seeks; never people nor contact details "
    "(docs/partner-search.md).",
    openapi_extra=OPTIONAL_AUTH,
)
async def list_listed_partner_interests(
    session: SessionDep,
    principal: PublicCaller,
    page: Annotated[PageParams, listing(service.LISTED_INTERESTS)],
    side: Annotated[PartnerInterestSide | None, Query()] = None,
    theme: Annotated[str | None, Query(max_length=100)] = None,
    country: Annotated[
        str | None,
        Query(pattern=r"^[A-Za-z]{2}$", examples=["GT"], description="The organisation's."),
    ] = None,
) -> PublicPartnerInterestPage:
    items, cursor = await service.list_partner_interests(session, page, side, theme, country)
    return PublicPartnerInterestPage.of(items, cursor)


@router.get(
    "/partner-interests/{interest_id}",
    operation_id="get_listed_partner_interest",
    summary="A listed declaration of interest (public)",
    openapi_extra=OPTIONAL_AUTH,
    responses=problem_responses(NOT_FOUND),
)
async def get_listed_partner_interest(
    session: SessionDep, principal: PublicCaller, interest_id: UUID
) -> PublicPartnerInterest:
    return await service.get_partner_interest(session, interest_id)
