"""Networks, their members and their summary: request and response models."""

from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.core.errors import as_field_error
from app.core.i18n import Language
from app.core.paging import Page
from app.models.enums import NetworkMemberStatus, NetworkStatus
from app.rules.networks import SMALLEST_GROUP, check_network_period
from app.schemas.common import (
    IsoDate,
    MergePatch,
    NotBlank,
    RequestModel,
    ResponseModel,
)
from app.schemas.organisations import CountryCode
from app.schemas.texts import (
    MAIN_LANGUAGE_DESCRIPTION,
    READ_TRANSLATIONS_DESCRIPTION,
    SERVED_LANGUAGE_DESCRIPTION,
    TRANSLATIONS_DESCRIPTION,
    Localized,
    TitleAndDescription,
    TitleAndDescriptionChange,
    TitleAndDescriptionRead,
    Translatable,
)

Title = Annotated[str, NotBlank(300)]
Theme = Annotated[str, NotBlank(100)]


class NetworkFields(Translatable):
    title: Title
    theme: Theme
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    translations: dict[Language, TitleAndDescription] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )
    country_codes: list[CountryCode] = Field(min_length=1, max_length=30)
    starts: IsoDate
    ends: IsoDate
    coordinator_id: UUID | None = Field(default=None, description="The coordinating organisation.")
    status: NetworkStatus = NetworkStatus.planned

    @model_validator(mode="after")
    def _period(self) -> Self:
        with as_field_error("ends"):
            check_network_period(self.starts, self.ends)
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


class NetworkUpdate(MergePatch):
    """A JSON merge patch."""

    patches = NetworkFields
    deep = frozenset({"translations"})

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "closed"}]})

    title: Title | None = None
    theme: Theme | None = None
    description: Annotated[str, StringConstraints(max_length=10_000)] | None = None
    language: Language | None = Field(default=None, description=MAIN_LANGUAGE_DESCRIPTION)
    translations: dict[Language, TitleAndDescriptionChange | None] | None = Field(
        default=None, description=TRANSLATIONS_DESCRIPTION
    )
    country_codes: list[CountryCode] | None = Field(default=None, min_length=1, max_length=30)
    starts: IsoDate | None = None
    ends: IsoDate | None = None
    coordinator_id: UUID | None = None
    status: NetworkStatus | None = None


class NetworkRead(Localized):
    id: UUID
    title: str
    theme: str
    description: str | None
    translations: dict[Language, TitleAndDescriptionRead] = Field(
        description=READ_TRANSLATIONS_DESCRIPTION
    )
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
    joined_on: IsoDate
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


class NetworkMemberUpdate(MergePatch):
    """A JSON merge patch: a member's status or join date."""

    patches = NetworkMemberFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "active"}]})

    joined_on: IsoDate | None = None
    status: NetworkMemberStatus | None = None


class NetworkMemberRead(ResponseModel):
    id: UUID
    network_id: UUID
    organisation_id: UUID
    joined_on: date
    status: NetworkMemberStatus
    created_at: datetime
    updated_at: datetime


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
        f"Null outside ICLD when a country has fewer than {SMALLEST_GROUP} people taking part."
    )
    by_gender: dict[str, int] | None = Field(
        description="By recorded gender, sorted by gender. Null outside ICLD when a gender has "
        f"fewer than {SMALLEST_GROUP} people taking part."
    )


class NetworkSummary(ResponseModel):
    network_id: UUID
    title: str
    served_language: Language = Field(description=SERVED_LANGUAGE_DESCRIPTION)
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
