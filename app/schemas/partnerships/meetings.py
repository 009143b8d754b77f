"""Meetings and visits of a partnership, the actions of their life cycle and their history."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal, Self
from uuid import UUID

from pydantic import MISSING, ConfigDict, Field, StringConstraints, model_validator

from app.core.errors import as_field_error
from app.core.i18n import _
from app.core.paging import Page
from app.models.enums import MeetingAction, MeetingKind, MeetingStatus
from app.rules.partnerships import CHANGE_REASON_MAX_CHARS, check_change_reason
from app.schemas.common import (
    NO_CONTROL,
    NOT_BLANK,
    IsoDate,
    MergePatch,
    NotBlank,
    RequestModel,
    ResponseModel,
)
from app.schemas.organisations import OrganisationRead

Place = Annotated[str, NotBlank(200)]
Outcome = Annotated[str, StringConstraints(max_length=4000)]


class MeetingFields(RequestModel):
    kind: MeetingKind
    host_organisation_id: UUID = Field(description="The party that hosts it.")
    place: Place
    start_date: IsoDate
    end_date: IsoDate
    participant_ids: list[UUID] = Field(default_factory=list, max_length=200)
    status: MeetingStatus = MeetingStatus.planned
    outcome: Outcome | None = Field(default=None, description="A short outcome, once held.")

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError(_("end_date is before start_date"))
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


class MeetingUpdate(MergePatch):
    """A JSON merge patch of what does not move the meeting in anyone's calendar: its kind (while
    planned), place, participants and outcome; `status` `held` records a meeting that has started
    as held. A cancellation and a move are actions with their reason (`cancel`, `reschedule`)."""

    patches = MeetingFields

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"status": "held", "outcome": "Letter of intent signed"}]}
    )

    kind: MeetingKind | None = None
    host_organisation_id: UUID | None = None
    place: Place | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None
    participant_ids: list[UUID] | None = Field(default=None, max_length=200)
    status: MeetingStatus | None = None
    outcome: Outcome | None = None


class Cancellation(ResponseModel):
    reason: str
    cancelled_by: str
    cancelled_at: datetime


class MeetingExpand(StrEnum):
    """What `expand` embeds in a meeting (docs/front-ends.md)."""

    host = "host"


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
    sequence: int = Field(
        description="The iCalendar SEQUENCE of its event: 0 when planned, raised by one each time "
        "it is moved or cancelled."
    )
    cancellation: Cancellation | None = Field(
        description="Why, by whom and when it was cancelled; null unless cancelled (and for the "
        "meetings cancelled before reasons were kept)."
    )
    created_at: datetime
    updated_at: datetime
    host: OrganisationRead | MISSING = Field(
        default=MISSING, description="`expand=host`: the host organisation."
    )


Reason = Annotated[str, StringConstraints(pattern=NO_CONTROL)]


class ChangeReason(RequestModel):
    reason: Reason = Field(
        description=f"Why, in 1 to {CHANGE_REASON_MAX_CHARS} characters; kept in the history.",
        json_schema_extra={
            "minLength": 1,
            "maxLength": CHANGE_REASON_MAX_CHARS,
            "pattern": NOT_BLANK,
        },
    )

    @model_validator(mode="after")
    def _reason(self) -> Self:
        with as_field_error("reason"):
            check_change_reason(self.reason)
        return self


class CancelMeeting(ChangeReason):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"reason": "The partner municipality's council was dissolved by decree."}]
        }
    )


class RescheduleMeeting(ChangeReason):
    """Other dates and/or another host (a party) for a planned meeting; the place too, if it
    changes with them."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "start_date": "2027-05-10",
                    "end_date": "2027-05-14",
                    "reason": "Flooding in the region: the visit moves a month later.",
                }
            ]
        }
    )

    start_date: IsoDate
    end_date: IsoDate
    host_organisation_id: UUID | None = Field(
        default=None, description="The new host; unchanged when left out."
    )
    place: Place | None = Field(default=None, description="The new place; unchanged when left out.")

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.end_date < self.start_date:
            raise ValueError(_("end_date is before start_date"))
        return self


class HoldMeeting(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"outcome": "Letter of intent signed by both mayors"}]}
    )

    outcome: Outcome | None = Field(
        default=None, description="A short outcome; unchanged when left out."
    )


class MeetingChangeRead(ResponseModel):
    """A step in a meeting's history: who did what, when and why."""

    id: UUID
    meeting_id: UUID
    action: MeetingAction
    changed_by: str
    changed_at: datetime
    reason: str | None = Field(description="Why it was cancelled or moved; null otherwise.")
    sequence: int = Field(description="The meeting's calendar SEQUENCE after the change.")
    details: dict[str, Any] = Field(
        description="What changed: a move's `old_`/`new_` dates and host, the state it was "
        "created in, a held meeting's outcome."
    )


class MeetingChangePage(Page[MeetingChangeRead]):
    pass


class MeetingPage(Page[MeetingRead]):
    pass
