"""Application rounds, applications with their budget lines and workflow events; a budget is a
kind of document (issue 7, step 1).

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


_KINDS = "'letter_of_intent', 'decision', 'report', 'other'"
_KINDS_WITH_BUDGET = "'letter_of_intent', 'budget', 'decision', 'report', 'other'"


def _document_kinds(kinds: str) -> None:
    op.drop_constraint(op.f("ck_documents_kind"), "documents", type_="check")
    op.create_check_constraint(op.f("ck_documents_kind"), "documents", f"kind IN ({kinds})")


def upgrade() -> None:
    _document_kinds(_KINDS_WITH_BUDGET)
    op.create_table(
        "application_rounds",
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
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("opens", sa.Date(), nullable=False),
        sa.Column("closes", sa.Date(), nullable=False),
        sa.CheckConstraint("closes >= opens", name=op.f("ck_application_rounds_period_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_rounds")),
    )
    op.create_index(
        "ix_application_rounds_opens_id", "application_rounds", ["opens", "id"], unique=False
    )
    op.create_table(
        "applications",
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
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("round_id", sa.Uuid(), nullable=True),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "attachment_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False
        ),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=True),
        sa.Column("decided_on", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('inception', 'project', 'extension')", name=op.f("ck_applications_kind")
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'submitted', 'under_assessment', 'approved', 'rejected', "
            "'withdrawn')",
            name=op.f("ck_applications_status"),
        ),
        sa.CheckConstraint(
            "planned_end >= planned_start", name=op.f("ck_applications_planned_order")
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_applications_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["application_rounds.id"],
            name=op.f("fk_applications_round_id_application_rounds"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applications")),
    )
    op.create_index(
        "ix_applications_created_at_id", "applications", ["created_at", "id"], unique=False
    )
    op.create_index(
        "ix_applications_partnership_id", "applications", ["partnership_id"], unique=False
    )
    op.create_index("ix_applications_round_id", "applications", ["round_id"], unique=False)
    op.create_table(
        "application_budget_lines",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.CheckConstraint(
            "category IN ('travel', 'accommodation', 'local_travel', 'venue', 'visas', "
            "'climate_compensation', 'interpretation', 'materials', 'steering_group_work')",
            name=op.f("ck_application_budget_lines_category"),
        ),
        sa.CheckConstraint(
            "amount > 0 AND amount = trunc(amount)",
            name=op.f("ck_application_budget_lines_whole_kronor"),
        ),
        sa.CheckConstraint("year BETWEEN 1 AND 3", name=op.f("ck_application_budget_lines_year")),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_budget_lines_application_id_applications"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_budget_lines")),
    )
    op.create_index(
        "ix_application_budget_lines_application_id",
        "application_budget_lines",
        ["application_id", "position"],
        unique=False,
    )
    op.create_table(
        "application_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("application_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("from_status", sa.String(length=20), nullable=True),
        sa.Column("to_status", sa.String(length=20), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column(
            "at",
            sa.DateTime(timezone=True),
            server_default=sa.text("clock_timestamp()"),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "action IN ('create', 'submit', 'withdraw', 'assess', 'approve', 'reject')",
            name=op.f("ck_application_events_action"),
        ),
        sa.ForeignKeyConstraint(
            ["application_id"],
            ["applications.id"],
            name=op.f("fk_application_events_application_id_applications"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_application_events")),
    )
    op.create_index(
        "ix_application_events_application_id",
        "application_events",
        ["application_id", "at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.execute("UPDATE documents SET kind = 'other' WHERE kind = 'budget'")
    _document_kinds(_KINDS)
    op.drop_index("ix_application_events_application_id", table_name="application_events")
    op.drop_table("application_events")
    op.drop_index(
        "ix_application_budget_lines_application_id", table_name="application_budget_lines"
    )
    op.drop_table("application_budget_lines")
    op.drop_index("ix_applications_round_id", table_name="applications")
    op.drop_index("ix_applications_partnership_id", table_name="applications")
    op.drop_index("ix_applications_created_at_id", table_name="applications")
    op.drop_table("applications")
    op.drop_index("ix_application_rounds_opens_id", table_name="application_rounds")
    op.drop_table("application_rounds")
