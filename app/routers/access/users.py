"""Users seen through OpenID Connect (admins only; they are created by signing in)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter

from app.api.auth import Admin
from app.api.deps import SessionDep
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.schemas.access import UserPage, UserRead
from app.services.access import users as service

router = APIRouter(prefix="/users", tags=["access"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_users",
    summary="List users",
    description="By default sorted by subject.",
)
async def list_users(
    session: SessionDep, principal: Admin, page: Annotated[PageParams, listing(service.SORTING)]
) -> UserPage:
    users, cursor = await service.list_users(session, page)
    return UserPage.of([UserRead.model_validate(u) for u in users], cursor)


@router.get(
    "/{user_id}",
    operation_id="get_user",
    summary="Get a user",
    responses=problem_responses(NOT_FOUND),
)
async def get_user(session: SessionDep, principal: Admin, user_id: UUID) -> UserRead:
    return UserRead.model_validate(await service.get_user(session, user_id))
