"""The audit trail (admins only, read-only: no route changes or deletes an event)."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from app.api.auth import Admin
from app.api.deps import SessionDep
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.schemas.access import AuditEventPage, AuditEventRead
from app.schemas.common import Timestamp
from app.services.access import audit as service

router = APIRouter(prefix="/audit-events", tags=["access"], route_class=TransactionalRoute)


@router.get(
    "",
    operation_id="list_audit_events",
    summary="List audit events",
    description="By default oldest first. Filter by object, actor and a time range [since, until).",
)
async def list_audit_events(
    session: SessionDep,
    principal: Admin,
    page: Annotated[PageParams, listing(service.SORTING)],
    object_type: Annotated[str | None, Query(max_length=60, examples=["people"])] = None,
    object_id: Annotated[str | None, Query(max_length=100)] = None,
    actor_id: Annotated[str | None, Query(max_length=300)] = None,
    since: Annotated[Timestamp | None, Query(description="RFC 3339, with offset")] = None,
    until: Annotated[Timestamp | None, Query(description="RFC 3339, with offset")] = None,
) -> AuditEventPage:
    filters = service.AuditFilters(
        object_type=object_type, object_id=object_id, actor_id=actor_id, since=since, until=until
    )
    events, cursor = await service.list_events(session, filters, page)
    return AuditEventPage.of([AuditEventRead.model_validate(e) for e in events], cursor)


@router.get(
    "/{event_id}",
    operation_id="get_audit_event",
    summary="Get an audit event",
    responses=problem_responses(NOT_FOUND),
)
async def get_audit_event(session: SessionDep, principal: Admin, event_id: UUID) -> AuditEventRead:
    return AuditEventRead.model_validate(await service.get_event(session, event_id))
