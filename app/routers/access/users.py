"""Users seen through OpenID Connect (admins only; they are created by signing in)."""

from uuid import UUID

from fastapi import APIRouter

from app.api.auth import Admin
from app.api.deps import SessionDep
from app.api.pagination import PageDep
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_FOUND
from app.schemas.access import UserPage, UserRead
from app.services.access import users as service

router = APIRouter(prefix="/users", tags=["access"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_users",
    summary="List users",
    description="Sorted by subject.",
)
async def list_users(session: SessionDep, principal: Admin, page: PageDep) -> UserPage:
    users, cursor = await service.list_users(session, page)
    return UserPage(items=[UserRead.model_validate(u) for u in users], next_cursor=cursor)


@router.get(
    "/{user_id}",
    operation_id="get_user",
    summary="Get a user",
    responses=problem_responses(NOT_FOUND),
)
async def get_user(session: SessionDep, principal: Admin, user_id: UUID) -> UserRead:
    return UserRead.model_validate(await service.get_user(session, user_id))
