"""`report.overdue` and retention (issue 14, docs/events.md): a notice per report announced as
overdue, whose primary key makes the announcement once per report whatever the runs or workers;
and an index for the retention sweep of delivery attempts by age.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report_overdue_notices",
        sa.Column("grant_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "announced_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "kind IN ('interim', 'final')", name=op.f("ck_report_overdue_notices_kind")
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_report_overdue_notices_grant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("grant_id", "kind", "year", name=op.f("pk_report_overdue_notices")),
    )
    op.create_index(
        "ix_webhook_attempts_attempted_at", "webhook_attempts", ["attempted_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_attempts_attempted_at", table_name="webhook_attempts")
    op.drop_table("report_overdue_notices")
