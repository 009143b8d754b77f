"""The continuity view (docs/continuity.md): a partnership's, and across the programme for
ICLD's programme officers."""

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Query

from app.api.auth import Authenticated, Staff
from app.api.deps import SessionDep
from app.api.pagination import paging
from app.api.problems import problem_responses
from app.api.routing import TransactionalRoute
from app.clock import today
from app.core.errors import NOT_FOUND
from app.core.paging import PageParams
from app.models.enums import ContinuityRisk
from app.rules.continuity import WINDOW_DAYS
from app.schemas.common import IsoDate
from app.schemas.continuity import Continuity, ContinuitySummaryPage
from app.services import continuity as service

router = APIRouter(prefix="/continuity", tags=["continuity"], route_class=TransactionalRoute)
# A partnership's own view, beside its compliance (app/main.py includes it after it).
partnership_router = APIRouter(
    prefix="/partnerships/{partnership_id}", tags=["continuity"], route_class=TransactionalRoute
)

# Each partnership's view is computed in Python from its phases, members and elections: the page
# is kept small (the statements do not grow with it).
MAX_CONTINUITY_PAGE = 25

AsOf = Annotated[IsoDate | None, Query(description="Judge as on this day (default today).")]
WithinDays = Annotated[
    int,
    Query(ge=1, le=3650, description="The window: elections held by as_of + within_days."),
]


@router.get(
    "",
    operation_id="list_continuity",
    summary="Partnerships facing an election in the window, with their risk (programme officers)",
    description="Those with an election of a Swedish or partner-side party inside one of their "
    "phases, held from `as_of` less the re-confirmation days through `as_of + within_days`. "
    "Sorted by country (the first partner country by code), title, then id; at most "
    f"{MAX_CONTINUITY_PAGE} a page, paged forward only (each risk is judged in Python, not in "
    "the query). `min_risk` filters each page as it is judged: a page may hold fewer items than "
    "`limit`, even none, and still have a `next_cursor`; page on until it is null.",
)
async def list_continuity(
    session: SessionDep,
    principal: Staff,
    page: Annotated[PageParams, Depends(paging(MAX_CONTINUITY_PAGE, default_limit=10))],
    country: Annotated[
        str | None, Query(pattern=r"^[A-Za-z]{2}$", description="The first partner country.")
    ] = None,
    min_risk: Annotated[
        ContinuityRisk | None,
        Query(description="Only partnerships at this risk or above (on this page)."),
    ] = None,
    as_of: AsOf = None,
    within_days: WithinDays = WINDOW_DAYS,
) -> ContinuitySummaryPage:
    items, cursor = await service.list_continuity(
        session,
        principal,
        as_of or today(),
        within_days,
        service.ContinuityFilters(country=country, min_risk=min_risk),
        page,
    )
    return ContinuitySummaryPage(items=items, next_cursor=cursor)


@partnership_router.get(
    "/continuity",
    operation_id="get_partnership_continuity",
    summary="The elections inside each phase, whose mandates end there, and the risk to the "
    "steering group",
    responses=problem_responses(NOT_FOUND),
)
async def get_partnership_continuity(
    session: SessionDep,
    principal: Authenticated,
    partnership_id: UUID,
    as_of: AsOf = None,
    within_days: WithinDays = WINDOW_DAYS,
) -> Continuity:
    return await service.continuity(
        session, principal, partnership_id, as_of or today(), within_days
    )
