"""Meetings and visits of a partnership."""

from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.models.enums import MeetingKind, MeetingStatus
from app.schemas.common import NO_CONTROL, RequestModel, ResponseModel

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
