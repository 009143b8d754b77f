"""Calendar subscriptions: a secret URL per feed for calendar apps (docs/calendars.md)."""

from datetime import datetime
from typing import Self
from uuid import UUID

from pydantic import ConfigDict, Field, model_validator

from app.core.paging import Page
from app.models.enums import CalendarFeed
from app.schemas.common import RequestModel, ResponseModel


class CalendarSubscriptionCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"feed": "organisation", "organisation_id": "3f1f0b9c-8b0f-5f0e-9d5e-2b7d7c2f4a10"}
            ]
        }
    )

    feed: CalendarFeed = Field(
        description="`partnership`: its meetings (`…/partnerships/{id}/meetings.ics`); "
        "`organisation`: everything it hosts or attends (`…/organisations/{id}/calendar.ics`)."
    )
    partnership_id: UUID | None = Field(default=None, description="For a `partnership` feed.")
    organisation_id: UUID | None = Field(default=None, description="For an `organisation` feed.")

    @model_validator(mode="after")
    def _names_its_feeds_object(self) -> Self:
        given = {
            feed
            for feed, object_id in (
                (CalendarFeed.partnership, self.partnership_id),
                (CalendarFeed.organisation, self.organisation_id),
            )
            if object_id is not None
        }
        if given != {self.feed}:
            raise ValueError(
                f"a {self.feed.value} feed names its {self.feed.value}_id, and nothing else"
            )
        return self

    @property
    def object_id(self) -> UUID:
        found = self.partnership_id or self.organisation_id
        assert found is not None  # the validator above
        return found


class CalendarSubscriptionRead(ResponseModel):
    id: UUID
    feed: CalendarFeed
    partnership_id: UUID | None
    organisation_id: UUID | None
    prefix: str = Field(
        description="The start of the token (`cal_<prefix>_…`), to recognise the URL and in logs."
    )
    owner_type: str = Field(
        description="`user` or `api_key`: whose rights of the moment each fetch is served with."
    )
    owner_id: str
    created_at: datetime
    last_used_at: datetime | None = Field(
        description="The last time a calendar app fetched the feed; updated at most once a minute."
    )


class CalendarSubscriptionCreated(CalendarSubscriptionRead):
    token: str = Field(description="The secret in the URL: shown this once, never again.")
    url: str = Field(description="The feed's address, for calendar apps (no credentials).")
    webcal_url: str = Field(
        description="The same address as `webcal://`, which opens the calendar app to subscribe."
    )


class CalendarSubscriptionPage(Page[CalendarSubscriptionRead]):
    """One page of calendar subscriptions."""
