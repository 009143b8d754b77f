"""Thematic networks of municipalities and regions, and their members (DOMAIN.md §4)."""

from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field

from app.models.base import Tracked
from app.models.enums import NetworkMemberStatus, NetworkStatus, sql_in


class Network(Tracked, table=True):
    __tablename__ = "networks"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", NetworkStatus), name="status"),
        sa.CheckConstraint("ends >= starts", name="period_order"),
        sa.Index("ix_networks_title_id", "title", "id"),
    )

    title: str = Field(max_length=300)
    theme: str = Field(max_length=100)
    description: str | None = Field(default=None, sa_type=sa.Text)
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
