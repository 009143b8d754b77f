"""The programme's funding figures for ICLD's programme officers and finance office: alerts,
the yearly summary, and CSV exports (docs/funding.md)."""

from typing import Annotated

from fastapi import APIRouter, Query, Response

from app.api.auth import Staff
from app.api.deps import SessionDep
from app.api.headers import Responses, header
from app.api.routing import TransactionalRoute
from app.clock import today
from app.exports import funding_csv
from app.schemas.common import IsoDate
from app.schemas.funding.figures import FundingAlerts, FundingSummary
from app.services import continuity
from app.services.funding import figures as service

router = APIRouter(prefix="/funding", tags=["funding"], route_class=TransactionalRoute)

_CSV: Responses = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "CSV",
        "headers": {
            "Content-Disposition": header(
                "`attachment`, with the file's name.", {"type": "string"}, required=True
            )
        },
    },
}
Year = Annotated[int, Query(ge=1990, le=2100, description="A calendar year.", examples=[2023])]
AnyYear = Annotated[
    int | None, Query(ge=1990, le=2100, description="Only this year; all when left out.")
]
DialectQuery = Annotated[
    funding_csv.Dialect,
    Query(
        description="`rfc4180`: commas and decimal points; `excel-sv`: semicolons and decimal "
        "commas, as a Swedish spreadsheet opens them."
    ),
]


def _csv(body: str, name: str) -> Response:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get(
    "/alerts",
    operation_id="get_funding_alerts",
    summary="Overdue reports, grants near their end, and partnerships whose steering group is "
    "at risk at an election (programme officers)",
)
async def get_funding_alerts(
    session: SessionDep,
    principal: Staff,
    on: Annotated[IsoDate | None, Query(description="The day judged (default: today).")] = None,
    within_days: Annotated[int, Query(ge=1, le=730)] = 90,
) -> FundingAlerts:
    day = on or today()
    return FundingAlerts(
        on=day,
        within_days=within_days,
        overdue_reports=await service.overdue_reports(session, day),
        ending_soon=await service.ending_soon(session, day, within_days),
        continuity_at_risk=await continuity.continuity_at_risk(session, day, within_days),
    )


@router.get(
    "/summary",
    operation_id="get_funding_summary",
    summary="A year's grants and payments by partner country, region, kind and theme",
)
async def get_funding_summary(session: SessionDep, principal: Staff, year: Year) -> FundingSummary:
    return await service.summary(session, year)


@router.get(
    "/summary.csv",
    operation_id="get_funding_summary_csv",
    summary="The year's summary as CSV (finance office)",
    response_class=Response,
    responses=_CSV,
)
async def get_funding_summary_csv(
    session: SessionDep, principal: Staff, year: Year, dialect: DialectQuery = "rfc4180"
) -> Response:
    figures = await service.summary(session, year)
    return _csv(funding_csv.summary_csv(figures, dialect), f"funding-summary-{year}.csv")


@router.get(
    "/grants.csv",
    operation_id="get_grants_csv",
    summary="Grants with original, current, paid and remaining amounts, as CSV",
    response_class=Response,
    responses=_CSV,
)
async def get_grants_csv(
    session: SessionDep, principal: Staff, year: AnyYear = None, dialect: DialectQuery = "rfc4180"
) -> Response:
    body = funding_csv.grants_csv(await service.grant_figures(session, year), dialect)
    return _csv(body, f"grants-{year or 'all'}.csv")


@router.get(
    "/payments.csv",
    operation_id="get_payments_csv",
    summary="Payments with their grants and reports, as CSV",
    response_class=Response,
    responses=_CSV,
)
async def get_payments_csv(
    session: SessionDep, principal: Staff, year: AnyYear = None, dialect: DialectQuery = "rfc4180"
) -> Response:
    body = funding_csv.payments_csv(await service.payment_figures(session, year), dialect)
    return _csv(body, f"payments-{year or 'all'}.csv")
