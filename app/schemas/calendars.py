"""Calendar subscriptions: a secret URL per feed for calendar apps (docs/calendars.md)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import ConfigDict, Field, RootModel

from app.core.paging import Page
from app.models.enums import CalendarFeed
from app.schemas.common import RequestModel, ResponseModel


class PartnershipFeed(RequestModel):
    feed: Literal[CalendarFeed.partnership] = Field(
        description="The partnership's meetings (`…/partnerships/{id}/meetings.ics`)."
    )
    partnership_id: UUID


class OrganisationFeed(RequestModel):
    feed: Literal[CalendarFeed.organisation] = Field(
        description="Everything the organisation hosts or attends "
        "(`…/organisations/{id}/calendar.ics`)."
    )
    organisation_id: UUID


class CalendarSubscriptionCreate(
    RootModel[Annotated[PartnershipFeed | OrganisationFeed, Field(discriminator="feed")]]
):
    """A feed, by its kind, with the id of its object and nothing else."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"feed": "organisation", "organisation_id": "3f1f0b9c-8b0f-5f0e-9d5e-2b7d7c2f4a10"}
            ]
        }
    )

    @property
    def feed(self) -> CalendarFeed:
        return self.root.feed

    @property
    def partnership_id(self) -> UUID | None:
        return self.root.partnership_id if isinstance(self.root, PartnershipFeed) else None

    @property
    def organisation_id(self) -> UUID | None:
        return self.root.organisation_id if isinstance(self.root, OrganisationFeed) else None

    @property
    def object_id(self) -> UUID:
        root = self.root
        return root.partnership_id if isinstance(root, PartnershipFeed) else root.organisation_id


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
