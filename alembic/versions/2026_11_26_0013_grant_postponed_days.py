"""A grant remembers the days its postponements added, so that they lengthen its last project
year instead of adding a year (issue 7, review of step 2).

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "grants",
        sa.Column("postponed_days", sa.Integer(), server_default="0", nullable=False),
    )
    op.execute(
        """
        UPDATE grants SET postponed_days = coalesce((
            SELECT sum((a.details ->> 'days')::int) FROM grant_amendments a
            WHERE a.grant_id = grants.id AND a.kind = 'postponement'
        ), 0)
        """
    )


def downgrade() -> None:
    op.drop_column("grants", "postponed_days")
