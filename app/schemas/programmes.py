"""Training programmes and study visits: request and response models."""

from datetime import date, datetime
from typing import Annotated, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from app.core.errors import as_field_error
from app.core.paging import Page
from app.rules.programmes import (
    check_each_once,
    check_lead,
    check_one_source,
    check_programme_period,
)
from app.schemas.common import NO_CONTROL, IsoDate, MergePatch, RequestModel, ResponseModel
from app.schemas.organisations import CountryCode

Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=NO_CONTROL)
]
Topic = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_CONTROL)
]


class Segment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country_code: CountryCode
    weeks: int = Field(ge=1, le=52)


class ParticipantCountry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    country_code: CountryCode
    participants: int | None = Field(default=None, ge=1, le=1000, description="Null if unknown.")


class Implementer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    organisation_id: UUID
    role: Literal["lead", "partner"]


class ProgrammeFields(RequestModel):
    title: Text
    code: Annotated[str, StringConstraints(max_length=50, pattern=NO_CONTROL)] | None = None
    funder: Text
    starts: IsoDate
    ends: IsoDate
    segments: list[Segment] = Field(default_factory=list, max_length=20)
    participant_countries: list[ParticipantCountry] = Field(default_factory=list, max_length=60)

    @model_validator(mode="after")
    def _period(self) -> Self:
        with as_field_error("ends"):
            check_programme_period(self.starts, self.ends)
        return self

    @model_validator(mode="after")
    def _unique_countries(self) -> Self:
        with as_field_error("segments"):
            check_each_once("segments", [s.country_code for s in self.segments])
        with as_field_error("participant_countries"):
            check_each_once(
                "participant_countries", [p.country_code for p in self.participant_countries]
            )
        return self


class ProgrammeCreate(ProgrammeFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Social Protection for Sustainable Development",
                    "code": "ITP 322",
                    "funder": "Sida",
                    "starts": "2019-01-01",
                    "ends": "2020-12-31",
                    "implementers": [
                        {"organisation_id": "3f1f0b9c-8b0f-5f0e-9d5e-2b7d7c2f4a10", "role": "lead"}
                    ],
                    "segments": [
                        {"country_code": "SE", "weeks": 2},
                        {"country_code": "ZA", "weeks": 2},
                    ],
                    "participant_countries": [{"country_code": "KE"}],
                }
            ]
        }
    )

    implementers: list[Implementer] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _one_lead(self) -> Self:
        with as_field_error("implementers"):
            check_each_once("implementers", [i.organisation_id for i in self.implementers])
            check_lead(i.role for i in self.implementers)
        return self


class ProgrammeUpdate(MergePatch):
    """A JSON merge patch of the programme's own fields (implementers are set on creation)."""

    patches = ProgrammeFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"ends": "2021-06-30"}]})

    title: Text | None = None
    code: Annotated[str, StringConstraints(max_length=50, pattern=NO_CONTROL)] | None = None
    funder: Text | None = None
    starts: IsoDate | None = None
    ends: IsoDate | None = None
    segments: list[Segment] | None = Field(default=None, max_length=20)
    participant_countries: list[ParticipantCountry] | None = Field(default=None, max_length=60)


class ProgrammeRead(ResponseModel):
    id: UUID
    title: str
    code: str | None
    funder: str
    starts: date
    ends: date
    implementers: list[Implementer]
    segments: list[Segment]
    participant_countries: list[ParticipantCountry]
    created_at: datetime
    updated_at: datetime


class ProgrammePage(Page[ProgrammeRead]):
    """One page of training programmes."""


class StudyVisitFields(RequestModel):
    visit_on: IsoDate
    host_organisation_id: UUID
    programme_id: UUID | None = None
    partnership_id: UUID | None = None
    visiting_countries: list[CountryCode] = Field(default_factory=list, max_length=60)
    topics: list[Topic] = Field(default_factory=list, max_length=20)
    contact_ids: list[UUID] = Field(default_factory=list, max_length=20)
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        with as_field_error("partnership_id"):
            check_one_source(self.programme_id, self.partnership_id)
        return self


class StudyVisitCreate(StudyVisitFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "visit_on": "2019-09-24",
                    "host_organisation_id": "3f1f0b9c-8b0f-5f0e-9d5e-2b7d7c2f4a10",
                    "visiting_countries": ["ET", "KE", "TZ", "UG", "ZM"],
                    "topics": ["local job tracks", "newcomers", "youth unemployment"],
                }
            ]
        }
    )


class StudyVisitUpdate(MergePatch):
    """A JSON merge patch."""

    patches = StudyVisitFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"topics": ["adult education"]}]})

    visit_on: IsoDate | None = None
    host_organisation_id: UUID | None = None
    programme_id: UUID | None = None
    partnership_id: UUID | None = None
    visiting_countries: list[CountryCode] | None = Field(default=None, max_length=60)
    topics: list[Topic] | None = Field(default=None, max_length=20)
    contact_ids: list[UUID] | None = Field(default=None, max_length=20)
    description: Annotated[str, StringConstraints(max_length=4000)] | None = None


class StudyVisitRead(ResponseModel):
    id: UUID
    visit_on: date
    host_organisation_id: UUID
    programme_id: UUID | None
    partnership_id: UUID | None
    visiting_countries: list[str]
    topics: list[str]
    contact_ids: list[UUID]
    description: str | None
    created_at: datetime
    updated_at: datetime


class StudyVisitPage(Page[StudyVisitRead]):
    """One page of study visits."""
