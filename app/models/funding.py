"""Funding (DOMAIN.md §6): application rounds, applications with their budgets and the events of
their workflow; grants with their budget lines and amendments; reports, their costs, payments.
Money is numeric(14, 2), SEK unless a column says otherwise."""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Field, SQLModel

from app.models.base import Tracked, new_id
from app.models.enums import (
    AmendmentKind,
    ApplicationAction,
    ApplicationKind,
    ApplicationStatus,
    CostCategory,
    GrantStatus,
    ReportKind,
    ReportStatus,
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
        # One undecided application per partnership and kind, whatever races.
        sa.Index(
            "uq_applications_open",
            "partnership_id",
            "kind",
            unique=True,
            postgresql_where=sa.text("status IN ('draft', 'submitted', 'under_assessment')"),
        ),
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


class Grant(Tracked, table=True):
    """ICLD's decision to fund a phase. The original decision stays as it was decided; the
    current figures are the original changed by the amendments (docs/funding.md)."""

    __tablename__ = "grants"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", ApplicationKind), name="kind"),
        sa.CheckConstraint(sql_in("status", GrantStatus), name="status"),
        sa.CheckConstraint("original_ends >= starts AND ends >= starts", name="period_order"),
        sa.CheckConstraint("amount >= 0 AND original_amount > 0", name="amounts"),
        sa.UniqueConstraint("reference"),
        sa.UniqueConstraint("application_id"),
        sa.Index("ix_grants_decided_on_id", "decided_on", "id"),
        sa.Index("ix_grants_partnership_id", "partnership_id"),
    )

    partnership_id: UUID = Field(foreign_key="partnerships.id", ondelete="RESTRICT")
    application_id: UUID | None = Field(
        default=None, foreign_key="applications.id", ondelete="RESTRICT"
    )
    kind: str = Field(max_length=20)
    reference: str = Field(max_length=50)
    decided_on: date
    starts: date
    original_ends: date
    ends: date
    original_amount: Decimal = Field(sa_type=MONEY)
    amount: Decimal = Field(sa_type=MONEY)
    conditions: str | None = Field(default=None, sa_type=sa.Text)
    status: str = Field(default=GrantStatus.active, max_length=20)
    closed_on: date | None = None
    # Days the postponements added: they lengthen the last project year, they add no year.
    postponed_days: int = Field(default=0, ge=0, sa_column_kwargs={"server_default": "0"})


class GrantBudgetLine(SQLModel, table=True):
    """A budget line a grant approves: a cost category in a project year, as decided and as it
    stands after amendments (a line an extension adds was decided at 0)."""

    __tablename__ = "grant_budget_lines"
    __table_args__ = (
        sa.CheckConstraint(sql_in("category", CostCategory), name="category"),
        sa.CheckConstraint("year BETWEEN 1 AND 3", name="year"),
        sa.CheckConstraint("original_amount >= 0 AND amount >= 0", name="amounts"),
        sa.Index("ix_grant_budget_lines_grant_id", "grant_id", "year", "position"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    grant_id: UUID = Field(foreign_key="grants.id", ondelete="RESTRICT")
    position: int
    category: str = Field(max_length=40)
    year: int
    original_amount: Decimal = Field(sa_type=MONEY)
    amount: Decimal = Field(sa_type=MONEY)
    description: str | None = Field(default=None, max_length=500)


class Amendment(SQLModel, table=True):
    """A decision changing a grant: what was decided, and by how much it changed the grant's
    amount (for the IATI commitments). Never changed."""

    __tablename__ = "grant_amendments"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", AmendmentKind), name="kind"),
        sa.UniqueConstraint("reference"),
        sa.Index("ix_grant_amendments_grant_id", "grant_id", "decided_on", "created_at"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    grant_id: UUID = Field(foreign_key="grants.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)
    reference: str = Field(max_length=50)
    decided_on: date
    decided_by: str = Field(max_length=300)
    amount_change: Decimal = Field(sa_type=MONEY, default=Decimal(0))
    ends_before: date
    ends_after: date
    details: dict[str, Any] = Field(
        default_factory=dict, sa_column=sa.Column(postgresql.JSONB(), nullable=False)
    )
    created_at: datetime | None = Field(
        default=None,
        sa_column_kwargs={"server_default": sa.func.clock_timestamp(), "nullable": False},
    )


class Report(Tracked, table=True):
    """An interim or final report on one project year of a grant, with its costs."""

    __tablename__ = "grant_reports"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", ReportKind), name="kind"),
        sa.CheckConstraint(sql_in("status", ReportStatus), name="status"),
        sa.CheckConstraint("year BETWEEN 1 AND 3", name="year"),
        # One report per kind and year that is not returned, whatever races.
        sa.Index(
            "uq_grant_reports_current",
            "grant_id",
            "kind",
            "year",
            unique=True,
            postgresql_where=sa.text("status <> 'returned'"),
        ),
        sa.Index("ix_grant_reports_grant_id", "grant_id", "created_at", "id"),
    )

    grant_id: UUID = Field(foreign_key="grants.id", ondelete="RESTRICT")
    kind: str = Field(max_length=20)
    year: int
    narrative: str = Field(sa_type=sa.Text)
    status: str = Field(default=ReportStatus.submitted, max_length=20)
    submitted_on: date
    decided_on: date | None = None
    decision_note: str | None = Field(default=None, sa_type=sa.Text)


class ReportedCost(SQLModel, table=True):
    """A cost reported on a budget line. A cost paid in another currency keeps its original
    amount, currency and the rate used; `amount` is SEK, rounded half up to the öre."""

    __tablename__ = "grant_reported_costs"
    __table_args__ = (
        sa.CheckConstraint("amount > 0 AND original_amount > 0", name="amounts"),
        sa.CheckConstraint(
            "(currency = 'SEK' AND rate IS NULL) OR (currency <> 'SEK' AND rate > 0)",
            name="rate",
        ),
        sa.Index("ix_grant_reported_costs_report_id", "report_id", "position"),
        sa.Index("ix_grant_reported_costs_budget_line_id", "budget_line_id"),
    )

    id: UUID = Field(default_factory=new_id, primary_key=True)
    report_id: UUID = Field(foreign_key="grant_reports.id", ondelete="RESTRICT")
    budget_line_id: UUID = Field(foreign_key="grant_budget_lines.id", ondelete="RESTRICT")
    position: int
    amount: Decimal = Field(sa_type=MONEY)
    original_amount: Decimal = Field(sa_type=MONEY)
    currency: str = Field(max_length=3)
    rate: Decimal | None = Field(default=None, sa_type=sa.Numeric(14, 6))
    description: str | None = Field(default=None, max_length=500)


class Payment(Tracked, table=True):
    """A reimbursement to the Swedish party of costs an approved report accounted for."""

    __tablename__ = "grant_payments"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount"),
        sa.UniqueConstraint("reference"),
        sa.Index("ix_grant_payments_grant_id", "grant_id", "paid_on", "id"),
        sa.Index("ix_grant_payments_report_id", "report_id"),
        sa.Index("ix_grant_payments_paid_on_id", "paid_on", "id"),
    )

    grant_id: UUID = Field(foreign_key="grants.id", ondelete="RESTRICT")
    report_id: UUID = Field(foreign_key="grant_reports.id", ondelete="RESTRICT")
    amount: Decimal = Field(sa_type=MONEY)
    paid_on: date
    reference: str = Field(max_length=50)
