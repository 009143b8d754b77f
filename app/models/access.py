"""Who may call the API: local users (seen through OpenID Connect) and API keys."""

from datetime import datetime
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from app.models.base import new_id
from app.models.enums import Role, sql_in


def _organisations_column() -> sa.Column[list[UUID]]:
    return sa.Column(postgresql.ARRAY(sa.Uuid()), nullable=False, server_default="{}")


class User(SQLModel, table=True):
    """A person signed in through the OpenID Connect provider; role and organisations are the
    ones their last token carried."""

    __tablename__ = "users"
    __table_args__ = (
        sa.UniqueConstraint("subject"),
        sa.CheckConstraint(sql_in("role", Role), name="role"),
    )
    __audit_ignore__ = frozenset({"last_seen_at"})

    id: UUID = Field(default_factory=new_id, primary_key=True)
    subject: str = Field(max_length=255)
    name: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)
    role: str = Field(max_length=40)
    organisation_ids: list[UUID] = Field(default_factory=list, sa_column=_organisations_column())
    created_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    # Set by the database on insert and by a trigger on every update (migration 0025): when
    # the row last changed, for a list's `updated_since`.
    updated_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    last_seen_at: datetime | None = Field(default=None)


class ApiKey(SQLModel, table=True):
    """A key for an integration; only the SHA-256 of its secret is stored."""

    __tablename__ = "api_keys"
    __table_args__ = (
        sa.UniqueConstraint("prefix"),
        sa.CheckConstraint(sql_in("role", Role), name="role"),
    )
    __audit_ignore__ = frozenset({"last_used_at", "secret_hash"})

    id: UUID = Field(default_factory=new_id, primary_key=True)
    name: str = Field(max_length=200)
    prefix: str = Field(max_length=16)
    secret_hash: str = Field(max_length=64)
    role: str = Field(max_length=40)
    organisation_ids: list[UUID] = Field(default_factory=list, sa_column=_organisations_column())
    created_by: str = Field(max_length=300)
    created_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    # Set by the database on insert and by a trigger on every update (migration 0025): when
    # the row last changed, for a list's `updated_since`.
    updated_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    last_used_at: datetime | None = None
