"""Thematic networks of municipalities and regions, and their members (DOMAIN.md §4)."""

from datetime import date
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field, SQLModel

from app.models.base import Tracked
from app.models.enums import (
    NetworkMemberStatus,
    NetworkStatus,
    ParticipantGender,
    WorkshopStatus,
    sql_in,
)
from app.models.texts import LANGUAGE_CHECK, search_expression


class Network(Tracked, table=True):
    __tablename__ = "networks"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", NetworkStatus), name="status"),
        sa.CheckConstraint("ends >= starts", name="period_order"),
        sa.CheckConstraint(LANGUAGE_CHECK, name="language"),
        sa.Index("ix_networks_title_id", "title", "id"),
        sa.Index("ix_networks_search", "search", postgresql_using="gin"),
    )

    title: str = Field(max_length=300)
    theme: str = Field(max_length=100)
    description: str | None = Field(default=None, sa_type=sa.Text)
    language: str = Field(default="en", max_length=2, sa_column_kwargs={"server_default": "en"})
    translations: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=sa.Column(postgresql.JSONB(), nullable=False, server_default="{}"),
    )
    country_codes: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(2)), nullable=False, server_default="{}"),
    )
    starts: date
    ends: date
    coordinator_id: UUID | None = Field(
        default=None, foreign_key="organisations.id", ondelete="RESTRICT"
    )
    status: str = Field(default=NetworkStatus.planned, max_length=20)
    search: str | None = Field(
        default=None,
        sa_column=sa.Column(
            TSVECTOR, sa.Computed(search_expression("title", "description"), persisted=True)
        ),
    )


class NetworkMember(Tracked, table=True):
    __tablename__ = "network_members"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", NetworkMemberStatus), name="status"),
        sa.UniqueConstraint("network_id", "organisation_id"),
        sa.Index("ix_network_members_organisation_id", "organisation_id"),
    )

    network_id: UUID = Field(foreign_key="networks.id", ondelete="RESTRICT")
    organisation_id: UUID = Field(foreign_key="organisations.id", ondelete="RESTRICT")
    joined_on: date
    status: str = Field(default=NetworkMemberStatus.invited, max_length=20)


class Workshop(Tracked, table=True):
    """A workshop of a network, or one on its own: who hosts, where, when, who takes part."""

    __tablename__ = "workshops"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", WorkshopStatus), name="status"),
        sa.CheckConstraint("ends >= starts", name="period_order"),
        sa.CheckConstraint(LANGUAGE_CHECK, name="language"),
        sa.Index("ix_workshops_starts_id", "starts", "id"),
        sa.Index("ix_workshops_network_id_starts_id", "network_id", "starts", "id"),
    )

    network_id: UUID | None = Field(default=None, foreign_key="networks.id", ondelete="RESTRICT")
    title: str = Field(max_length=300)
    language: str = Field(default="en", max_length=2, sa_column_kwargs={"server_default": "en"})
    translations: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=sa.Column(postgresql.JSONB(), nullable=False, server_default="{}"),
    )
    host_organisation_id: UUID = Field(foreign_key="organisations.id", ondelete="RESTRICT")
    country_code: str = Field(foreign_key="countries.code", max_length=2, ondelete="RESTRICT")
    city: str = Field(max_length=200)
    starts: date
    ends: date
    topics: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(100)), nullable=False, server_default="{}"),
    )
    organisation_ids: list[UUID] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.Uuid()), nullable=False, server_default="{}"),
    )
    participants_per_organisation: int = Field(default=3, ge=1)
    paid_by: str = Field(default="ICLD", max_length=200)
    status: str = Field(default=WorkshopStatus.planned, max_length=20)
    outcome: str | None = Field(default=None, sa_type=sa.Text)


class WorkshopParticipant(SQLModel, table=True):
    """A person taking part in a workshop, with the gender the organisers record for the
    network's aggregate figures (never shown per person outside the organisers' list)."""

    __tablename__ = "workshop_participants"
    __table_args__ = (
        sa.CheckConstraint(sql_in("gender", ParticipantGender), name="gender"),
        sa.Index("ix_workshop_participants_person_id", "person_id"),
    )

    workshop_id: UUID = Field(foreign_key="workshops.id", primary_key=True, ondelete="CASCADE")
    person_id: UUID = Field(foreign_key="people.id", primary_key=True, ondelete="RESTRICT")
    gender: str = Field(
        default=ParticipantGender.not_stated,
        max_length=20,
        sa_column_kwargs={"server_default": ParticipantGender.not_stated.value},
    )
