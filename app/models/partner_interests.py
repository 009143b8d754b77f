"""Declarations of interest: an organisation looking for a partner (docs/partner-search.md)."""

from datetime import date
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field

from app.models.base import Tracked
from app.models.enums import PartnerInterestSide, PartnerInterestStatus, PhaseKind, sql_in


class PartnerInterest(Tracked, table=True):
    __tablename__ = "partner_interests"
    __table_args__ = (
        sa.CheckConstraint(sql_in("side", PartnerInterestSide), name="side"),
        sa.CheckConstraint(sql_in("status", PartnerInterestStatus), name="status"),
        sa.CheckConstraint(sql_in("phase_kind", PhaseKind), name="phase_kind"),
        sa.Index("ix_partner_interests_created_at_id", "created_at", "id"),
        sa.Index("ix_partner_interests_status_created_at_id", "status", "created_at", "id"),
        sa.Index("ix_partner_interests_organisation_id", "organisation_id"),
        sa.Index("ix_partner_interests_network_id", "network_id"),
    )

    organisation_id: UUID = Field(foreign_key="organisations.id", ondelete="RESTRICT")
    side: str = Field(max_length=10, description="Set from the organisation's country.")
    themes: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(100)), nullable=False, server_default="{}"),
    )
    principles: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(40)), nullable=False, server_default="{}"),
    )
    local_challenge: str = Field(sa_type=sa.Text)
    countries: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(2)), nullable=False, server_default="{}"),
    )
    funding_regions: list[str] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.String(20)), nullable=False, server_default="{}"),
    )
    phase_kind: str = Field(max_length=20)
    earliest_start: date
    network_id: UUID | None = Field(default=None, foreign_key="networks.id", ondelete="RESTRICT")
    listed: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    status: str = Field(default=PartnerInterestStatus.open, max_length=20)
    expires_on: date
