"""The compliance view: a partnership's, and across the programme for ICLD's programme officers."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Query

from app.api.auth import Authenticated, Staff
from app.api.deps import SessionDep
from app.api.pagination import listing
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.models.enums import PartnershipStatus
from app.schemas.common import IsoDate
from app.schemas.partnerships.compliance import Compliance, ComplianceSummary, ComplianceSummaryPage
from app.services.partnerships import compliance as service
from app.services.partnerships import partnerships
from app.services.partnerships.partnerships import PartnershipFilters, list_partnerships

router = APIRouter(prefix="/compliance", tags=["partnerships"], route_class=TransactionalRoute)
# A partnership's own view, beside its meetings (app/main.py includes it after them).
partnership_router = APIRouter(
    prefix="/partnerships/{partnership_id}", tags=["partnerships"], route_class=TransactionalRoute
)

# Each partnership's view is computed in Python from its meetings, phases and teams: the page is
# kept small (the statements do not grow with it).
MAX_COMPLIANCE_PAGE = 25


@router.get(
    "",
    operation_id="list_compliance",
    summary="Every partnership's compliance summary (programme officers)",
    description="Sorted by title, then id, like the partnership list (and sorted as it is by "
    "`sort`); at most "
    f"{MAX_COMPLIANCE_PAGE} a page. `total` counts the partnerships before `with_warnings`.",
)
async def list_compliance(
    session: SessionDep,
    principal: Staff,
    page: Annotated[
        PageParams, listing(partnerships.SORTING, MAX_COMPLIANCE_PAGE, default_limit=10)
    ],
    status: Annotated[PartnershipStatus | None, Query()] = None,
    country: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2}$")] = None,
    with_warnings: Annotated[
        bool, Query(description="Only partnerships with warnings (on this page).")
    ] = False,
    as_of: Annotated[IsoDate | None, Query()] = None,
) -> ComplianceSummaryPage:
    day = as_of or service.default_day()
    rows, _, links = await list_partnerships(
        session, principal, PartnershipFilters(status=status, country=country), page
    )
    items = [
        ComplianceSummary(
            partnership_id=partnership.id,
            title=partnership.title,
            status=partnership.status,
            warnings=view.warnings,
            steering_group_missing=view.steering_group_missing,
            letter_of_intent_signed=view.letter_of_intent_signed,
        )
        for partnership, view in zip(
            rows, await service.compliance_of_each(session, rows, day), strict=True
        )
        if view.warnings or not with_warnings
    ]
    return ComplianceSummaryPage.of(items, links)


@partnership_router.get(
    "/compliance",
    operation_id="get_partnership_compliance",
    summary="The programme's rules per phase and project year: meetings, hosting, groups",
    responses=problem_responses(NOT_FOUND),
)
async def get_partnership_compliance(
    session: SessionDep,
    principal: Authenticated,
    partnership_id: UUID,
    as_of: Annotated[
        IsoDate | None, Query(description="Judge as on this day (default today).")
    ] = None,
) -> Compliance:
    day = as_of or service.default_day()
    return await service.compliance(session, principal, partnership_id, day)
