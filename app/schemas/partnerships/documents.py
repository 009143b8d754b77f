"""Documents of a partnership: letters of intent, decisions and reports, and their files."""

from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from app.core.errors import as_field_error
from app.core.paging import Page
from app.models.enums import DocumentKind
from app.rules.partnerships import SIGNATURE_FIELDS, check_signature
from app.schemas.common import (
    IsoDate,
    MergePatch,
    NotBlank,
    RequestModel,
    ResponseModel,
)

Title = Annotated[str, NotBlank(300)]


class DocumentFields(RequestModel):
    kind: DocumentKind
    title: Title
    swedish_signed_on: IsoDate | None = Field(
        default=None, description="Letters of intent only: the day the Swedish side signed."
    )
    partner_signed_on: IsoDate | None = Field(
        default=None, description="Letters of intent only: the day the partner side signed."
    )

    @model_validator(mode="after")
    def _signed_only_letter_of_intent(self) -> Self:
        for field in SIGNATURE_FIELDS:
            with as_field_error(field):
                check_signature(self.kind, field, getattr(self, field))
        return self


class DocumentCreate(DocumentFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "letter_of_intent",
                    "title": "Letter of intent Karlstad - Makueni County",
                    "swedish_signed_on": "2020-11-20",
                    "partner_signed_on": "2020-11-27",
                }
            ]
        }
    )


class DocumentUpdate(MergePatch):
    """A JSON merge patch; send `null` to clear a date."""

    patches = DocumentFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"partner_signed_on": "2020-11-30"}]})

    kind: DocumentKind | None = None
    title: Title | None = None
    swedish_signed_on: IsoDate | None = None
    partner_signed_on: IsoDate | None = None


class DocumentRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    kind: DocumentKind
    title: str
    swedish_signed_on: date | None
    partner_signed_on: date | None
    file_name: str | None = Field(description="Null until a file is uploaded.")
    content_type: str | None
    size_bytes: int | None
    sha256: str | None = Field(description="Hex digest of the file; also its download's ETag.")
    created_at: datetime
    updated_at: datetime


class DocumentPage(Page[DocumentRead]):
    pass
