"""The metadata every table shares; constraint names follow one convention (Alembic needs it)."""

from datetime import datetime
from uuid import UUID, uuid4

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = SQLModel.metadata


def new_id() -> UUID:
    return uuid4()


class Tracked(SQLModel):
    """Fields every editable resource has: id, timestamps and the version behind its ETag."""

    id: UUID = Field(default_factory=new_id, primary_key=True)
    # Set by the database on insert (None only until then).
    created_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    updated_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
    version: int = Field(default=1, sa_column_kwargs={"server_default": "1"})
