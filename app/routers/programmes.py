"""International training programmes and study visits to host organisations."""

from dataclasses import asdict
from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Body, Query, Request, Response

from app.api.answers import answer_json
from app.api.auth import Authenticated, Staff
from app.api.deps import IfMatch, SessionDep
from app.api.etag import conditional, set_etag
from app.api.headers import changed, conditional_read, created
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import MERGE_PATCH, TransactionalRoute, location_of
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.core.versions import etag_for
from app.schemas.programmes import (
    Implementer,
    ProgrammeCreate,
    ProgrammePage,
    ProgrammeRead,
    ProgrammeUpdate,
    StudyVisitCreate,
    StudyVisitPage,
    StudyVisitRead,
    StudyVisitUpdate,
)
from app.services import programmes as service
from app.services.common import answer_fields

router = APIRouter(tags=["programmes"], route_class=TransactionalRoute)


def read(programme: service.ProgrammeRecord, implementers: list[Implementer]) -> ProgrammeRead:
    fields = answer_fields(programme, ProgrammeRead)
    return ProgrammeRead.model_validate({**fields, "implementers": implementers})


@router.get(
    "/training-programmes",
    operation_id="list_training_programmes",
    summary="List training programmes (by default by start)",
)
async def list_training_programmes(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.PROGRAMMES)],
) -> ProgrammePage:
    rows, implementers, cursor = await service.list_programmes(session, page)
    return ProgrammePage.of([read(p, implementers[p.id]) for p in rows], cursor)


@router.post(
    "/training-programmes",
    operation_id="create_training_programme",
    summary="Create a training programme",
    status_code=201,
    responses=created(),
)
async def create_training_programme(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    body: ProgrammeCreate,
) -> ProgrammeRead:
    programme = await service.create_programme(session, body)
    response.headers["Location"] = location_of(
        request, "get_training_programme", programme_id=programme.id
    )
    set_etag(response, programme.version)
    implementers = await service.implementers_of(session, [programme.id])
    return read(programme, implementers[programme.id])


@router.get(
    "/training-programmes/{programme_id}",
    operation_id="get_training_programme",
    summary="Get a training programme",
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_training_programme(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    programme_id: UUID,
) -> ProgrammeRead:
    programme = await service.read_programme(session, programme_id)
    if unchanged := conditional(request, response, etag_for(programme.version)):
        return unchanged  # type: ignore[return-value]
    return read(programme, service.implementers_in(programme))


@router.patch(
    "/training-programmes/{programme_id}",
    operation_id="update_training_programme",
    summary="Change a training programme (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_training_programme(
    session: SessionDep,
    principal: Staff,
    response: Response,
    programme_id: UUID,
    body: Annotated[ProgrammeUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> ProgrammeRead:
    programme = await service.update_programme(session, programme_id, body, if_match)
    set_etag(response, programme.version)
    implementers = await service.implementers_of(session, [programme.id])
    return read(programme, implementers[programme.id])


@router.get(
    "/study-visits",
    operation_id="list_study_visits",
    summary="List study visits (by default by date)",
    response_model=StudyVisitPage,
    description="Coordinators and viewers see the visits their organisations host, and those "
    "of their partnerships.",
)
async def list_study_visits(
    session: SessionDep,
    principal: Authenticated,
    page: Annotated[PageParams, listing(service.STUDY_VISITS)],
    host_organisation_id: Annotated[UUID | None, Query()] = None,
    programme_id: Annotated[UUID | None, Query()] = None,
) -> Response:
    rows, links = await service.list_study_visits(
        session, principal, page, host_organisation_id, programme_id
    )
    return answer_json(StudyVisitPage, {"items": rows, **asdict(links)})


@router.post(
    "/study-visits",
    operation_id="create_study_visit",
    summary="Record a study visit",
    status_code=201,
    responses=problem_responses(NOT_FOUND) | created(),
)
async def create_study_visit(
    session: SessionDep,
    principal: Staff,
    request: Request,
    response: Response,
    body: StudyVisitCreate,
) -> StudyVisitRead:
    visit = await service.create_study_visit(session, principal, body)
    response.headers["Location"] = location_of(request, "get_study_visit", visit_id=visit.id)
    set_etag(response, visit.version)
    return StudyVisitRead.model_validate(visit)


@router.get(
    "/study-visits/{visit_id}",
    operation_id="get_study_visit",
    summary="Get a study visit",
    response_model=StudyVisitRead,
    responses=problem_responses(NOT_FOUND) | conditional_read(),
)
async def get_study_visit(
    session: SessionDep,
    principal: Authenticated,
    request: Request,
    response: Response,
    visit_id: UUID,
) -> Response:
    visit = await service.read_study_visit(session, principal, visit_id)
    if unchanged := conditional(request, response, etag_for(visit["version"])):
        return unchanged
    return answer_json(StudyVisitRead, visit, headers=response.headers)


@router.patch(
    "/study-visits/{visit_id}",
    operation_id="update_study_visit",
    summary="Change a study visit (JSON merge patch)",
    responses=problem_responses(NOT_FOUND) | changed(),
)
async def update_study_visit(
    session: SessionDep,
    principal: Staff,
    response: Response,
    visit_id: UUID,
    body: Annotated[StudyVisitUpdate, Body(media_type=MERGE_PATCH)],
    if_match: IfMatch = None,
) -> StudyVisitRead:
    visit = await service.update_study_visit(session, principal, visit_id, body, if_match)
    set_etag(response, visit.version)
    return StudyVisitRead.model_validate(visit)


@router.delete(
    "/study-visits/{visit_id}",
    operation_id="delete_study_visit",
    summary="Delete a study visit",
    status_code=204,
    responses=problem_responses(NOT_FOUND),
)
async def delete_study_visit(
    session: SessionDep, principal: Staff, visit_id: UUID, if_match: IfMatch = None
) -> Response:
    await service.delete_study_visit(session, principal, visit_id, if_match)
    return Response(status_code=204)
