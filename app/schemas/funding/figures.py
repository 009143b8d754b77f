"""What the programme's figures look like: alerts for programme officers and the yearly
summary (docs/funding.md)."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from app.schemas.common import Money
from app.schemas.continuity import ContinuityAlert
from app.schemas.partnerships.compliance import OverdueReport


class EndingGrant(BaseModel):
    grant_id: UUID
    reference: str
    partnership_id: UUID
    partnership_title: str
    ends: date
    days_left: int


class FundingAlerts(BaseModel):
    on: date
    within_days: int
    overdue_reports: list[OverdueReport] = Field(description="Oldest due date first.")
    ending_soon: list[EndingGrant] = Field(
        description="Active grants ending within `within_days`, soonest first."
    )
    continuity_at_risk: list[ContinuityAlert] = Field(
        description="Partnerships whose steering group is at risk (`medium` or `high`) at an "
        "election within `within_days` not yet settled, soonest first (docs/continuity.md)."
    )


class SummaryRow(BaseModel):
    key: str
    grants: int = Field(description="Grants decided in the year.")
    decided: Money = Field(description="Their current amounts.")
    paid: Money = Field(description="Payments made in the year, on any grant of this key.")


class FundingSummary(BaseModel):
    """Each breakdown sums to the totals: a grant counts under one key of each."""

    year: int
    grants: int
    decided: Money
    paid: Money
    by_country: list[SummaryRow] = Field(
        description="The partner country (the first by code when there are several)."
    )
    by_region: list[SummaryRow] = Field(description="That country's funding region.")
    by_kind: list[SummaryRow] = Field(description="inception, project, extension.")
    by_theme: list[SummaryRow] = Field(description="The partnership's first theme.")
