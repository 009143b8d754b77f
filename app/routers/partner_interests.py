"""Declarations of interest: an organisation seeks a partner; its candidates of the other side,
ranked with their reasons; a match made into a draft partnership (docs/partner-search.md)."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import Authenticated, Staff, Writer
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import PageDep, listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.i18n import render
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.models.enums import PartnerInterestSide, PartnerInterestStatus
from app.schemas.partner_interests import (
    NO_CHOICES,
    MatchedOrganisation,
    MatchToPartnership,
    PartnerInterestCreate,
    PartnerInterestMatch,
    PartnerInterestMatchPage,
    PartnerInterestPage,
    PartnerInterestRead,
    PartnerInterestUpdate,
    Reason,
)
from app.schemas.partnerships.partnerships import PartnershipRead
from app.services import partner_interests as service
from app.services.partnerships import partnerships as partnerships_service

router = APIRouter(
    prefix="/partner-interests", tags=["partner-search"], route_class=TransactionalRoute
)
_CHANGE = problem_responses(NOT_FOUND) | changed()


def read(interest: object) -> PartnerInterestRead:
    return PartnerInterestRead.model_validate(interest)


@router.get(
    "",
    operation_id="list_partner_interests",
    summary="List declarations of interest",
    response_model=PartnerInterestPage,
    description="By default sorted by when they were made, then id. Coordinators and viewers see "
    "their "
    "organisations' declarations; the public directory lists the others that are listed.",
)
async def list_partner_interests(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
    organisation_id: Annotated[UUID | None, Query()] = None,
    side: Annotated[PartnerInterestSide | None, Query()] = None,
    status: Annotated[PartnerInterestStatus | None, Query()] = None,
    expired: Annotated[
        bool | None, Query(description="Only those whose `expires_on` has passed (or not).")
    ] = None,
    theme: Annotated[str | None, Query(max_length=100)] = None,
    network_id: Annotated[UUID | None, Query()] = None,
    listed: Annotated[bool | None, Query()] = None,
) -> Response:
    filters = service.InterestFilters(
        organisation_id=organisation_id,
        side=side,
        status=status,
        expired=expired,
        theme=theme,
        network_id=network_id,
        listed=listed,
    )
    items, links = await service.list_interests(session, principal, filters, page)
    return answer_json(PartnerInterestPage, {"items": items, **asdict(links)})


@router.post(
    "",
    operation_id="create_partner_interest",
    summary="Declare that an organisation seeks a partner",
    description="By the organisation's coordinator, or ICLD staff for it. Open for "
    "`expires_on` (a year), unless renewed.",
    status_code=201,
    responses=created(),
)
async def create_partner_interest(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    body: PartnerInterestCreate,
) -> PartnerInterestRead:
    interest = await service.create_interest(session, principal, body)
    response.headers["Location"] = location_of(
        request, "get_partner_interest", interest_id=interest.id
    )
    set_etag(response, interest.version)
    return read(interest)


@router.get(
    "/{interest_id}",
    operation_id="get_partner_interest",
    summary="Get a declaration of interest",
    response_model=PartnerInterestRead,
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_partner_interest(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    interest_id: UUID,
) -> Response:
    interest = await service.read_interest(session, principal, interest_id)
    if unchanged := conditional(request, response, etag_for(interest["version"])):
        return unchanged
    return answer_json(PartnerInterestRead, interest, headers=response.headers)


@router.patch(
    "/{interest_id}",
    operation_id="update_partner_interest",
    summary="Change what a declaration seeks (JSON merge patch)",
    description="An open declaration only. Needs `If-Match`.",
    responses=_CHANGE,
)
async def update_partner_interest(
    session: SessionDep,
    principal: Writer,
    response: Response,
    interest_id: UUID,
    body: Annotated[PartnerInterestUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> PartnerInterestRead:
    interest = await service.update_interest(session, principal, interest_id, body, if_match)
    set_etag(response, interest.version)
    return read(interest)


@router.post(
    "/{interest_id}/renew",
    operation_id="renew_partner_interest",
    summary="Keep a declaration open for another year from today",
    description="An open declaration, expired or not. Needs `If-Match`.",
    responses=_CHANGE,
)
async def renew_partner_interest(
    session: SessionDep,
    principal: Writer,
    response: Response,
    interest_id: UUID,
    if_match: IfMatch = None,
) -> PartnerInterestRead:
    interest = await service.renew_interest(session, principal, interest_id, if_match)
    set_etag(response, interest.version)
    return read(interest)


@router.post(
    "/{interest_id}/withdraw",
    operation_id="withdraw_partner_interest",
    summary="Withdraw a declaration: it no longer seeks a partner",
    description="An open declaration. Needs `If-Match`.",
    responses=_CHANGE,
)
async def withdraw_partner_interest(
    session: SessionDep,
    principal: Writer,
    response: Response,
    interest_id: UUID,
    if_match: IfMatch = None,
) -> PartnerInterestRead:
    interest = await service.withdraw_interest(session, principal, interest_id, if_match)
    set_etag(response, interest.version)
    return read(interest)


@router.get(
    "/{interest_id}/matches",
    operation_id="list_partner_interest_matches",
    summary="Candidate declarations of the other side, best first, with the reasons",
    description="Open, unexpired declarations of the other side, ranked by the sum of weighted "
    "signals (docs/partner-search.md), ties by id. Coordinators and viewers are shown the "
    "listed ones and their organisations' own.",
    responses=problem_responses(NOT_FOUND),
)
async def list_partner_interest_matches(
    session: SessionDep, principal: Authenticated, page: PageDep, interest_id: UUID
) -> PartnerInterestMatchPage:
    candidates, cursor = await service.rank_candidates(session, principal, interest_id, page)
    return PartnerInterestMatchPage(
        items=[
            PartnerInterestMatch(
                interest=read(c.interest),
                organisation=MatchedOrganisation.model_validate(
                    c.organisation, from_attributes=True
                ),
                score=c.score,
                reasons=[
                    Reason(signal=r.signal, weight=r.weight, detail=render(r.detail))
                    for r in c.reasons
                ],
                partnerships=c.partnerships,
            )
            for c in candidates
        ],
        next_cursor=cursor,
    )


@router.post(
    "/{interest_id}/matches/{candidate_id}/partnership",
    operation_id="create_partnership_from_match",
    summary="Make a match into a draft partnership",
    description="ICLD staff. The partnership of the two organisations, made by the rules of "
    "`POST /partnerships` (applied for today unless `applied_on` says otherwise), with both "
    "declarations' themes and principles, the Swedish one's challenge, and the network both "
    "name; its `origin` names the two declarations, which become `matched`.",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
)
async def create_partnership_from_match(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    interest_id: UUID,
    candidate_id: UUID,
    body: Annotated[MatchToPartnership, Body()] = NO_CHOICES,
) -> PartnershipRead:
    partnership = await service.make_partnership(
        session, principal, interest_id, candidate_id, body
    )
    response.headers["Location"] = location_of(
        request, "get_partnership", partnership_id=partnership.id
    )
    set_etag(response, partnership.version)
    partners = await partnerships_service.partners_of(session, [partnership.id])
    return partnerships_service.answer(partnership, partners[partnership.id])
