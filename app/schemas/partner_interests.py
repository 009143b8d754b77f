"""Declarations of interest and their matches: request and response models
(docs/partner-search.md)."""

from datetime import date, datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from app.core.paging import CursorPage, Page
from app.models.enums import (
    FundingRegion,
    OrganisationType,
    PartnerInterestSide,
    PartnerInterestStatus,
    PhaseKind,
    Principle,
)
from app.rules.partner_interests import EXPIRY_MONTHS, Signal
from app.schemas.common import IsoDate, MergePatch, NotBlank, RequestModel, ResponseModel
from app.schemas.organisations import CountryCode
from app.schemas.partnerships.partnerships import Text, Theme, Title

Challenge = Annotated[str, NotBlank(10_000)]

_EXAMPLE: dict[str, Any] = {
    "organisation_id": "5f4a3c3c-6a53-5a59-9d5b-1a8a8f0e7c11",
    "themes": ["gender equality", "local democracy"],
    "principles": ["equality_non_discrimination", "participation"],
    "local_challenge": "Few women stand for election to the municipal council.",
    "countries": ["GT", "CO"],
    "phase_kind": "inception",
    "earliest_start": "2025-09-01",
    "listed": True,
}


class PartnerInterestFields(RequestModel):
    themes: list[Theme] = Field(
        min_length=1, max_length=10, description="What it wants to work on, in its own words."
    )
    principles: list[Principle] = Field(
        min_length=1, max_length=4, description="The democratic principles it would work on."
    )
    local_challenge: Challenge = Field(description="The local challenge, in its own words.")
    countries: list[CountryCode] = Field(
        default_factory=list,
        max_length=20,
        description="A Swedish organisation: the partner countries it would work with (none: "
        "any). A partner-side organisation names none.",
    )
    funding_regions: list[FundingRegion] = Field(
        default_factory=list,
        max_length=4,
        description="A Swedish organisation: the regions it would work in (none: any).",
    )
    phase_kind: PhaseKind = Field(
        default=PhaseKind.inception, description="The phase it would start with."
    )
    earliest_start: IsoDate = Field(description="The first day it could start.")
    network_id: UUID | None = Field(default=None, description="The network it comes from.")
    listed: StrictBool = Field(
        default=False,
        description="Shown in the public directory (/api/v1/public/partner-interests) while "
        "open and not expired: the organisation, themes, principles, challenge, countries and "
        "dates; never people.",
    )


class PartnerInterestCreate(PartnerInterestFields):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE]})

    organisation_id: UUID = Field(description="The organisation that seeks a partner.")


class PartnerInterestUpdate(MergePatch):
    """A JSON merge patch of what it seeks (the organisation and the state change elsewhere)."""

    patches = PartnerInterestFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"countries": ["GT"]}]})

    themes: list[Theme] | None = Field(default=None, min_length=1, max_length=10)
    principles: list[Principle] | None = Field(default=None, min_length=1, max_length=4)
    local_challenge: Challenge | None = None
    countries: list[CountryCode] | None = Field(default=None, max_length=20)
    funding_regions: list[FundingRegion] | None = Field(default=None, max_length=4)
    phase_kind: PhaseKind | None = None
    earliest_start: IsoDate | None = None
    network_id: UUID | None = None
    listed: StrictBool | None = None


class PartnerInterestRead(ResponseModel):
    id: UUID
    organisation_id: UUID
    side: PartnerInterestSide = Field(description="swedish or partner: its organisation's.")
    themes: list[str]
    principles: list[Principle]
    local_challenge: str
    countries: list[str]
    funding_regions: list[FundingRegion]
    phase_kind: PhaseKind
    earliest_start: date
    network_id: UUID | None
    listed: bool
    status: PartnerInterestStatus
    expires_on: date = Field(
        description=f"{EXPIRY_MONTHS} months after it was made or last renewed. From the day "
        "after, it has expired: still open, but no candidate, not in the directory, and not "
        "matched until renewed."
    )
    created_at: datetime
    updated_at: datetime


class PartnerInterestPage(Page[PartnerInterestRead]):
    """One page of declarations of interest."""


class MatchedOrganisation(BaseModel):
    id: UUID
    name: str
    type: OrganisationType
    country_code: str
    population: int | None


class Reason(BaseModel):
    signal: Signal
    weight: int = Field(description="The points this signal gives (docs/partner-search.md).")
    detail: str


class PartnerInterestMatch(BaseModel):
    """A candidate declaration of the other side, with its score and the reasons for it."""

    interest: PartnerInterestRead
    organisation: MatchedOrganisation
    score: int = Field(description="The sum of the reasons' weights.")
    reasons: list[Reason]
    partnerships: list[UUID] = Field(
        description="Partnerships the two organisations are (or were) parties of together: "
        "flagged, not hidden."
    )


class PartnerInterestMatchPage(CursorPage[PartnerInterestMatch]):
    """One page of candidates, best first."""


class MatchToPartnership(RequestModel):
    """What the draft partnership takes besides the two declarations (all optional)."""

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"title": "Lessebo - San Juan: women in local politics"}]}
    )

    title: Title | None = Field(default=None, description="Default: the two organisations' names.")
    applied_on: IsoDate | None = Field(
        default=None, description="Default: today. Eligibility is judged on it."
    )
    description: Text | None = None


NO_CHOICES = MatchToPartnership()
