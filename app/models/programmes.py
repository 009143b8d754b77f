"""International training programmes and the study visits of groups to host organisations."""

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from app.models.base import Tracked


class TrainingProgramme(Tracked, table=True):
    __tablename__ = "training_programmes"
    __table_args__ = (
        sa.CheckConstraint("ends >= starts", name="period_order"),
        sa.Index("ix_training_programmes_starts_id", "starts", "id"),
    )

    title: str = Field(max_length=300)
    code: str | None = Field(default=None, max_length=50)
    funder: str = Field(max_length=200)
    starts: date
    ends: date
    # Value objects of the programme, validated by its schema: [{"country_code", "weeks"}] and
    # [{"country_code", "participants"}].
    segments: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=sa.Column(postgresql.JSONB(), nullable=False)
    )
    participant_countries: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=sa.Column(postgresql.JSONB(), nullable=False)
    )


class ProgrammeOrganisation(SQLModel, table=True):
    """An organisation implementing a programme: the lead, or one of the others."""

    __tablename__ = "programme_organisations"
    __table_args__ = (
        sa.CheckConstraint("role IN ('lead', 'partner')", name="role"),
        sa.Index("ix_programme_organisations_organisation_id", "organisation_id"),
    )

    programme_id: UUID = Field(
        foreign_key="training_programmes.id", primary_key=True, ondelete="CASCADE"
    )
    organisation_id: UUID = Field(
        foreign_key="organisations.id", primary_key=True, ondelete="RESTRICT"
    )
    role: str = Field(max_length=20)


class StudyVisit(Tracked, table=True):
    __tablename__ = "study_visits"
    __table_args__ = (
        sa.CheckConstraint("programme_id IS NULL OR partnership_id IS NULL", name="one_source"),
        sa.Index("ix_study_visits_visit_on_id", "visit_on", "id"),
        sa.Index(
            "ix_study_visits_host_organisation_id_visit_on_id",
            "host_organisation_id",
            "visit_on",
            "id",
        ),
        sa.Index("ix_study_visits_programme_id_visit_on_id", "programme_id", "visit_on", "id"),
    )

    visit_on: date
    host_organisation_id: UUID = Field(foreign_key="organisations.id", ondelete="RESTRICT")
    programme_id: UUID | None = Field(
        default=None, foreign_key="training_programmes.id", ondelete="RESTRICT"
    )
    partnership_id: UUID | None = Field(
        default=None, foreign_key="partnerships.id", ondelete="RESTRICT"
    )
    visiting_countries: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(2)), nullable=False, server_default="{}"),
    )
    topics: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(100)), nullable=False, server_default="{}"),
    )
    contact_ids: list[UUID] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.Uuid()), nullable=False, server_default="{}"),
    )
    description: str | None = Field(default=None, sa_type=sa.Text)
