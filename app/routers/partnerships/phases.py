"""Phases of a partnership (inception, project) and the actions that change them."""

from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from fastapi import APIRouter, Request, Response

from app.api.auth import Authenticated, Staff
from app.api.deps import SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.versions import etag_for
from app.schemas.partnerships.phases import (
    CompletePhase,
    ExtendPhase,
    PhaseCreate,
    PhaseRead,
    PostponePhase,
    StartPhase,
    TerminatePhase,
)
from app.services.partnerships import partnerships as partnerships_service
from app.services.partnerships import phases as service

router = APIRouter(
    prefix="/partnerships/{partnership_id}/phases",
    tags=["partnerships"],
    route_class=TransactionalRoute,
)


@router.get(
    "",
    operation_id="list_phases",
    summary="List a partnership's phases, in time order",
    responses=problem_responses(NOT_FOUND),
)
async def list_phases(
    session: SessionDep, principal: Authenticated, partnership_id: UUID
) -> list[PhaseRead]:
    partnership = await partnerships_service.get_partnership(session, principal, partnership_id)
    return [PhaseRead.model_validate(p) for p in await service.list_phases(session, partnership.id)]


@router.post(
    "",
    operation_id="create_phase",
    summary="Plan a phase",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
)
async def create_phase(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    partnership_id: UUID,
    body: PhaseCreate,
) -> PhaseRead:
    phase = await service.create_phase(session, principal, partnership_id, body)
    response.headers["Location"] = location_of(
        request, "get_phase", partnership_id=partnership_id, phase_id=phase.id
    )
    set_etag(response, phase.version)
    return PhaseRead.model_validate(phase)


@router.get(
    "/{phase_id}",
    operation_id="get_phase",
    summary="Get a phase",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_phase(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    partnership_id: UUID,
    phase_id: UUID,
) -> PhaseRead:
    _, phase = await service.get_phase(session, principal, partnership_id, phase_id)
    if unchanged := conditional(request, response, etag_for(phase.version)):
        return unchanged  # type: ignore[return-value]
    return PhaseRead.model_validate(phase)


def _action(
    name: str, summary: str, body_type: type[Any], run: Callable[..., Awaitable[Any]]
) -> None:
    async def act(
        session: SessionDep,
        principal: Staff,
        response: Response,
        partnership_id: UUID,
        phase_id: UUID,
        body: body_type,  # type: ignore[valid-type]
    ) -> PhaseRead:
        phase = await run(session, principal, partnership_id, phase_id, body)
        set_etag(response, phase.version)
        return PhaseRead.model_validate(phase)

    router.add_api_route(
        f"/{{phase_id}}/{name}",
        act,
        methods=["POST"],
        operation_id=f"{name}_phase",
        name=f"{name}_phase",
        summary=summary,
        responses=problem_responses(NOT_FOUND) | changed(),
    )


_action(
    "start", "Start a phase (a project needs its steering group)", StartPhase, service.start_phase
)
_action(
    "postpone",
    "Postpone a phase: pause it; the planned end moves by the pause",
    PostponePhase,
    service.postpone_phase,
)
_action(
    "extend",
    "Extend a phase to a later planned end (a new grant decision)",
    ExtendPhase,
    service.extend_phase,
)
_action(
    "terminate",
    "End a phase early, from an effective date",
    TerminatePhase,
    service.terminate_phase,
)
_action("complete", "Complete a phase", CompletePhase, service.complete_phase)
