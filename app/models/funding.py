"""Funding (DOMAIN.md §6): application rounds, applications with their budgets and the events of
their workflow. Money is numeric(14, 2), SEK unless a column says otherwise."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from app.models.base import Tracked, new_id
from app.models.enums import (
    ApplicationAction,
    ApplicationKind,
    ApplicationStatus,
    CostCategory,
    sql_in,
)

MONEY = sa.Numeric(14, 2)


class ApplicationRound(Tracked, table=True):
    """A call for applications: both days are included."""

    __tablename__ = "application_rounds"
    __table_args__ = (
        sa.CheckConstraint("closes >= opens", name="period_order"),
        sa.Index("ix_application_rounds_opens_id", "opens", "id"),
    )

    title: str = Field(max_length=200)
    opens: date
    closes: date


class Application(Tracked, table=True):
    __tablename__ = "applications"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", ApplicationKind), name="kind"),
        sa.CheckConstraint(sql_in("status", ApplicationStatus), name="status"),
        sa.CheckConstraint("planned_end >= planned_start", name="planned_order"),
        sa.Index("ix_applications_created_at_id", "created_at", "id"),
        sa.Index("ix_applications_partnership_id", "partnership_id"),
        sa.Index("ix_applications_round_id", "round_id"),
    )

    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)
    round_id: UUID | None = Field(
        default=None, foreign_key="application_rounds.id", ondelete="RESTRICT"
    )
    planned_start: date
    planned_end: date
    description: str | None = Field(default=None, sa_type=sa.Text)
    attachment_ids: list[UUID] = Field(
        default_factory=list,
        sa_column=sa.Column(postgresql.ARRAY(sa.Uuid()), nullable=False, server_default="{}"),
    )
    status: str = Field(default=ApplicationStatus.draft, max_length=20)
    submitted_on: date | None = None
    decided_on: date | None = None


class ApplicationBudgetLine(SQLModel, table=True):
    """A line of an application's budget: a cost category in a project year."""

    __tablename__ = "application_budget_lines"
    __table_args__ = (
        sa.CheckConstraint(sql_in("category", CostCategory), name="category"),
        sa.CheckConstraint("year BETWEEN 1 AND 3", name="year"),
        sa.CheckConstraint("amount > 0 AND amount = trunc(amount)", name="whole_kronor"),
        sa.Index("ix_application_budget_lines_application_id", "application_id", "position"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    application_id: UUID = Field(foreign_key="applications.id", ondelete="CASCADE")
    position: int
    category: str = Field(max_length=40)
    year: int
    amount: Decimal = Field(sa_type=MONEY)
    description: str | None = Field(default=None, max_length=500)


class ApplicationEvent(SQLModel, table=True):
    """A step of an application's workflow: who took it, when, from which state. Never changed."""

    __tablename__ = "application_events"
    __table_args__ = (
        sa.CheckConstraint(sql_in("action", ApplicationAction), name="action"),
        sa.Index("ix_application_events_application_id", "application_id", "at", "id"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    application_id: UUID = Field(foreign_key="applications.id", ondelete="RESTRICT")
    action: str = Field(max_length=20)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    actor: str = Field(max_length=300)
    # The clock, not the transaction's start: steps within one transaction keep their order.
    at: datetime | None = Field(
        default=None,
        sa_column_kwargs={"server_default": sa.func.clock_timestamp(), "nullable": False},
    )
    note: str | None = Field(default=None, sa_type=sa.Text)
