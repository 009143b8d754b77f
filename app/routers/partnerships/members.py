"""The steering group, project group and inception team of a partnership."""

from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Body, Request, Response

from app.api.auth import Authenticated, Writer
from app.api.deps import IfMatch, SessionDep
from app.api.etag import set_etag
from app.api.expand import conditional_expanded, expand_query
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.models.partnerships import Member
from app.schemas.partnerships.members import (
    MemberCreate,
    MemberExpand,
    MemberPage,
    MemberRead,
    MemberUpdate,
    Side,
)
from app.services import expansions
from app.services.partnerships import members as service

router = APIRouter(
    prefix="/partnerships/{partnership_id}/members",
    tags=["partnerships"],
    route_class=TransactionalRoute,
)


Expansions = Annotated[list[MemberExpand], expand_query(MemberExpand)]


def read(member: Member, side: Side, embedded: dict[str, Any] | None = None) -> MemberRead:
    return MemberRead.model_validate({**member.model_dump(), "side": side, **(embedded or {})})


@router.get(
    "",
    operation_id="list_members",
    summary="List a partnership's members (by default by team and start date)",
    responses=problem_responses(NOT_FOUND),
)
async def list_members(
    session: SessionDep,
    principal: Authenticated,
    partnership_id: UUID,
    page: Annotated[PageParams, listing(service.SORTING)],
    expand: Expansions,
) -> MemberPage:
    members, links = await service.list_members(session, principal, partnership_id, page)
    embedded = await expansions.in_members(session, principal, [m for m, _ in members], expand)
    return MemberPage.of([read(m, side, embedded[m.id]) for m, side in members], links)


@router.post(
    "",
    operation_id="create_member",
    summary="Add a person to a team",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
)
async def create_member(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    partnership_id: UUID,
    body: MemberCreate,
) -> MemberRead:
    member, side = await service.create_member(session, principal, partnership_id, body)
    response.headers["Location"] = location_of(
        request, "get_member", partnership_id=partnership_id, member_id=member.id
    )
    set_etag(response, member.version)
    return read(member, side)


@router.get(
    "/{member_id}",
    operation_id="get_member",
    summary="Get a membership",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_member(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    partnership_id: UUID,
    member_id: UUID,
    expand: Expansions,
) -> MemberRead:
    member, side, _ = await service.get_member(session, principal, partnership_id, member_id)
    if unchanged := conditional_expanded(request, response, member.version, expand):
        return unchanged  # type: ignore[return-value]
    embedded = await expansions.in_members(session, principal, [member], expand)
    return read(member, side, embedded[member.id])


@router.patch(
    "/{member_id}",
    operation_id="update_member",
    summary="Change a membership's role or dates (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_member(
    session: SessionDep,
    principal: Writer,
    response: Response,
    partnership_id: UUID,
    member_id: UUID,
    body: Annotated[MemberUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> MemberRead:
    member, side = await service.update_member(
        session, principal, partnership_id, member_id, body, if_match
    )
    set_etag(response, member.version)
    return read(member, side)


@router.delete(
    "/{member_id}",
    operation_id="delete_member",
    summary="Remove a membership",
    status_code=204,
    responses=problem_responses(NOT_FOUND),
)
async def delete_member(
    session: SessionDep,
    principal: Writer,
    partnership_id: UUID,
    member_id: UUID,
    if_match: IfMatch = None,
) -> Response:
    await service.delete_member(session, principal, partnership_id, member_id, if_match)
    return Response(status_code=204)
