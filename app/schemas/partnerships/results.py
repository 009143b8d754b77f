"""Results of a partnership: what changed, and where."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import ConfigDict

from app.core.paging import Page
from app.models.enums import Principle, ResultSide
from app.schemas.common import IsoDate, MergePatch, NotBlank, RequestModel, ResponseModel

Description = Annotated[str, NotBlank(4000)]


class ResultFields(RequestModel):
    principle: Principle
    side: ResultSide
    description: Description
    observed_on: IsoDate


class ResultCreate(ResultFields):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "principle": "participation",
                    "side": "swedish",
                    "description": "Civic information for newcomers and study circles on local "
                    "democracy",
                    "observed_on": "2019-12-31",
                }
            ]
        }
    )


class ResultUpdate(MergePatch):
    """A JSON merge patch."""

    patches = ResultFields

    model_config = ConfigDict(json_schema_extra={"examples": [{"side": "both"}]})

    principle: Principle | None = None
    side: ResultSide | None = None
    description: Description | None = None
    observed_on: IsoDate | None = None


class ResultRead(ResponseModel):
    id: UUID
    partnership_id: UUID
    principle: Principle
    side: ResultSide
    description: str
    observed_on: date
    created_at: datetime
    updated_at: datetime


class ResultPage(Page[ResultRead]):
    pass
