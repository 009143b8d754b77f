"""Funding: application rounds, the calls for project applications (DOMAIN.md §6)."""

from datetime import date, datetime
from typing import Annotated, Self
from uuid import UUID

from pydantic import ConfigDict, Field, StringConstraints, model_validator

from app.core.errors import as_field_error
from app.core.paging import Page
from app.rules.funding import check_round_period
from app.schemas.common import NO_CONTROL, IsoDate, MergePatch, RequestModel, ResponseModel


class RoundFields(RequestModel):
    title: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=200, pattern=NO_CONTROL),
    ]
    opens: IsoDate = Field(description="The first day applications are taken.")
    closes: IsoDate = Field(description="The last day applications are taken.")

    @model_validator(mode="after")
    def _period(self) -> Self:
        with as_field_error("closes"):
            check_round_period(self.opens, self.closes)
        return self


class RoundCreate(RoundFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"title": "Spring 2027", "opens": "2027-02-15", "closes": "2027-03-15"}]
        }
    )


class RoundUpdate(MergePatch):
    """A JSON merge patch."""

    patches = RoundFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"closes": "2027-03-26"}]})

    title: str | None = Field(default=None, min_length=1, max_length=200, pattern=NO_CONTROL)
    opens: IsoDate | None = None
    closes: IsoDate | None = None


class RoundRead(ResponseModel):
    id: UUID
    title: str
    opens: date
    closes: date
    created_at: datetime
    updated_at: datetime


class RoundPage(Page[RoundRead]):
    """One page of application rounds."""
