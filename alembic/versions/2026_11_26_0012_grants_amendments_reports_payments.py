"""Grants with their budget lines and amendments; reports with their costs; payments (issue 7,
step 2).

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "uq_applications_open",
        "applications",
        ["partnership_id", "kind"],
        unique=True,
        postgresql_where=sa.text("status IN ('draft', 'submitted', 'under_assessment')"),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=50), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("original_ends", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("original_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("conditions", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('inception', 'project', 'extension')", name=op.f("ck_grants_kind")
        ),
        sa.CheckConstraint("status IN ('active', 'closed')", name=op.f("ck_grants_status")),
        sa.CheckConstraint("amount >= 0 AND original_amount > 0", name=op.f("ck_grants_amounts")),
        sa.CheckConstraint(
            "original_ends >= starts AND ends >= starts", name=op.f("ck_grants_period_order")
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_grants_application_id_applications"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_grants_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
        sa.UniqueConstraint("application_id", name=op.f("uq_grants_application_id")),
        sa.UniqueConstraint("reference", name=op.f("uq_grants_reference")),
    )
    op.create_index("ix_grants_decided_on_id", "grants", ["decided_on", "id"], unique=False)
    op.create_index("ix_grants_partnership_id", "grants", ["partnership_id"], unique=False)
    op.create_table(
        "grant_amendments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=50), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=False),
        sa.Column("decided_by", sa.String(length=300), nullable=False),
        sa.Column("amount_change", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("ends_before", sa.Date(), nullable=False),
        sa.Column("ends_after", sa.Date(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('extension', 'postponement', 'reallocation', 'reduction', 'close_out')",
            name=op.f("ck_grant_amendments_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_grant_amendments_grant_id_grants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_amendments")),
        sa.UniqueConstraint("reference", name=op.f("uq_grant_amendments_reference")),
    )
    op.create_index(
        "ix_grant_amendments_grant_id",
        "grant_amendments",
        ["grant_id", "decided_on", "created_at"],
        unique=False,
    )
    op.create_table(
        "grant_budget_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("original_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "category IN ('travel', 'accommodation', 'local_travel', 'venue', 'visas', "
            "'climate_compensation', 'interpretation', 'materials', 'steering_group_work')",
            name=op.f("ck_grant_budget_lines_category"),
        ),
        sa.CheckConstraint(
            "original_amount >= 0 AND amount >= 0", name=op.f("ck_grant_budget_lines_amounts")
        ),
        sa.CheckConstraint("year BETWEEN 1 AND 3", name=op.f("ck_grant_budget_lines_year")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_grant_budget_lines_grant_id_grants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_budget_lines")),
    )
    op.create_index(
        "ix_grant_budget_lines_grant_id",
        "grant_budget_lines",
        ["grant_id", "year", "position"],
        unique=False,
    )
    op.create_table(
        "grant_reports",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("narrative", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=True),
        sa.CheckConstraint("kind IN ('interim', 'final')", name=op.f("ck_grant_reports_kind")),
        sa.CheckConstraint(
            "status IN ('submitted', 'approved', 'returned')", name=op.f("ck_grant_reports_status")
        ),
        sa.CheckConstraint("year BETWEEN 1 AND 3", name=op.f("ck_grant_reports_year")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_grant_reports_grant_id_grants"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_reports")),
    )
    op.create_index(
        "ix_grant_reports_grant_id", "grant_reports", ["grant_id", "created_at", "id"], unique=False
    )
    op.create_index(
        "uq_grant_reports_current",
        "grant_reports",
        ["grant_id", "kind", "year"],
        unique=True,
        postgresql_where=sa.text("status <> 'returned'"),
    )
    op.create_table(
        "grant_payments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=50), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_grant_payments_amount")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_grant_payments_grant_id_grants"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["grant_reports.id"],
            name=op.f("fk_grant_payments_report_id_grant_reports"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_payments")),
        sa.UniqueConstraint("reference", name=op.f("uq_grant_payments_reference")),
    )
    op.create_index(
        "ix_grant_payments_grant_id", "grant_payments", ["grant_id", "paid_on", "id"], unique=False
    )
    op.create_index(
        "ix_grant_payments_paid_on_id", "grant_payments", ["paid_on", "id"], unique=False
    )
    op.create_index("ix_grant_payments_report_id", "grant_payments", ["report_id"], unique=False)
    op.create_table(
        "grant_reported_costs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("report_id", sa.Uuid(), nullable=False),
        sa.Column("budget_line_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("original_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.Numeric(precision=14, scale=6), nullable=True),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "(currency = 'SEK' AND rate IS NULL) OR (currency <> 'SEK' AND rate > 0)",
            name=op.f("ck_grant_reported_costs_rate"),
        ),
        sa.CheckConstraint(
            "amount > 0 AND original_amount > 0", name=op.f("ck_grant_reported_costs_amounts")
        ),
        sa.ForeignKeyConstraint(
            ["budget_line_id"],
            ["grant_budget_lines.id"],
            name=op.f("fk_grant_reported_costs_budget_line_id_grant_budget_lines"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"],
            ["grant_reports.id"],
            name=op.f("fk_grant_reported_costs_report_id_grant_reports"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_reported_costs")),
    )
    op.create_index(
        "ix_grant_reported_costs_budget_line_id",
        "grant_reported_costs",
        ["budget_line_id"],
        unique=False,
    )
    op.create_index(
        "ix_grant_reported_costs_report_id",
        "grant_reported_costs",
        ["report_id", "position"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "uq_applications_open",
        table_name="applications",
        postgresql_where=sa.text("status IN ('draft', 'submitted', 'under_assessment')"),
    )
    op.drop_index("ix_grant_reported_costs_report_id", table_name="grant_reported_costs")
    op.drop_index("ix_grant_reported_costs_budget_line_id", table_name="grant_reported_costs")
    op.drop_table("grant_reported_costs")
    op.drop_index("ix_grant_payments_report_id", table_name="grant_payments")
    op.drop_index("ix_grant_payments_paid_on_id", table_name="grant_payments")
    op.drop_index("ix_grant_payments_grant_id", table_name="grant_payments")
    op.drop_table("grant_payments")
    op.drop_index(
        "uq_grant_reports_current",
        table_name="grant_reports",
        postgresql_where=sa.text("status <> 'returned'"),
    )
    op.drop_index("ix_grant_reports_grant_id", table_name="grant_reports")
    op.drop_table("grant_reports")
    op.drop_index("ix_grant_budget_lines_grant_id", table_name="grant_budget_lines")
    op.drop_table("grant_budget_lines")
    op.drop_index("ix_grant_amendments_grant_id", table_name="grant_amendments")
    op.drop_table("grant_amendments")
    op.drop_index("ix_grants_partnership_id", table_name="grants")
    op.drop_index("ix_grants_decided_on_id", table_name="grants")
    op.drop_table("grants")
