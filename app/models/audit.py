"""The audit trail: one row per changed object, written in the same transaction as the change."""

from datetime import datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from app.models.base import new_id


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_events"
    __table_args__ = (
        sa.Index("ix_audit_events_object", "object_type", "object_id", "occurred_at"),
        sa.Index("ix_audit_events_actor", "actor_id", "occurred_at"),
        sa.Index("ix_audit_events_occurred_at_id", "occurred_at", "id"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    occurred_at: datetime
    actor_type: str = Field(max_length=20)
    actor_id: str = Field(max_length=300)
    actor_name: str | None = Field(default=None, max_length=300)
    action: str = Field(max_length=40)
    object_type: str = Field(max_length=60)
    object_id: str = Field(max_length=100)
    changes: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(postgresql.JSONB(), nullable=False)
    )
    request_id: str | None = Field(default=None, max_length=128)
