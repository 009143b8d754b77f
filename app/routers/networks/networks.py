"""Thematic networks, their members, and the partnerships that belong to or grew from them."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import Authenticated, Staff
from app.api.deps import IfMatch, SearchQuery, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.rules.networks import SMALLEST_GROUP
from app.schemas.networks.networks import (
    NetworkCreate,
    NetworkMemberCreate,
    NetworkMemberRead,
    NetworkMemberUpdate,
    NetworkPage,
    NetworkRead,
    NetworkSummary,
    NetworkUpdate,
)
from app.schemas.partnerships.partnerships import PartnershipPage
from app.services.networks import networks as service
from app.services.partnerships import partnerships as partnerships_service

router = APIRouter(prefix="/networks", tags=["networks"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_networks",
    summary="List networks",
    response_model=NetworkPage,
    description="By default sorted by (main) title, then id. `q` searches the titles and "
    "descriptions in "
    "every language (docs/languages-content.md).",
)
async def list_networks(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
    theme: Annotated[str | None, Query(max_length=100)] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    active_in: Annotated[
        int | None, Query(ge=1990, le=2100, description="Only networks running that year.")
    ] = None,
    q: SearchQuery = None,
) -> Response:
    rows, links = await service.list_networks(session, page, theme, country, active_in, q=q)
    return answer_json(NetworkPage, {"items": rows, **asdict(links)})


@router.post(
    "",
    operation_id="create_network",
    summary="Create a network",
    status_code=201,
    responses=created(),
)
async def create_network(
    session: SessionDep, principal: Staff, request: Request, response: Response, body: NetworkCreate
) -> NetworkRead:
    network = await service.create_network(session, body)
    response.headers["Location"] = location_of(request, "get_network", network_id=network.id)
    set_etag(response, network.version)
    return NetworkRead.model_validate(network)


@router.get(
    "/{network_id}",
    operation_id="get_network",
    summary="Get a network",
    response_model=NetworkRead,
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_network(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    network_id: UUID,
) -> Response:
    network = await service.read_network(session, network_id)
    if unchanged := conditional(request, response, etag_for(network.version)):
        return unchanged
    return answer_json(NetworkRead, network, headers=response.headers)


@router.patch(
    "/{network_id}",
    operation_id="update_network",
    summary="Change a network (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_network(
    session: SessionDep,
    principal: Staff,
    response: Response,
    network_id: UUID,
    body: Annotated[NetworkUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> NetworkRead:
    network = await service.update_network(session, network_id, body, if_match)
    set_etag(response, network.version)
    return NetworkRead.model_validate(network)


@router.get(
    "/{network_id}/members",
    operation_id="list_network_members",
    summary="List a network's members, by join date",
    responses=problem_responses(NOT_FOUND),
)
async def list_network_members(
    session: SessionDep, principal: Authenticated, network_id: UUID
) -> list[NetworkMemberRead]:
    network = await service.read_network(session, network_id)
    return [
        NetworkMemberRead.model_validate(m) for m in await service.list_members(session, network.id)
    ]


@router.post(
    "/{network_id}/members",
    operation_id="add_network_member",
    summary="Add (invite) an organisation to a network",
    status_code=201,
    responses=problem_responses(NOT_FOUND, CONFLICT) | created(location=False),
)
async def add_network_member(
    session: SessionDep,
    principal: Staff,
    response: Response,
    network_id: UUID,
    body: NetworkMemberCreate,
) -> NetworkMemberRead:
    member = await service.add_member(session, network_id, body)
    set_etag(response, member.version)
    return NetworkMemberRead.model_validate(member)


@router.patch(
    "/{network_id}/members/{member_id}",
    operation_id="update_network_member",
    summary="Change a member's status or join date (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_network_member(
    session: SessionDep,
    principal: Staff,
    response: Response,
    network_id: UUID,
    member_id: UUID,
    body: Annotated[NetworkMemberUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> NetworkMemberRead:
    member = await service.update_member(session, network_id, member_id, body, if_match)
    set_etag(response, member.version)
    return NetworkMemberRead.model_validate(member)


@router.get(
    "/{network_id}/summary",
    operation_id="get_network_summary",
    summary="The network in figures: members, workshops held, participants, partnerships",
    description="Participants are counted per held workshop, by the country of their "
    "organisation and by recorded gender: two breakdowns side by side, never crossed, never "
    f"per person; outside ICLD a breakdown with a group of fewer than {SMALLEST_GROUP} people "
    "is withheld.",
    responses=problem_responses(NOT_FOUND),
)
async def get_network_summary(
    session: SessionDep, principal: Authenticated, network_id: UUID
) -> NetworkSummary:
    return await service.summary(session, principal, network_id)


@router.get(
    "/{network_id}/partnerships",
    operation_id="list_network_partnerships",
    summary="The partnerships that belong to the network or grew from it",
    description="As GET /api/v1/partnerships, limited to the network (and to the caller's scope).",
    responses=problem_responses(NOT_FOUND),
)
async def list_network_partnerships(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(partnerships_service.SORTING)],
    network_id: UUID,
) -> PartnershipPage:
    network = await service.read_network(session, network_id)
    rows, partners, links = await partnerships_service.list_partnerships(
        session, principal, partnerships_service.PartnershipFilters(network_id=network.id), page
    )
    return PartnershipPage.of([partnerships_service.answer(p, partners[p.id]) for p in rows], links)
