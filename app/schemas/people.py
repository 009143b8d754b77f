"""People: politicians and officials. Personal data: only the fields the programme needs."""

from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID

import phonenumbers
from pydantic import (
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from app.core.errors import as_field_error
from app.core.i18n import _
from app.core.paging import Page
from app.models.enums import PersonKind, PoliticalSide
from app.rules.reference import (
    check_official_has_no_mandate,
    check_official_has_no_party,
    check_political_side,
    official_party_field,
)
from app.schemas.access import AuditEventRead
from app.schemas.common import MergePatch, Name, RequestModel, ResponseModel, ShortName
from app.schemas.organisations import OrganisationRead

# What a phone number is sent as: international, digits with spaces, brackets, dots or dashes
# (which numbers exist is the numbering plan's, checked by phonenumbers).
PHONE_PATTERN = r"^\+[0-9][0-9 ()./-]*$"
Phone = Annotated[str, StringConstraints(pattern=PHONE_PATTERN, max_length=40)]


def normalise_phone(value: str) -> str:
    """An international number (starting with +), written E.164."""
    if not value.startswith("+"):
        raise ValueError(_("write the phone number internationally, e.g. +46 54 540 00 00"))
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException as exc:
        raise ValueError(_("not a valid phone number")) from exc
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("not a valid phone number"))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class PersonFields(RequestModel):
    organisation_id: UUID = Field(description="The organisation the person acts for.")
    kind: PersonKind
    given_name: ShortName
    family_name: ShortName
    title: Name | None = Field(default=None, description="Position, e.g. 'kommunalråd'.")
    party: ShortName | None = Field(default=None, description="Politicians only.")
    political_side: PoliticalSide | None = Field(
        default=None, description="Politicians only: in the ruling majority or the opposition."
    )
    email: EmailStr | None = None
    phone: Phone | None = Field(
        default=None, description="International format, e.g. +46545400000."
    )
    mandate_ends: date | None = Field(
        default=None,
        description="Politicians only: the last day of their current mandate. Without it the "
        "mandate ends at the next election of their organisation (docs/continuity.md).",
    )

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else normalise_phone(value)

    @model_validator(mode="after")
    def _politics(self) -> Self:
        with as_field_error("political_side"):
            check_political_side(self.kind, self.political_side)
        with as_field_error(official_party_field(self.party)):
            check_official_has_no_party(self.kind, self.party, self.political_side)
        with as_field_error("mandate_ends"):
            check_official_has_no_mandate(self.kind, self.mandate_ends)
        return self


class PersonCreate(PersonFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "organisation_id": "fa0d0c2e-5d0a-5e2b-9c6d-4c4b4d8e0b11",
                    "kind": "politician",
                    "given_name": "Alva",
                    "family_name": "Exempelsson",
                    "title": "Ordförande, gymnasie- och vuxenutbildningsnämnden",
                    "party": "M",
                    "political_side": "majority",
                    "email": "alva.exempelsson@example.org",
                }
            ]
        }
    )


class PersonUpdate(MergePatch):
    """A JSON merge patch (RFC 7396): send only what changes; null clears an optional field."""

    patches = PersonFields

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"title": "Kommunalråd", "phone": "+46701234567"}]}
    )

    organisation_id: UUID | None = None
    kind: PersonKind | None = None
    given_name: ShortName | None = None
    family_name: ShortName | None = None
    title: Name | None = None
    party: ShortName | None = None
    political_side: PoliticalSide | None = None
    email: EmailStr | None = None
    phone: Phone | None = None
    mandate_ends: date | None = None


class PersonRead(ResponseModel):
    """A person; `email` and `phone` are null for callers outside the person's organisation
    (only admins, programme officers and that organisation see them)."""

    id: UUID
    organisation_id: UUID
    kind: PersonKind
    given_name: str
    family_name: str
    title: str | None
    party: str | None
    political_side: PoliticalSide | None
    email: str | None
    phone: str | None
    mandate_ends: date | None = Field(description="Politicians only: their mandate's last day.")
    erased_at: datetime | None = Field(description="Set when the person was erased (GDPR).")
    created_at: datetime
    updated_at: datetime


class PersonPage(Page[PersonRead]):
    """One page of people."""


class PersonExport(ResponseModel):
    """Everything stored about one person (a data-subject access request)."""

    person: PersonRead
    organisation: OrganisationRead
    audit_events: list[AuditEventRead]
    exported_at: datetime
