"""Meetings and visits of a partnership, and the compliance view computed from them."""

from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.models.enums import MeetingKind, MeetingStatus, PhaseKind, PhaseStatus
from app.rules.partnerships import MEETINGS_A_PROJECT_YEAR
from app.schemas.common import NO_CONTROL, RequestModel, ResponseModel
from app.schemas.funding.figures import OverdueReport

Place = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL)
]
Outcome = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]


class MeetingFields(RequestModel):
    kind: MeetingKind
    host_organisation_id: UUID = Field(description="The party that hosts it.")
    place: Place
    start_date: date
    end_date: date
    participant_ids: list[UUID] = Field(default_factory=list, max_length=200)
    status: MeetingStatus = MeetingStatus.planned
    outcome: Outcome | None = Field(default=None, description="A short outcome, once held.")

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError("end_date is before start_date")
        return self


class MeetingCreate(MeetingFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "visit",
                    "host_organisation_id": "5f4a3c3c-6a53-5a59-9d5b-1a8a8f0e7c11",
                    "place": "Karlstad",
                    "start_date": "2020-04-20",
                    "end_date": "2020-04-24",
                    "participant_ids": [],
                }
            ]
        }
    )


class MeetingUpdate(RequestModel):
    """A JSON merge patch; `status` goes from planned to held or cancelled."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "held", "outcome": "Letter of intent signed"}]}
    )

    kind: MeetingKind | None = None
    host_organisation_id: UUID | None = None
    place: Place | None = None
    start_date: date | None = None
    end_date: date | None = None
    participant_ids: list[UUID] | None = Field(default=None, max_length=200)
    status: MeetingStatus | None = None
    outcome: Outcome | None = None


class MeetingRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    kind: MeetingKind
    host_organisation_id: UUID
    host_side: Literal["swedish", "partner", "third_party"]
    place: str
    start_date: date
    end_date: date
    participant_ids: list[UUID]
    status: MeetingStatus
    outcome: str | None
    created_at: datetime
    updated_at: datetime


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


class ComplianceSummary(BaseModel):
    partnership_id: UUID
    title: str
    status: str
    warnings: list[Finding]
    steering_group_missing: list[str]
    letter_of_intent_signed: bool


class ComplianceSummaryPage(BaseModel):
    items: list[ComplianceSummary]
    next_cursor: str | None
