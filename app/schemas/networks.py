"""Networks and their members: request and response models."""

from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.core.errors import rule_error
from app.core.paging import Page
from app.models.enums import NetworkMemberStatus, NetworkStatus, ParticipantGender, WorkshopStatus
from app.rules.networks import NETWORK_PERIOD, WORKSHOP_PERIOD
from app.schemas.common import NO_CONTROL, RequestModel, ResponseModel
from app.schemas.organisations import CountryCode

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300, pattern=NO_CONTROL)
]
Theme = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100, pattern=NO_CONTROL)
]


class NetworkFields(RequestModel):
    title: Title
    theme: Theme
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    country_codes: list[CountryCode] = Field(min_length=1, max_length=30)
    starts: date
    ends: date
    coordinator_id: UUID | None = Field(default=None, description="The coordinating organisation.")
    status: NetworkStatus = NetworkStatus.planned

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.ends < self.starts:
            raise rule_error(NETWORK_PERIOD, "ends is before starts", field="ends")
        self.country_codes = list(dict.fromkeys(self.country_codes))
        return self


class NetworkCreate(NetworkFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Network for gender equality",
                    "theme": "gender equality",
                    "country_codes": ["SE", "CO", "GT"],
                    "starts": "2024-01-01",
                    "ends": "2026-12-31",
                    "status": "active",
                }
            ]
        }
    )


class NetworkUpdate(RequestModel):
    """A JSON merge patch."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "closed"}]})

    title: Title | None = None
    theme: Theme | None = None
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    country_codes: list[CountryCode] | None = Field(default=None, min_length=1, max_length=30)
    starts: date | None = None
    ends: date | None = None
    coordinator_id: UUID | None = None
    status: NetworkStatus | None = None


class NetworkRead(ResponseModel):
    id: UUID
    title: str
    theme: str
    description: str | None
    country_codes: list[str]
    starts: date
    ends: date
    coordinator_id: UUID | None
    status: NetworkStatus
    created_at: datetime
    updated_at: datetime


class NetworkPage(Page[NetworkRead]):
    """One page of networks."""


class NetworkMemberFields(RequestModel):
    joined_on: date
    status: NetworkMemberStatus = NetworkMemberStatus.invited


class NetworkMemberCreate(NetworkMemberFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": "3f1f0b9c-8b0f-5f0e-9d5e-2b7d7c2f4a10",
                    "joined_on": "2024-01-15",
                    "status": "active",
                }
            ]
        }
    )

    organisation_id: UUID


class NetworkMemberUpdate(RequestModel):
    """A JSON merge patch: a member's status or join date."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "active"}]})

    joined_on: date | None = None
    status: NetworkMemberStatus | None = None


class NetworkMemberRead(ResponseModel):
    id: UUID
    network_id: UUID
    organisation_id: UUID
    joined_on: date
    status: NetworkMemberStatus
    created_at: datetime
    updated_at: datetime


class WorkshopFields(RequestModel):
    network_id: UUID | None = Field(default=None, description="Null for a workshop on its own.")
    title: Title
    host_organisation_id: UUID
    country_code: CountryCode
    city: Title
    starts: date
    ends: date
    topics: list[Theme] = Field(default_factory=list, max_length=20)
    organisation_ids: list[UUID] = Field(
        default_factory=list, max_length=100, description="The organisations taking part."
    )
    participants_per_organisation: int = Field(default=3, ge=1, le=50)
    paid_by: Title = "ICLD"
    status: WorkshopStatus = WorkshopStatus.planned
    outcome: Annotated[str, StringConstraints(max_length=4000)] | None = None

    @model_validator(mode="after")
    def _period(self) -> Self:
        if self.ends < self.starts:
            raise rule_error(WORKSHOP_PERIOD, "ends is before starts", field="ends")
        return self


class WorkshopCreate(WorkshopFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Local democracy and gender equality",
                    "host_organisation_id": "3f1f0b9c-8b0f-5f0e-9d5e-2b7d7c2f4a10",
                    "country_code": "GT",
                    "city": "Guatemala City",
                    "starts": "2024-06-03",
                    "ends": "2024-06-07",
                    "topics": ["gender equality", "local democracy"],
                }
            ]
        }
    )


class WorkshopUpdate(RequestModel):
    """A JSON merge patch."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "held"}]})

    title: Title | None = None
    host_organisation_id: UUID | None = None
    country_code: CountryCode | None = None
    city: Title | None = None
    starts: date | None = None
    ends: date | None = None
    topics: list[Theme] | None = Field(default=None, max_length=20)
    organisation_ids: list[UUID] | None = Field(default=None, max_length=100)
    participants_per_organisation: int | None = Field(default=None, ge=1, le=50)
    paid_by: Title | None = None
    status: WorkshopStatus | None = None
    outcome: Annotated[str, StringConstraints(max_length=4000)] | None = None


class WorkshopRead(ResponseModel):
    id: UUID
    network_id: UUID | None
    title: str
    host_organisation_id: UUID
    country_code: str
    city: str
    starts: date
    ends: date
    topics: list[str]
    organisation_ids: list[UUID]
    participants_per_organisation: int
    paid_by: str
    status: WorkshopStatus
    outcome: str | None
    created_at: datetime
    updated_at: datetime


class WorkshopPage(Page[WorkshopRead]):
    """One page of workshops."""


class Participation(RequestModel):
    person_id: UUID
    gender: ParticipantGender = Field(
        default=ParticipantGender.not_stated,
        description="For the network summary's aggregate figures only.",
    )


class WorkshopParticipants(RequestModel):
    """The people taking part (replaces the list); for ICLD's organisers only."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "participants": [
                        {"person_id": "8d3c1f0e-3b7a-4c55-9d4e-2f1a6b7c8d90", "gender": "woman"}
                    ]
                }
            ]
        }
    )

    participants: list[Participation] = Field(max_length=500)


class HeldWorkshop(ResponseModel):
    id: UUID
    title: str
    country_code: str
    city: str
    starts: date
    ends: date


class ParticipantFigures(ResponseModel):
    """Participations in held workshops, aggregated; never per person."""

    participations: int = Field(description="One per person and workshop.")
    people: int = Field(description="Distinct people.")
    by_country: dict[str, int] | None = Field(
        description="By the country of the participant's organisation, sorted by country. "
        "Null outside ICLD when a country has fewer than 5 people taking part."
    )
    by_gender: dict[str, int] | None = Field(
        description="By recorded gender, sorted by gender. Null outside ICLD when a gender has "
        "fewer than 5 people taking part."
    )


class NetworkSummary(ResponseModel):
    network_id: UUID
    title: str
    starts: date
    ends: date
    members_by_country: dict[str, int] = Field(
        description="Members that have not left, by country, sorted by country."
    )
    workshops_held: list[HeldWorkshop]
    participants: ParticipantFigures
    partnerships_by_status: dict[str, int] = Field(
        description="Partnerships that belong to the network or grew out of it, by status "
        "(a draft is an application in the making); only those the caller may read."
    )
