"""Organisations: request and response models, and the rules that need only the payload."""

import re
from datetime import datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import (
    ConfigDict,
    Field,
    StringConstraints,
    computed_field,
    field_validator,
    model_validator,
)

from app.core.errors import as_field_error
from app.core.i18n import _
from app.core.paging import Page
from app.models.enums import ELIGIBLE_SWEDISH_APPLICANT_TYPES, OrganisationType
from app.rules.reference import SWEDEN, check_not_reference_type, check_org_number_swedish
from app.schemas.common import Code, MergePatch, Name, RequestModel, ResponseModel

CountryCode = Annotated[str, StringConstraints(to_upper=True, pattern=r"^[A-Za-z]{2}$")]
Population = Annotated[int, Field(gt=0, le=100_000_000)]
_ORG_NUMBER = re.compile(r"^(?:16)?([0-9]{6})-?([0-9]{4})$")
# Its form as the document states it: the check digit is beyond a pattern.
OrgNumber = Annotated[
    str, Field(json_schema_extra={"pattern": r"^\s*" + _ORG_NUMBER.pattern[1:-1] + r"\s*$"})
]


def normalise_org_number(value: str) -> str:
    """Validate a Swedish organisationsnummer (Luhn check digit) and write it NNNNNN-NNNN."""
    match = _ORG_NUMBER.match(value.strip())
    if not match:
        raise ValueError(_("an organisation number has 10 digits, written NNNNNN-NNNN"))
    digits = match.group(1) + match.group(2)
    if int(digits[2]) < 2:
        raise ValueError(_("the third digit of an organisation number is 2 or more"))
    total = 0
    for i, char in enumerate(digits[:9]):
        d = int(char) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    if (10 - total % 10) % 10 != int(digits[9]):
        raise ValueError(_("the organisation number's check digit is wrong"))
    return f"{digits[:6]}-{digits[6:]}"


class OrganisationFields(RequestModel):
    type: OrganisationType = Field(description="What kind of body this is.")
    country_code: CountryCode = Field(description="ISO 3166-1 alpha-2 code of its country.")
    name: Name = Field(description="Its official name, in its own language.")
    name_en: Name | None = Field(default=None, description="Its name in English, if different.")
    official_code: Code | None = Field(
        default=None, description="A national code (SCB code for Swedish municipalities)."
    )
    org_number: OrgNumber | None = Field(
        default=None, description="Swedish organisationsnummer (with a valid check digit)."
    )
    population: Population | None = Field(
        default=None,
        description="Inhabitants, as last recorded: the size signal of partner search "
        "(docs/partner-search.md).",
    )

    @field_validator("org_number")
    @classmethod
    def _org_number(cls, value: str | None) -> str | None:
        return None if value is None else normalise_org_number(value)

    @model_validator(mode="after")
    def _swedish_only_numbers(self) -> Self:
        with as_field_error("org_number"):
            check_org_number_swedish(self.org_number, self.country_code)
        return self


class OrganisationCreate(OrganisationFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "type": "county",
                    "country_code": "KE",
                    "name": "Makueni County",
                    "name_en": "Makueni County",
                }
            ]
        }
    )

    @model_validator(mode="after")
    def _not_a_swedish_reference_type(self) -> Self:
        with as_field_error("type"):
            check_not_reference_type(self.country_code, self.type)
        return self


class OrganisationUpdate(MergePatch):
    """A JSON merge patch (RFC 7396): send only what changes; null clears an optional field."""

    patches = OrganisationFields

    model_config = ConfigDict(
        json_schema_extra={"examples": [{"name_en": "Makueni County Government"}]}
    )

    type: OrganisationType | None = None
    country_code: CountryCode | None = None
    name: Name | None = None
    name_en: Name | None = None
    official_code: Code | None = None
    org_number: OrgNumber | None = None
    population: Population | None = None


class OrganisationRead(ResponseModel):
    id: UUID
    type: OrganisationType
    country_code: str
    name: str
    name_en: str | None
    official_code: str | None
    org_number: str | None
    population: int | None
    is_reference: bool = Field(
        description="Shipped reference data (a Swedish municipality or region)."
    )
    created_at: datetime
    updated_at: datetime

    @computed_field(  # type: ignore[prop-decorator]
        description="May hold an ICLD partnership grant as the Swedish party (DOMAIN.md §2)."
    )
    @property
    def eligible_swedish_applicant(self) -> bool:
        return self.country_code == SWEDEN and self.type in ELIGIBLE_SWEDISH_APPLICANT_TYPES


class OrganisationPage(Page[OrganisationRead]):
    """One page of organisations."""
