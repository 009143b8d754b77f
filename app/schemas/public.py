"""Public summaries of published partnerships: what anyone may read, with no personal data."""

from datetime import date, datetime
from uuid import UUID

from pydantic import BaseModel, Field

from app.core.i18n import Language
from app.core.paging import Page
from app.models.enums import (
    FundingRegion,
    NetworkMemberStatus,
    NetworkStatus,
    PartnerInterestSide,
    PartnershipStatus,
    PhaseKind,
    PhaseStatus,
    Principle,
)
from app.schemas.texts import SERVED_LANGUAGE_DESCRIPTION


class PublicParty(BaseModel):
    id: UUID
    name: str
    country_code: str


class PublicPhase(BaseModel):
    kind: PhaseKind
    status: PhaseStatus
    starts: date
    ends: date


class PublicPartnership(BaseModel):
    """A published partnership: its parties, aims and phases; never its people."""

    id: UUID
    title: str
    description: str | None
    served_language: Language = Field(description=SERVED_LANGUAGE_DESCRIPTION)
    local_challenge: str | None
    themes: list[str]
    principles: list[Principle]
    status: PartnershipStatus
    swedish_party: PublicParty
    partners: list[PublicParty]
    third_party: PublicParty | None
    phases: list[PublicPhase]
    published_at: datetime = Field(description="When ICLD published it.")


class PublicPartnershipPage(Page[PublicPartnership]):
    """One page of published partnerships."""


class PublicMember(PublicParty):
    status: NetworkMemberStatus


class PublicWorkshop(BaseModel):
    id: UUID
    title: str
    served_language: Language = Field(description=SERVED_LANGUAGE_DESCRIPTION)
    host: PublicParty
    country_code: str
    city: str
    starts: date
    ends: date
    topics: list[str]
    status: str
    outcome: str | None


class PublicNetwork(BaseModel):
    """An announced network: its members and workshops; never people, never participants."""

    id: UUID
    title: str
    theme: str
    description: str | None
    served_language: Language = Field(description=SERVED_LANGUAGE_DESCRIPTION)
    country_codes: list[str]
    starts: date
    ends: date
    status: NetworkStatus
    coordinator: PublicParty | None
    members: list[PublicMember] = Field(description="Members that have not left.")
    workshops: list[PublicWorkshop] = Field(description="Workshops not cancelled, by start.")
    partnerships: int = Field(
        description="How many published partnerships belong to the network or grew out of it."
    )


class PublicNetworkPage(Page[PublicNetwork]):
    """One page of announced networks."""


class PublicPartnerInterest(BaseModel):
    """An open declaration of interest its organisation chose to list: what it seeks, never
    people nor contact details."""

    id: UUID
    organisation: PublicParty
    side: PartnerInterestSide
    themes: list[str]
    principles: list[Principle]
    local_challenge: str
    countries: list[str]
    funding_regions: list[FundingRegion]
    phase_kind: PhaseKind
    earliest_start: date
    network_id: UUID | None
    expires_on: date
    created_at: datetime


class PublicPartnerInterestPage(Page[PublicPartnerInterest]):
    """One page of listed declarations of interest."""
