"""Meetings as coordinators live them (issue 22): a meeting is cancelled with its reason, who and
when; moved with its calendar SEQUENCE raised; every step kept in `meeting_changes`; and the first
time a calendar feed listed it, so that only a meeting entered by mistake is deleted.

A feed wrote SEQUENCE from the meeting's version until now, and a calendar ignores an update whose
SEQUENCE went down: the existing meetings start from their version. Their earlier steps are in the
audit trail; their history starts here, and a cancellation made before it has no reason.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "meetings", sa.Column("sequence", sa.Integer(), server_default="0", nullable=False)
    )
    op.execute("UPDATE meetings SET sequence = version")
    op.add_column("meetings", sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("meetings", sa.Column("cancelled_by", sa.String(300), nullable=True))
    op.add_column("meetings", sa.Column("cancelled_reason", sa.Text(), nullable=True))
    op.add_column(
        "meetings", sa.Column("in_calendar_since", sa.DateTime(timezone=True), nullable=True)
    )
    # The feeds served every meeting before this revision: each may be in someone's calendar.
    op.execute("UPDATE meetings SET in_calendar_since = created_at")
    op.create_check_constraint(op.f("ck_meetings_sequence"), "meetings", "sequence >= 0")
    op.create_check_constraint(
        op.f("ck_meetings_cancellation"),
        "meetings",
        "(cancelled_at IS NULL AND cancelled_by IS NULL AND cancelled_reason IS NULL) OR "
        "(status = 'cancelled' AND cancelled_at IS NOT NULL AND cancelled_by IS NOT NULL "
        "AND cancelled_reason IS NOT NULL)",
    )
    op.create_table(
        "meeting_changes",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("changed_by", sa.String(300), nullable=False),
        sa.Column(
            "changed_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint(
            "action IN ('create', 'hold', 'cancel', 'reschedule')",
            name=op.f("ck_meeting_changes_action"),
        ),
        sa.CheckConstraint(
            "reason IS NOT NULL OR action NOT IN ('cancel', 'reschedule')",
            name=op.f("ck_meeting_changes_reason"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_changes_meeting_id_meetings"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_changes")),
    )
    op.create_index(
        "ix_meeting_changes_meeting_id",
        "meeting_changes",
        ["meeting_id", "changed_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_meeting_changes_meeting_id", table_name="meeting_changes")
    op.drop_table("meeting_changes")
    op.drop_constraint(op.f("ck_meetings_cancellation"), "meetings", type_="check")
    op.drop_constraint(op.f("ck_meetings_sequence"), "meetings", type_="check")
    op.drop_column("meetings", "in_calendar_since")
    op.drop_column("meetings", "cancelled_reason")
    op.drop_column("meetings", "cancelled_by")
    op.drop_column("meetings", "cancelled_at")
    op.drop_column("meetings", "sequence")
