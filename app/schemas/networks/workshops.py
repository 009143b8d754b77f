"""Workshops of networks (or on their own) and their participants: request and response
models."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Self
from uuid import UUID

from pydantic import MISSING, ConfigDict, Field, StringConstraints, model_validator

from app.core.errors import as_field_error
from app.core.i18n import Language
from app.core.paging import Page
from app.models.enums import ParticipantGender, WorkshopStatus
from app.rules.networks import PARTICIPANTS_PER_ORGANISATION, check_workshop_period
from app.schemas.common import IsoDate, MergePatch, RequestModel
from app.schemas.networks.networks import NetworkRead, Theme, Title
from app.schemas.organisations import CountryCode
from app.schemas.texts import (
    MAIN_LANGUAGE_DESCRIPTION,
    READ_TRANSLATIONS_DESCRIPTION,
    TRANSLATIONS_DESCRIPTION,
    Localized,
    TitleOnly,
    TitleOnlyChange,
    TitleRead,
    Translatable,
)


class WorkshopFields(Translatable):
    network_id: UUID | None = Field(default=None, description="Null for a workshop on its own.")
    title: Title
    translations: dict[Language, TitleOnly] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )
    host_organisation_id: UUID
    country_code: CountryCode
    city: Title
    starts: IsoDate
    ends: IsoDate
    topics: list[Theme] = Field(default_factory=list, max_length=20)
    organisation_ids: list[UUID] = Field(
        default_factory=list, max_length=100, description="The organisations taking part."
    )
    participants_per_organisation: int = Field(default=PARTICIPANTS_PER_ORGANISATION, ge=1, le=50)
    paid_by: Title = "ICLD"
    status: WorkshopStatus = WorkshopStatus.planned
    outcome: Annotated[str, StringConstraints(max_length=4000)] | None = None

    @model_validator(mode="after")
    def _period(self) -> Self:
        with as_field_error("ends"):
            check_workshop_period(self.starts, self.ends)
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


class WorkshopUpdate(MergePatch):
    """A JSON merge patch."""

    patches = WorkshopFields
    deep = frozenset({"translations"})

    model_config = ConfigDict(json_schema_extra={"examples": [{"status": "held"}]})

    title: Title | None = None
    language: Language | None = Field(default=None, description=MAIN_LANGUAGE_DESCRIPTION)
    translations: dict[Language, TitleOnlyChange | None] | None = Field(
        default=None, description=TRANSLATIONS_DESCRIPTION
    )
    host_organisation_id: UUID | None = None
    country_code: CountryCode | None = None
    city: Title | None = None
    starts: IsoDate | None = None
    ends: IsoDate | None = None
    topics: list[Theme] | None = Field(default=None, max_length=20)
    organisation_ids: list[UUID] | None = Field(default=None, max_length=100)
    participants_per_organisation: int | None = Field(default=None, ge=1, le=50)
    paid_by: Title | None = None
    status: WorkshopStatus | None = None
    outcome: Annotated[str, StringConstraints(max_length=4000)] | None = None


class WorkshopExpand(StrEnum):
    """What `expand` embeds in a workshop (docs/front-ends.md)."""

    network = "network"


class WorkshopRead(Localized):
    texts = ("title",)

    id: UUID
    network_id: UUID | None
    title: str
    translations: dict[Language, TitleRead] = Field(description=READ_TRANSLATIONS_DESCRIPTION)
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
    network: NetworkRead | MISSING | None = Field(
        default=MISSING,
        description="`expand=network`: its network; null for a workshop on its own.",
    )


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
