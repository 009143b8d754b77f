"""Applications for a phase and their workflow: the applicant submits and withdraws, a programme
officer assesses and decides; every step is recorded (docs/funding.md)."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import Authenticated, Staff, Writer
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.models.enums import ApplicationAction, ApplicationStatus
from app.schemas.funding.applications import (
    ActionNote,
    ApplicationCreate,
    ApplicationEventRead,
    ApplicationPage,
    ApplicationRead,
    ApplicationUpdate,
    Rejection,
)
from app.services.funding import applications as service

router = APIRouter(prefix="/applications", tags=["funding"], route_class=TransactionalRoute)

_ACTION = problem_responses(NOT_FOUND) | changed()
NO_NOTE = ActionNote()  # the body of an action is optional


@router.get(
    "",
    operation_id="list_applications",
    summary="List applications (by default oldest first)",
    description="ICLD staff see all; others the applications of their partnerships.",
    response_model=ApplicationPage,
)
async def list_applications(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.SORTING)],
    partnership_id: Annotated[UUID | None, Query()] = None,
    status: Annotated[ApplicationStatus | None, Query()] = None,
    round_id: Annotated[UUID | None, Query()] = None,
) -> ApplicationPage | Response:
    views, cursor = await service.list_applications(
        session, principal, page, partnership_id, status, round_id
    )
    # the rows' values, serialised once (app/api/answers.py)
    items = [service.fields(v) for v in views]
    return answer_json(ApplicationPage, {"items": items, **asdict(cursor)})


@router.post(
    "",
    operation_id="create_application",
    summary="Start an application (a draft) for the Swedish party of a partnership",
    status_code=201,
    responses=created(),
)
async def create_application(
    session: SessionDep,
    principal: Writer,
    request: Request,
    response: Response,
    body: ApplicationCreate,
) -> ApplicationRead:
    view = await service.create_application(session, principal, body)
    response.headers["Location"] = location_of(
        request, "get_application", application_id=view.application.id
    )
    set_etag(response, view.application.version)
    return service.answer(view)


@router.get(
    "/{application_id}",
    operation_id="get_application",
    summary="Get an application",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
    response_model=ApplicationRead,
)
async def get_application(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    application_id: UUID,
) -> ApplicationRead | Response:
    view = await service.read_application(session, principal, application_id)
    if unchanged := conditional(request, response, etag_for(view.application.version)):
        return unchanged
    return answer_json(ApplicationRead, service.fields(view), headers=response.headers)


@router.patch(
    "/{application_id}",
    operation_id="update_application",
    summary="Change a draft application (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_application(
    session: SessionDep,
    principal: Writer,
    response: Response,
    application_id: UUID,
    body: Annotated[ApplicationUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> ApplicationRead:
    view = await service.update_application(session, principal, application_id, body, if_match)
    set_etag(response, view.application.version)
    return service.answer(view)


@router.get(
    "/{application_id}/events",
    operation_id="list_application_events",
    summary="The application's workflow: every step with who took it and when",
    responses=problem_responses(NOT_FOUND),
)
async def list_application_events(
    session: SessionDep, principal: Authenticated, application_id: UUID
) -> list[ApplicationEventRead]:
    events = await service.events_of(session, principal, application_id)
    return [ApplicationEventRead.model_validate(e) for e in events]


@router.post(
    "/{application_id}/submit",
    operation_id="submit_application",
    summary="Submit a draft (the applicant); every rule of a complete application is checked",
    responses=_ACTION,
)
async def submit_application(
    session: SessionDep,
    principal: Writer,
    response: Response,
    application_id: UUID,
    body: Annotated[ActionNote, Body()] = NO_NOTE,
) -> ApplicationRead:
    view = await service.submit(session, principal, application_id, body.note)
    set_etag(response, view.application.version)
    return service.answer(view)


@router.post(
    "/{application_id}/withdraw",
    operation_id="withdraw_application",
    summary="Withdraw an undecided application (the applicant)",
    responses=_ACTION,
)
async def withdraw_application(
    session: SessionDep,
    principal: Writer,
    response: Response,
    application_id: UUID,
    body: Annotated[ActionNote, Body()] = NO_NOTE,
) -> ApplicationRead:
    view = await service.withdraw(session, principal, application_id, body.note)
    set_etag(response, view.application.version)
    return service.answer(view)


@router.post(
    "/{application_id}/assess",
    operation_id="assess_application",
    summary="Take a submitted application up for assessment (programme officers)",
    responses=_ACTION,
)
async def assess_application(
    session: SessionDep,
    principal: Staff,
    response: Response,
    application_id: UUID,
    body: Annotated[ActionNote, Body()] = NO_NOTE,
) -> ApplicationRead:
    view = await service.officer_action(
        session, principal, application_id, ApplicationAction.assess, body.note
    )
    set_etag(response, view.application.version)
    return service.answer(view)


@router.post(
    "/{application_id}/approve",
    operation_id="approve_application",
    summary="Approve an application under assessment (programme officers)",
    responses=_ACTION,
)
async def approve_application(
    session: SessionDep,
    principal: Staff,
    response: Response,
    application_id: UUID,
    body: Annotated[ActionNote, Body()] = NO_NOTE,
) -> ApplicationRead:
    view = await service.officer_action(
        session, principal, application_id, ApplicationAction.approve, body.note
    )
    set_etag(response, view.application.version)
    return service.answer(view)


@router.post(
    "/{application_id}/reject",
    operation_id="reject_application",
    summary="Reject an application under assessment, with a reason (programme officers)",
    responses=_ACTION,
)
async def reject_application(
    session: SessionDep, principal: Staff, response: Response, application_id: UUID, body: Rejection
) -> ApplicationRead:
    view = await service.officer_action(
        session, principal, application_id, ApplicationAction.reject, body.reason
    )
    set_etag(response, view.application.version)
    return service.answer(view)
