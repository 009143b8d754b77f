"""Elections (docs/continuity.md): per country, or per organisation where its date differs; and
the `partnership.continuity_at_risk` notices that make that event once per partnership and
election."""

from datetime import date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from app.models.base import Tracked
from app.models.enums import ElectionLevel, sql_in


class Election(Tracked, table=True):
    __tablename__ = "elections"
    __table_args__ = (
        sa.CheckConstraint(sql_in("level", ElectionLevel), name="level"),
        sa.Index("ix_elections_held_on_id", "held_on", "id"),
        sa.Index("ix_elections_country_code_level_held_on", "country_code", "level", "held_on"),
        # One election of a level a day, per country and per organisation.
        sa.Index(
            "uq_elections_country_level_day",
            "country_code",
            "level",
            "held_on",
            unique=True,
            postgresql_where=sa.text("organisation_id IS NULL"),
        ),
        sa.Index(
            "uq_elections_organisation_level_day",
            "organisation_id",
            "level",
            "held_on",
            unique=True,
            postgresql_where=sa.text("organisation_id IS NOT NULL"),
        ),
    )

    country_code: str = Field(foreign_key="countries.code", max_length=2, ondelete="RESTRICT")
    organisation_id: UUID | None = Field(
        default=None, foreign_key="organisations.id", ondelete="RESTRICT"
    )
    level: str = Field(max_length=20)
    held_on: date
    source: str = Field(max_length=500)
    # Made by a fixed rule (the Swedish elections, migration 0026): read-only.
    generated: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})


class ContinuityNotice(SQLModel, table=True):
    """A (partnership, election) announced as `partnership.continuity_at_risk`: its primary key
    makes the announcement once, whatever the runs or workers."""

    __tablename__ = "continuity_notices"

    partnership_id: UUID = Field(
        foreign_key="partnerships.id", ondelete="CASCADE", primary_key=True
    )
    election_id: UUID = Field(foreign_key="elections.id", ondelete="CASCADE", primary_key=True)
    announced_at: datetime | None = Field(
        default=None, sa_column_kwargs={"server_default": sa.func.now(), "nullable": False}
    )
