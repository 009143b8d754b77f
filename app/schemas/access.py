"""API keys, users and audit events: request and response models."""

from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pydantic import ConfigDict, Field, field_validator

from app.core.i18n import _
from app.core.paging import Page
from app.models.enums import Role
from app.schemas.common import Name, RequestModel, ResponseModel, Timestamp


class ApiKeyCreate(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "name": "Karlstad intranet",
                    "role": "coordinator",
                    "organisation_ids": ["3f1f0b9c-8b0f-5f0e-9d5e-2b7d7c2f4a10"],
                }
            ]
        }
    )

    name: Name = Field(description="What the key is for, e.g. the integration's name.")
    role: Role
    organisation_ids: list[UUID] = Field(
        default_factory=list, max_length=50, description="Required for coordinators and viewers."
    )
    expires_at: Timestamp | None = Field(
        default=None, description="Optional expiry (RFC 3339 with offset), in the future."
    )

    @field_validator("expires_at")
    @classmethod
    def _in_the_future(cls, value: datetime | None) -> datetime | None:
        if value is not None and value <= datetime.now(UTC):
            raise ValueError(_("expires_at must be in the future"))
        return value


class ApiKeyRead(ResponseModel):
    id: UUID
    name: str
    prefix: str = Field(description="The key's public prefix, to recognise it in logs.")
    role: Role
    organisation_ids: list[UUID]
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None = Field(description="Updated at most once a minute.")


class ApiKeyCreated(ApiKeyRead):
    token: str = Field(description="The secret: shown this once, never again. Store it safely.")


class ApiKeyPage(Page[ApiKeyRead]):
    """One page of API keys."""


class UserRead(ResponseModel):
    id: UUID
    subject: str
    name: str | None
    email: str | None
    role: Role
    organisation_ids: list[UUID]
    created_at: datetime
    last_seen_at: datetime | None


class UserPage(Page[UserRead]):
    """One page of users."""


class AuditEventRead(ResponseModel):
    id: UUID
    occurred_at: datetime
    actor_type: str = Field(description="user, api_key or system")
    actor_id: str
    actor_name: str | None
    action: str = Field(description="create, update, delete, erase, revoke")
    object_type: str = Field(description="The table, e.g. organisations or people.")
    object_id: str
    changes: dict[str, list[Any]] = Field(description="Each changed field: [before, after].")
    request_id: str | None


class AuditEventPage(Page[AuditEventRead]):
    """One page of audit events, oldest first."""
