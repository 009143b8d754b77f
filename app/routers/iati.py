"""IATI 2.03 activity files of the programme's grants: public, as IATI data is published."""

import re
from uuid import UUID

from fastapi import APIRouter, Request, Response

from app.api.auth import OPTIONAL_AUTH, PublicCaller
from app.api.deps import SessionDep
from app.api.etag import conditional, content_etag
from app.api.headers import conditional_read
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_CONFIGURED, NOT_FOUND
from app.exports import iati_activities

router = APIRouter(prefix="/iati", tags=["public"], route_class=TransactionalRoute)

_XML = conditional_read(
    content={"application/xml": {"schema": {"type": "string"}}},
    description="IATI 2.03 activities, valid against the official schema (checked before each "
    "answer) and made to pass IATI's Standard ruleset (tested)",
)


_GENERATED = re.compile(rb' generated-datetime="[^"]*"')


def _xml(request: Request, body: bytes) -> Response:
    response = Response(body, media_type="application/xml")
    # generated-datetime changes every time: the ETag is of the activities, not of that stamp
    stable = _GENERATED.sub(b"", body, count=1)
    return conditional(request, response, content_etag(stable.decode())) or response


@router.get(
    "/activities.xml",
    operation_id="get_iati_activities",
    summary="Every partnership with a grant, and its grants, as IATI 2.03 activities",
    description="Hierarchy 1: the partnership; 2: each grant, with its budgets per project year, "
    "commitments (decisions and amendments) and reimbursements. No personal data. Before "
    "anything is published the document is an empty `iati-activities` root (200, never 404), "
    "so that the IATI Registry's fetch does not fail.",
    openapi_extra=OPTIONAL_AUTH,
    response_class=Response,
    responses=problem_responses(NOT_CONFIGURED) | _XML,
)
async def get_iati_activities(
    session: SessionDep, principal: PublicCaller, request: Request
) -> Response:
    return _xml(request, await iati_activities.activities(session, request.app.state.settings))


@router.get(
    "/partnerships/{partnership_id}.xml",
    operation_id="get_iati_partnership",
    summary="One partnership and its grants as IATI 2.03 activities",
    openapi_extra=OPTIONAL_AUTH,
    response_class=Response,
    responses=problem_responses(NOT_FOUND, NOT_CONFIGURED) | _XML,
)
async def get_iati_partnership(
    session: SessionDep, principal: PublicCaller, request: Request, partnership_id: UUID
) -> Response:
    settings = request.app.state.settings
    return _xml(request, await iati_activities.activities(session, settings, partnership_id))
