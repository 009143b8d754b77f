"""Elections: per country, or per organisation where its date differs (docs/continuity.md)."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import ConfigDict, Field

from app.core.paging import Page
from app.models.enums import ElectionLevel
from app.schemas.common import MergePatch, NotBlank, RequestModel, ResponseModel
from app.schemas.organisations import CountryCode

Source = Annotated[str, NotBlank(500)]


class ElectionFields(RequestModel):
    country_code: CountryCode = Field(description="ISO 3166-1 alpha-2 code of its country.")
    organisation_id: UUID | None = Field(
        default=None,
        description="Only this organisation's election, where its date differs from its "
        "country's (it replaces the country's of its level for it). Null: country-wide.",
    )
    level: ElectionLevel
    held_on: date = Field(description="Election day.")
    source: Source = Field(description="Where the date comes from: a law, an electoral body.")


class ElectionCreate(ElectionFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "country_code": "KE",
                    "level": "regional",
                    "held_on": "2027-08-10",
                    "source": "Constitution of Kenya 2010, art. 101(1) and 177(1)(a)",
                }
            ]
        }
    )


class ElectionUpdate(MergePatch):
    """A JSON merge patch (RFC 7396): send only what changes; null clears an optional field."""

    patches = ElectionFields

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"held_on": "2027-08-10", "source": "IEBC notice"}]}
    )

    country_code: CountryCode | None = None
    organisation_id: UUID | None = None
    level: ElectionLevel | None = None
    held_on: date | None = None
    source: Source | None = None


class ElectionRead(ResponseModel):
    id: UUID
    country_code: str
    organisation_id: UUID | None
    level: ElectionLevel
    held_on: date
    source: str
    generated: bool = Field(
        description="Made by a fixed rule (Sweden's, docs/continuity.md): read-only."
    )
    created_at: datetime
    updated_at: datetime


class ElectionPage(Page[ElectionRead]):
    """One page of elections."""
