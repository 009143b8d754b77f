"""Answers kept for `Idempotency-Key` retries (docs/conventions.md, "Idempotency-Key").

A row exists only for a request that finished: it is written in the same transaction as the
change it answers. A request still running holds a PostgreSQL advisory lock instead, so a crash
leaves no key stuck "in progress" (`app/services/idempotency.py`).
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_keys"
    __table_args__ = (sa.Index("ix_idempotency_keys_expires_at", "expires_at"),)

    caller: str = Field(primary_key=True, max_length=330)
    """Whose key: `<principal kind>:<principal id>` (an API key's id, a user's id)."""
    key: str = Field(primary_key=True, max_length=255)
    method: str = Field(max_length=10)
    path: str = Field(sa_type=sa.Text)
    """The request's path and query string: the key is refused on another one."""
    fingerprint: str = Field(max_length=64)
    """sha256 of the request's body (its canonical JSON when it is JSON), in hex."""
    status: int
    headers: list[Any] = Field(
        sa_column=sa.Column(postgresql.JSONB(astext_type=sa.Text()), nullable=False)
    )
    """The answer's headers as [name, value] pairs, as the route produced them."""
    body: bytes = Field(sa_column=sa.Column(sa.LargeBinary(), nullable=False))
    created_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    expires_at: datetime
