"""Events for other systems (docs/events.md): the outbox every change writes in its own
transaction, the webhook subscriptions, and each delivery with its attempts."""

from datetime import date, datetime
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from app.models.base import Tracked, new_id
from app.models.enums import ReportKind, sql_in


class Event(SQLModel, table=True):
    """One meaningful change, written in the flush of the change itself (an outbox row): it
    exists if and only if its change committed. Its payload never holds personal data."""

    __tablename__ = "events"
    __table_args__ = (
        sa.Index("ix_events_occurred_at_id", "occurred_at", "id"),
        sa.Index("ix_events_position", "position", unique=True),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    # The event's place in commit order: set by the trigger `events_position` as its
    # transaction commits (migration 0022), null until then. `GET /api/v1/events` pages by it.
    position: int | None = Field(default=None, sa_column=sa.Column(sa.BigInteger()))
    type: str = Field(max_length=60)
    occurred_at: datetime
    object_type: str = Field(max_length=60)
    object_id: UUID
    object_url: str = Field(max_length=300)
    actor_type: str = Field(max_length=20)
    actor_id: str = Field(max_length=300)
    payload: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(postgresql.JSONB(), nullable=False)
    )
    # Who may read the object: the organisations of its partnership, or its own organisation.
    # The fan-out (a trigger, at commit) matches subscriptions' scopes against them.
    partnership_id: UUID | None = None
    organisation_id: UUID | None = None


class WebhookSubscription(Tracked, table=True):
    __tablename__ = "webhook_subscriptions"
    __table_args__ = (sa.Index("ix_webhook_subscriptions_created_at_id", "created_at", "id"),)
    # The secrets never go into the audit trail.
    __audit_ignore__ = frozenset({"secret", "previous_secret"})

    url: str = Field(max_length=2000)
    event_types: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(60)), nullable=False, server_default="{}"),
        description="Empty: every type.",
    )
    organisation_ids: list[UUID] | None = Field(
        default=None,
        sa_column=sa.Column(postgresql.ARRAY(sa.Uuid()), nullable=True),
        description="Null: every organisation (ICLD staff only).",
    )
    description: str | None = Field(default=None, max_length=500)
    active: bool = Field(default=True)
    paused_reason: str | None = Field(default=None, max_length=500)
    secret: str = Field(max_length=100)
    previous_secret: str | None = Field(default=None, max_length=100)
    previous_secret_expires_at: datetime | None = None
    owner_type: str = Field(max_length=20)
    owner_id: str = Field(max_length=300)


class WebhookDelivery(SQLModel, table=True):
    """An event owed to a subscription; written by the fan-out at the event's commit."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("subscription_id", "event_id"),
        sa.Index("ix_webhook_deliveries_event_id", "event_id"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    subscription_id: UUID = Field(foreign_key="webhook_subscriptions.id", ondelete="CASCADE")
    event_id: UUID = Field(foreign_key="events.id", ondelete="CASCADE")
    status: str = Field(default="pending", max_length=20)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    created_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    delivered_at: datetime | None = None


class WebhookAttempt(SQLModel, table=True):
    """One try at a delivery: the delivery log."""

    __tablename__ = "webhook_attempts"
    __table_args__ = (
        sa.Index(
            "ix_webhook_attempts_subscription_id_attempted_at_id",
            "subscription_id",
            "attempted_at",
            "id",
        ),
        sa.Index("ix_webhook_attempts_attempted_at", "attempted_at"),  # the retention sweep
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    delivery_id: UUID = Field(foreign_key="webhook_deliveries.id", ondelete="CASCADE", index=True)
    subscription_id: UUID = Field(foreign_key="webhook_subscriptions.id", ondelete="CASCADE")
    event_id: UUID
    attempted_at: datetime
    status_code: int | None = None
    duration_ms: int
    error: str | None = Field(default=None, max_length=500)
    success: bool


class ReportOverdueNotice(SQLModel, table=True):
    """A report (a grant's kind and year) announced as overdue (`report.overdue`): its primary
    key makes the announcement once per report, whatever the runs or workers. Kept after the
    event itself is swept, so a report is never announced twice."""

    __tablename__ = "report_overdue_notices"
    __table_args__ = (sa.CheckConstraint(sql_in("kind", ReportKind), name="kind"),)

    grant_id: UUID = Field(foreign_key="grants.id", ondelete="CASCADE", primary_key=True)
    kind: str = Field(max_length=20, primary_key=True)
    year: int = Field(primary_key=True)
    due_on: date
    announced_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
