"""Members of a partnership's steering group, project group and inception team."""

from datetime import date, datetime
from enum import StrEnum
from typing import Literal, Self
from uuid import UUID

from pydantic import MISSING, ConfigDict, Field, model_validator

from app.core.i18n import _
from app.core.paging import Page
from app.models.enums import MemberGroup, MemberRole
from app.schemas.common import IsoDate, MergePatch, RequestModel, ResponseModel
from app.schemas.people import PersonRead

Side = Literal["swedish", "partner", "third_party"]


class MemberFields(RequestModel):
    role: MemberRole
    start_date: IsoDate
    end_date: IsoDate | None = Field(default=None, description="Last day; null while it lasts.")

    @model_validator(mode="after")
    def _order(self) -> Self:
        if self.end_date is not None and self.end_date < self.start_date:
            raise ValueError(_("end_date is before start_date"))
        return self


class MemberCreate(MemberFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "person_id": "8d2f3e0a-1b7c-4f0e-9a55-0c1d2e3f4a5b",
                    "team": "steering_group",
                    "role": "chair",
                    "start_date": "2020-02-01",
                }
            ]
        }
    )

    person_id: UUID
    team: MemberGroup


class MemberUpdate(MergePatch):
    """A JSON merge patch: a membership's role and dates."""

    patches = MemberFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"end_date": "2022-12-31"}]})

    role: MemberRole | None = None
    start_date: IsoDate | None = None
    end_date: IsoDate | None = None


class MemberExpand(StrEnum):
    """What `expand` embeds in a membership (docs/front-ends.md)."""

    person = "person"


class MemberRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    person_id: UUID
    team: MemberGroup
    role: MemberRole
    start_date: date
    end_date: date | None
    side: Side = Field(description="Which party the person acts for.")
    created_at: datetime
    updated_at: datetime
    person: PersonRead | MISSING | None = Field(
        default=MISSING,
        description="`expand=person`: the person as `GET /people/{id}` answers you; null when "
        "you may not read them (another organisation's person, for a coordinator or viewer).",
    )


class MemberPage(Page[MemberRead]):
    pass
