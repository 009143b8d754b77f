"""Results of a partnership: what changed, and where."""

from datetime import date, datetime
from typing import Annotated
from uuid import UUID

from pydantic import ConfigDict, Field

from app.core.i18n import Language
from app.core.paging import Page
from app.models.enums import Principle, ResultSide
from app.schemas.common import IsoDate, MergePatch, NotBlank
from app.schemas.texts import (
    MAIN_LANGUAGE_DESCRIPTION,
    READ_TRANSLATIONS_DESCRIPTION,
    TRANSLATIONS_DESCRIPTION,
    DescriptionOnly,
    DescriptionOnlyChange,
    DescriptionRead,
    Localized,
    Translatable,
)

Description = Annotated[str, NotBlank(4000)]


class ResultFields(Translatable):
    principle: Principle
    side: ResultSide
    description: Description
    translations: dict[Language, DescriptionOnly] = Field(
        default_factory=dict, description=TRANSLATIONS_DESCRIPTION
    )
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
    deep = frozenset({"translations"})

    model_config = ConfigDict(json_schema_extra={"examples": [{"side": "both"}]})

    principle: Principle | None = None
    side: ResultSide | None = None
    description: Description | None = None
    language: Language | None = Field(default=None, description=MAIN_LANGUAGE_DESCRIPTION)
    translations: dict[Language, DescriptionOnlyChange | None] | None = Field(
        default=None, description=TRANSLATIONS_DESCRIPTION
    )
    observed_on: IsoDate | None = None


class ResultRead(Localized):
    texts = ("description",)

    id: UUID
    partnership_id: UUID
    principle: Principle
    side: ResultSide
    description: str
    translations: dict[Language, DescriptionRead] = Field(description=READ_TRANSLATIONS_DESCRIPTION)
    observed_on: date
    created_at: datetime
    updated_at: datetime


class ResultPage(Page[ResultRead]):
    pass
