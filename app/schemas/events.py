"""Events and webhook subscriptions (docs/events.md)."""

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from pydantic import ConfigDict, Field, StrictBool, field_validator, model_validator

from app.core.i18n import _
from app.core.paging import CursorPage, Page
from app.schemas.common import MergePatch, RequestModel, ResponseModel, Timestamp
from app.schemas.event_types import EVENT_TYPE_NAMES

# The names are checked by `_known_types` (with its own message); the document lists them.
EventTypeName = Annotated[str, Field(json_schema_extra={"enum": sorted(EVENT_TYPE_NAMES)})]


def known_types(value: list[str] | None) -> list[str] | None:
    if value is None:
        return value
    unknown = sorted(set(value) - EVENT_TYPE_NAMES)
    if unknown:
        raise ValueError(
            _(
                "unknown event types: {types} (see GET /api/v1/event-types)",
                types=", ".join(unknown),
            )
        )
    return sorted(set(value))


class EventTypeRead(ResponseModel):
    name: str = Field(description="`<resource>.<verb>`")
    description: str
    object_type: str = Field(description="The table of the object the event is about.")
    payload_schema: dict[str, Any] = Field(description="JSON Schema of the envelope's `data`.")


class EventTypePage(CursorPage[EventTypeRead]):
    """Every event type (one page)."""


class EventObject(ResponseModel):
    type: str = Field(description="The table of the object the event is about.")
    id: UUID
    url: str = Field(
        description="The object's read route, absolute when `PUBLIC_BASE_URL` is set (a "
        "deleted object's answers 404)."
    )


class EventActor(ResponseModel):
    type: str = Field(description="`api_key`, `user` or `system`.")
    id: str = Field(description="The API key's or user's id; never a name.")


class EventEnvelope(ResponseModel):
    """One event: what a webhook delivery POSTs, and what `GET /api/v1/events` lists."""

    id: UUID = Field(description="The event's id (a delivery's `webhook-id`): dedupe by it.")
    type: str = Field(description="`<resource>.<verb>` (`GET /api/v1/event-types`).")
    occurred_at: datetime
    object: EventObject
    actor: EventActor
    data: dict[str, Any] = Field(
        description="The payload: a snapshot of the object, never personal data; its JSON "
        "Schema is the event type's `payload_schema`."
    )

    @classmethod
    def of(cls, event: Any, base_url: str | None) -> "EventEnvelope":
        """The envelope of an `events` row (or of its columns)."""
        url = f"{base_url.rstrip('/')}{event.object_url}" if base_url else event.object_url
        return cls(
            id=event.id,
            type=event.type,
            occurred_at=event.occurred_at,
            object=EventObject(type=event.object_type, id=event.object_id, url=url),
            actor=EventActor(type=event.actor_type, id=event.actor_id),
            data=event.payload,
        )


class EventPage(CursorPage[EventEnvelope]):
    """Events in the order they committed, oldest first."""

    sync_cursor: str | None = Field(
        description="Where this page ends: keep it, and pass it as `after` to get the events "
        "that commit later. On the last page, the end of the feed as it stood (past events "
        "you may not see); null only while no event exists."
    )


class WebhookSubscriptionCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "url": "https://finance.example.org/hooks/icld",
                    "event_types": ["grant.decided", "payment.made"],
                    "description": "Finance system",
                }
            ]
        }
    )

    url: str = Field(
        min_length=8,
        max_length=2000,
        description="Where deliveries are POSTed: https, on a public address.",
    )
    event_types: list[EventTypeName] = Field(
        default_factory=list, max_length=50, description="The types wanted; empty: every type."
    )
    organisation_ids: list[UUID] | None = Field(
        default=None,
        max_length=50,
        description="Only events about these organisations' objects. Null: every organisation "
        "(ICLD staff); a coordinator's default and limit are its own organisations.",
    )
    description: str | None = Field(default=None, max_length=500)
    active: StrictBool = True

    _types = field_validator("event_types")(known_types)


class WebhookSubscriptionUpdate(MergePatch):
    """A JSON merge patch: null clears `organisation_ids` (every organisation, ICLD staff only) or
    `description`; the other fields always have a value (`event_types: []` means every type)."""

    patches = WebhookSubscriptionCreate

    model_config = ConfigDict(json_schema_extra={"examples": [{"active": False}]})

    url: str | None = Field(default=None, min_length=8, max_length=2000)
    event_types: list[EventTypeName] | None = Field(default=None, max_length=50)
    organisation_ids: list[UUID] | None = Field(default=None, max_length=50)
    description: str | None = Field(default=None, max_length=500)
    active: StrictBool | None = None

    _types = field_validator("event_types")(known_types)


class WebhookSubscriptionRead(ResponseModel):
    id: UUID
    url: str
    event_types: list[str]
    organisation_ids: list[UUID] | None
    description: str | None
    active: bool
    paused_reason: str | None = Field(description="Why the service paused it, if it did.")
    previous_secret_expires_at: datetime | None = Field(
        description="Until when the secret before the last rotation still signs deliveries."
    )
    created_at: datetime
    updated_at: datetime


class WebhookSubscriptionCreated(WebhookSubscriptionRead):
    secret: str = Field(
        description="The signing secret (`whsec_...`): shown this once, never again."
    )


class WebhookSubscriptionPage(Page[WebhookSubscriptionRead]):
    """One page of webhook subscriptions."""


class WebhookAttemptRead(ResponseModel):
    id: UUID
    delivery_id: UUID
    event_id: UUID
    attempted_at: datetime
    success: bool
    status_code: int | None = Field(description="The receiver's status; null if none came.")
    duration_ms: int
    error: str | None


class WebhookAttemptPage(Page[WebhookAttemptRead]):
    """One page of a subscription's delivery log."""


class RedeliveryRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"since": "2026-12-01T00:00:00Z", "until": "2026-12-02T00:00:00Z"}]
        }
    )

    since: Timestamp = Field(description="Events that happened at or after this (RFC 3339).")
    until: Timestamp = Field(description="... and before this.")

    @model_validator(mode="after")
    def _ordered(self) -> "RedeliveryRequest":
        if self.until <= self.since:
            raise ValueError(_("until must be after since"))
        return self


class RedeliveryRead(ResponseModel):
    deliveries: int = Field(description="How many events were queued again, oldest first.")


class PingRead(ResponseModel):
    event_id: UUID = Field(description="The `ping` event's id (its `webhook-id`).")


class ReplayRead(ResponseModel):
    delivery_id: UUID
