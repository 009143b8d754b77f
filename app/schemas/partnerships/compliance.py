"""The compliance view: the programme's rules per phase and project year, and the programme-wide
summaries of it."""

from datetime import date
from uuid import UUID

from pydantic import BaseModel, Field

from app.core.paging import Page
from app.models.enums import PhaseKind, PhaseStatus, ReportKind
from app.rules.partnerships import MEETINGS_A_PROJECT_YEAR


class ProjectYear(BaseModel):
    year: int = Field(description="1 for the first year of the phase, and so on.")
    starts: date
    ends: date
    planned: int = Field(description="Meetings planned or held in the year (not cancelled).")
    held: int
    cancelled: int
    paused_days: int = Field(description="Days of the year within a postponement's pause.")
    minimum: int = Field(
        description=f"{MEETINGS_A_PROJECT_YEAR}, or 0 for a year paused more than half its length."
    )
    planned_ok: bool = Field(description="The plan holds the minimum.")
    held_ok: bool | None = Field(description="Enough were held; null until the year has ended.")


class Hosting(BaseModel):
    planned: int = Field(description="Visits hosted, planned or held.")
    held: int


class PhaseCompliance(BaseModel):
    phase_id: UUID
    kind: PhaseKind
    status: PhaseStatus
    starts: date
    ends: date
    years: list[ProjectYear] = Field(description="Project phases only.")
    hosting: dict[str, Hosting] = Field(
        description="Visits hosted by the Swedish and partner side."
    )
    reciprocal_hosting_planned: bool
    reciprocal_hosting_held: bool | None = Field(description="Null until the phase has ended.")


class OverdueReport(BaseModel):
    grant_id: UUID
    reference: str
    partnership_id: UUID
    partnership_title: str
    kind: ReportKind
    year: int
    due_on: date
    days_overdue: int


class Finding(BaseModel):
    code: str = Field(description="The rule, as in GET /problems.")
    message: str


class Compliance(BaseModel):
    partnership_id: UUID
    as_of: date
    phases: list[PhaseCompliance]
    letter_of_intent_signed: bool = Field(
        description="A letter of intent is on file, signed by both sides."
    )
    steering_group_missing: list[str] = Field(
        description="What the steering group lacks today (empty when complete)."
    )
    overdue_reports: list[OverdueReport] = Field(
        description="Reports of the partnership's grants due before as_of and not filed."
    )
    warnings: list[Finding]


class ComplianceBrief(BaseModel):
    """A partnership's compliance today in brief (the whole view: its `/compliance`)."""

    as_of: date
    met: bool = Field(description="True when the view has no warning.")
    warnings: list[Finding] = Field(description="As the whole view lists them.")


class ComplianceSummary(BaseModel):
    partnership_id: UUID
    title: str
    status: str
    warnings: list[Finding]
    steering_group_missing: list[str]
    letter_of_intent_signed: bool


class ComplianceSummaryPage(Page[ComplianceSummary]):
    pass
