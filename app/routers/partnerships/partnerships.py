"""Partnerships: the Swedish party and its partners, and the decisions taken on them."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.answers import answer_json
from app.api.auth import Authenticated, Staff, Writer
from app.api.deps import IfMatch, SearchQuery, SessionDep
from app.api.etag import set_etag
from app.api.expand import conditional_expanded, expand_query
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND
from app.core.paging import PageParams
from app.core.principal import Principal
from app.models.enums import PartnershipStatus, Principle
from app.schemas.partnerships.partnerships import (
    PartnershipCreate,
    PartnershipExpand,
    PartnershipPage,
    PartnershipRead,
    PartnershipUpdate,
)
from app.schemas.partnerships.phases import DecisionRead
from app.services import expansions
from app.services import public as public_service
from app.services.partnerships import partnerships as service
from app.services.partnerships import phases as phases_service

router = APIRouter(prefix="/partnerships", tags=["partnerships"], route_class=TransactionalRoute)

Expansions = Annotated[list[PartnershipExpand], expand_query(PartnershipExpand)]


@router.get(
    "",
    operation_id="list_partnerships",
    summary="List partnerships",
    description="Sorted by title, then id, unless `sort` says otherwise. Coordinators and "
    "viewers see the partnerships their organisations are parties of.",
    response_model=PartnershipPage,
)
async def list_partnerships(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
    expand: Expansions,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$", examples=["KE"])] = None,
    swedish_party_id: Annotated[UUID | None, Query()] = None,
    partner_id: Annotated[UUID | None, Query()] = None,
    theme: Annotated[str | None, Query(max_length=100)] = None,
    principle: Annotated[Principle | None, Query()] = None,
    status: Annotated[PartnershipStatus | None, Query()] = None,
    network_id: Annotated[UUID | None, Query()] = None,
    active_in: Annotated[
        int | None, Query(ge=1990, le=2100, description="Only those with a phase in that year.")
    ] = None,
    q: SearchQuery = None,
) -> PartnershipPage | Response:
    filters = service.PartnershipFilters(
        country=country,
        swedish_party_id=swedish_party_id,
        partner_id=partner_id,
        theme=theme,
        principle=principle,
        status=status,
        active_in=active_in,
        network_id=network_id,
        q=q,
    )
    rows, partners, links = await service.list_partnerships(session, principal, filters, page)
    if not expand:  # the rows' values, validated once (its texts in the caller's language)
        items = [service.fields(p, partners[p.id]) for p in rows]
        return answer_json(PartnershipPage, {"items": items, **asdict(links)})
    embedded = await expansions.in_partnerships(session, rows, partners, expand)
    return PartnershipPage.of(
        [service.answer(p, partners[p.id], embedded[p.id]) for p in rows], links
    )


@router.post(
    "",
    operation_id="create_partnership",
    summary="Create a partnership",
    status_code=201,
    responses=created(),
)
async def create_partnership(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    body: PartnershipCreate,
) -> PartnershipRead:
    partnership = await service.create_partnership(session, body)
    response.headers["Location"] = location_of(
        request, "get_partnership", partnership_id=partnership.id
    )
    set_etag(response, partnership.version)
    return service.answer(partnership, sorted(dict.fromkeys(body.partner_ids)))


@router.get(
    "/{partnership_id}",
    operation_id="get_partnership",
    summary="Get a partnership",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
    response_model=PartnershipRead,
)
async def get_partnership(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    partnership_id: UUID,
    expand: Expansions,
) -> PartnershipRead | Response:
    partnership = await service.read_partnership(session, principal, partnership_id)
    if unchanged := conditional_expanded(request, response, partnership.version, expand):
        return unchanged
    partners = {partnership.id: list(partnership.partner_ids or [])}
    if not expand:  # the row's values, validated once (its texts in the caller's language)
        data = service.fields(partnership, partners[partnership.id])
        return answer_json(PartnershipRead, data, headers=response.headers)
    embedded = await expansions.in_partnerships(session, [partnership], partners, expand)
    return service.answer(partnership, partners[partnership.id], embedded[partnership.id])


@router.patch(
    "/{partnership_id}",
    operation_id="update_partnership",
    summary="Change a partnership's description (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_partnership(
    session: SessionDep,
    principal: Writer,
    response: Response,
    partnership_id: UUID,
    body: Annotated[PartnershipUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> PartnershipRead:
    partnership = await service.update_partnership(
        session, principal, partnership_id, body, if_match
    )
    set_etag(response, partnership.version)
    partners = await service.partners_of(session, [partnership.id])
    return service.answer(partnership, partners[partnership.id])


@router.get(
    "/{partnership_id}/decisions",
    operation_id="list_partnership_decisions",
    summary="Every action taken on the partnership's phases, oldest first",
    responses=problem_responses(NOT_FOUND),
)
async def list_partnership_decisions(
    session: SessionDep, principal: Authenticated, partnership_id: UUID
) -> list[DecisionRead]:
    partnership = await service.get_partnership(session, principal, partnership_id)
    decisions = await phases_service.list_decisions(session, partnership.id)
    return [DecisionRead.model_validate(d) for d in decisions]


@router.post(
    "/{partnership_id}/publish",
    operation_id="publish_partnership",
    summary="Publish a partnership's summary (anyone may then read it under /public)",
    responses=problem_responses(NOT_FOUND, CONFLICT) | changed(),
)
async def publish_partnership(
    session: SessionDep, principal: Staff, response: Response, partnership_id: UUID
) -> PartnershipRead:
    return await _published(session, principal, response, partnership_id, True)


@router.post(
    "/{partnership_id}/unpublish",
    operation_id="unpublish_partnership",
    summary="Withdraw a partnership's public summary",
    responses=problem_responses(NOT_FOUND, CONFLICT) | changed(),
)
async def unpublish_partnership(
    session: SessionDep, principal: Staff, response: Response, partnership_id: UUID
) -> PartnershipRead:
    return await _published(session, principal, response, partnership_id, False)


async def _published(
    session: AsyncSession,
    principal: Principal,
    response: Response,
    partnership_id: UUID,
    published: bool,
) -> PartnershipRead:
    partnership = await public_service.set_published(session, principal, partnership_id, published)
    set_etag(response, partnership.version)
    partners = await service.partners_of(session, [partnership.id])
    return service.answer(partnership, partners[partnership.id])
