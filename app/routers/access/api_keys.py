"""API keys for integrations (admins only)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Request, Response

from app.api.auth import Admin
from app.api.deps import SessionDep
from app.api.headers import created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute, location_of
from app.core.errors import CONFLICT, NOT_FOUND
from app.core.paging import PageParams
from app.schemas.access import ApiKeyCreate, ApiKeyCreated, ApiKeyPage, ApiKeyRead
from app.services.access import api_keys as service

router = APIRouter(prefix="/api-keys", tags=["access"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_api_keys",
    summary="List API keys (never their secrets)",
    description="By default oldest first.",
)
async def list_api_keys(
    session: SessionDep, principal: Admin, page: Annotated[PageParams, listing(service.SORTING)]
) -> ApiKeyPage:
    keys, cursor = await service.list_api_keys(session, page)
    return ApiKeyPage.of([ApiKeyRead.model_validate(k) for k in keys], cursor)


@router.post(
    "",
    operation_id="create_api_key",
    summary="Create an API key; its secret is in this answer only",
    status_code=201,
    responses=created(etag=False),
)
async def create_api_key(
    session: SessionDep, principal: Admin, request: Request, response: Response, body: ApiKeyCreate
) -> ApiKeyCreated:
    key, token = await service.create_api_key(session, principal, body)
    response.headers["Location"] = location_of(request, "get_api_key", key_id=key.id)
    response.headers["Cache-Control"] = "no-store"
    return ApiKeyCreated(**ApiKeyRead.model_validate(key).model_dump(), token=token)


@router.get(
    "/{key_id}",
    operation_id="get_api_key",
    summary="Get an API key",
    responses=problem_responses(NOT_FOUND),
)
async def get_api_key(session: SessionDep, principal: Admin, key_id: UUID) -> ApiKeyRead:
    return ApiKeyRead.model_validate(await service.get_api_key(session, key_id))


@router.post(
    "/{key_id}/revoke",
    operation_id="revoke_api_key",
    summary="Revoke an API key (it stops working at once; the record stays)",
    responses=problem_responses(NOT_FOUND, CONFLICT),
)
async def revoke_api_key(session: SessionDep, principal: Admin, key_id: UUID) -> ApiKeyRead:
    return ApiKeyRead.model_validate(await service.revoke_api_key(session, key_id))
