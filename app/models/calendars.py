"""Calendar subscriptions: a secret URL per feed, for calendar apps, which cannot send a bearer
token (docs/calendars.md)."""

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import new_id
from app.models.enums import CalendarFeed, sql_in


class CalendarSubscription(SQLModel, table=True):
    """One feed served at a secret URL, with the rights its owner has at each fetch. Only the
    SHA-256 of its token is stored; the token's public prefix finds the row."""

    __tablename__ = "calendar_subscriptions"
    __table_args__ = (
        sa.UniqueConstraint("prefix"),
        sa.CheckConstraint(sql_in("feed", CalendarFeed), name="feed"),
        # The feed's object, and only it: a partnership's feed names a partnership, and so on.
        sa.CheckConstraint(
            "(feed = 'partnership') = (partnership_id IS NOT NULL) "
            "AND (feed = 'organisation') = (organisation_id IS NOT NULL)",
            name="feed_object",
        ),
        sa.Index("ix_calendar_subscriptions_created_at_id", "created_at", "id"),
        sa.Index(
            "ix_calendar_subscriptions_owner_type_owner_id_created_at_id",
            "owner_type",
            "owner_id",
            "created_at",
            "id",
        ),
    )
    __audit_ignore__ = frozenset({"secret_hash", "last_used_at"})

    id: UUID = Field(default_factory=new_id, primary_key=True)
    feed: str = Field(max_length=20)
    # A subscription never keeps its object from being deleted: it goes with it.
    partnership_id: UUID | None = Field(
        default=None, foreign_key="partnerships.id", ondelete="CASCADE"
    )
    organisation_id: UUID | None = Field(
        default=None, foreign_key="organisations.id", ondelete="CASCADE"
    )
    prefix: str = Field(max_length=16)
    secret_hash: str = Field(max_length=64)
    owner_type: str = Field(max_length=20)
    owner_id: str = Field(max_length=300)
    created_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    # Set by the database on insert and by a trigger on every update (migration 0025): when
    # the row last changed, for a list's `updated_since`.
    updated_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    last_used_at: datetime | None = None
