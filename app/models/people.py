"""People: politicians and officials of an organisation. Personal data: keep it minimal."""

from datetime import date, datetime
from uuid import UUID

import sqlalchemy as sa
from sqlmodel import Field

from app.models.base import Tracked
from app.models.enums import PersonKind, PoliticalSide, sql_in


class Person(Tracked, table=True):
    __tablename__ = "people"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", PersonKind), name="kind"),
        sa.CheckConstraint(sql_in("political_side", PoliticalSide), name="political_side"),
        sa.Index("ix_people_organisation_id_family_name", "organisation_id", "family_name", "id"),
        sa.Index("ix_people_family_name_given_name_id", "family_name", "given_name", "id"),
    )

    organisation_id: UUID = Field(foreign_key="organisations.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)
    given_name: str = Field(max_length=100)
    family_name: str = Field(max_length=100)
    title: str | None = Field(default=None, max_length=200)
    party: str | None = Field(default=None, max_length=100)
    political_side: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=20)
    # The last day of a politician's current mandate (docs/continuity.md); officials have none.
    mandate_ends: date | None = None
    erased_at: datetime | None = Field(default=None)
