"""Partnerships: request and response models."""

from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal
from uuid import UUID

from pydantic import MISSING, BaseModel, ConfigDict, Field, StringConstraints, computed_field

from app.core.i18n import Language
from app.core.paging import Page
from app.models.enums import PartnershipStatus, Principle
from app.schemas.common import IsoDate, MergePatch, NotBlank
from app.schemas.networks.networks import NetworkRead
from app.schemas.organisations import OrganisationRead
from app.schemas.partnerships.compliance import ComplianceBrief
from app.schemas.partnerships.meetings import MeetingRead
from app.schemas.partnerships.members import Side
from app.schemas.partnerships.phases import PhaseRead
from app.schemas.texts import (
    MAIN_LANGUAGE_DESCRIPTION,
    READ_TRANSLATIONS_DESCRIPTION,
    TRANSLATIONS_DESCRIPTION,
    Localized,
    TitleAndDescription,
    TitleAndDescriptionChange,
    TitleAndDescriptionRead,
    Translatable,
)

Theme = Annotated[str, NotBlank(100)]
Title = Annotated[str, NotBlank(300)]
Text = Annotated[str, StringConstraints(max_length=10_000)]


class PartnershipFields(Translatable):
    title: Title
    description: Text | None = None
    translations: dict[Language, TitleAndDescription] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )
    local_challenge: Text | None = Field(default=None, description="The local challenge it meets.")
    themes: list[Theme] = Field(default_factory=list, max_length=20)
    principles: list[Principle] = Field(
        min_length=1, max_length=4, description="The democratic principles it works on."
    )


class PartnershipCreate(PartnershipFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": "Karlstad - Makueni: breaking gender-typical choices",
                    "local_challenge": "Gender-typical choices of studies and work",
                    "themes": ["education", "gender equality"],
                    "principles": ["equality_non_discrimination", "participation"],
                    "swedish_party_id": "5f4a3c3c-6a53-5a59-9d5b-1a8a8f0e7c11",
                    "partner_ids": ["0b7f5c62-92a4-4c6e-8f1e-3e0c9f0f2a22"],
                    "applied_on": "2019-10-15",
                }
            ]
        }
    )

    swedish_party_id: UUID = Field(description="The Swedish municipality or region (grant holder).")
    partner_ids: list[UUID] = Field(
        min_length=1, max_length=10, description="Partner-side local governments (one or more)."
    )
    third_party_id: UUID | None = Field(
        default=None, description="An optional third party from an EU member state."
    )
    applied_on: IsoDate = Field(description="When it was applied for; eligibility is judged then.")
    network_id: UUID | None = Field(
        default=None, description="The network it belongs to or grew from, if any."
    )


class PartnershipUpdate(MergePatch):
    """A JSON merge patch of the descriptive fields (parties and status do not change here)."""

    patches = PartnershipFields
    deep = frozenset({"translations"})

    model_config = ConfigDict(json_schema_extra={"examples": [{"themes": ["gender equality"]}]})

    title: Title | None = None
    description: Text | None = None
    language: Language | None = Field(default=None, description=MAIN_LANGUAGE_DESCRIPTION)
    translations: dict[Language, TitleAndDescriptionChange | None] | None = Field(
        default=None, description=TRANSLATIONS_DESCRIPTION
    )
    local_challenge: Text | None = None
    themes: list[Theme] | None = Field(default=None, max_length=20)
    principles: list[Principle] | None = Field(default=None, min_length=1, max_length=4)
    network_id: UUID | None = None


class PartnershipExpand(StrEnum):
    """What `expand` embeds in a partnership (docs/front-ends.md)."""

    parties = "parties"
    current_phase = "current_phase"
    next_meeting = "next_meeting"
    compliance = "compliance"
    network = "network"


class PartyRead(OrganisationRead):
    """A party: the organisation as `GET /organisations/{id}` answers it, and its side."""

    side: Side = Field(description="Which side of the partnership it is on.")


class CurrentPhase(PhaseRead):
    """The phase a partnership is in: the active one, else the next planned, else the last."""

    starts: date = Field(description="The day it started, or is planned to.")
    ends: date = Field(description="The day it ended, or is planned to.")


class PartnershipOrigin(BaseModel):
    """The two declarations of interest a partnership was made from (docs/partner-search.md)."""

    swedish_interest_id: UUID
    partner_interest_id: UUID


class PartnershipRead(Localized):
    id: UUID
    title: str
    description: str | None
    translations: dict[Language, TitleAndDescriptionRead] = Field(
        description=READ_TRANSLATIONS_DESCRIPTION
    )
    local_challenge: str | None
    themes: list[str]
    principles: list[Principle]
    swedish_party_id: UUID
    partner_ids: list[UUID]
    third_party_id: UUID | None
    applied_on: date
    network_id: UUID | None
    status: PartnershipStatus = Field(description="Changed by the phases' actions only.")
    published_at: datetime | None = Field(description="Set while its public summary is shown.")
    origin: PartnershipOrigin | None = Field(
        description="The match it was made from, if it was (never changes)."
    )
    created_at: datetime
    updated_at: datetime
    # Present only when asked for with `expand` (docs/front-ends.md, "Expanding related objects").
    parties: list[PartyRead] | MISSING = Field(
        default=MISSING,
        description="`expand=parties`: the Swedish party, the partners (by id), then the third "
        "party, each with its side.",
    )
    current_phase: CurrentPhase | MISSING | None = Field(
        default=MISSING,
        description="`expand=current_phase`: the phase it is in; null when it has none.",
    )
    next_meeting: MeetingRead | MISSING | None = Field(
        default=MISSING,
        description="`expand=next_meeting`: the first planned meeting that has not ended by "
        "today; null when none is planned.",
    )
    compliance: ComplianceBrief | MISSING = Field(
        default=MISSING, description="`expand=compliance`: the programme's rules today, in brief."
    )
    network: NetworkRead | MISSING | None = Field(
        default=MISSING, description="`expand=network`: its network; null when it has none."
    )

    @computed_field(  # type: ignore[prop-decorator]
        description="bilateral, trilateral (an EU third party) or multilateral (several partners)"
    )
    @property
    def form(self) -> Literal["bilateral", "trilateral", "multilateral"]:
        if len(self.partner_ids) > 1:
            return "multilateral"
        return "trilateral" if self.third_party_id else "bilateral"


class PartnershipPage(Page[PartnershipRead]):
    """One page of partnerships."""
