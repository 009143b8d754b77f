"""Workshop participants carry a gender for the network summary's aggregate figures.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "workshop_participants",
        sa.Column("gender", sa.String(length=20), nullable=False, server_default="not_stated"),
    )
    op.create_check_constraint(
        op.f("ck_workshop_participants_gender"),
        "workshop_participants",
        "gender IN ('woman', 'man', 'other', 'not_stated')",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("ck_workshop_participants_gender"), "workshop_participants", type_="check"
    )
    op.drop_column("workshop_participants", "gender")
