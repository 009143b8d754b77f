"""Calendar subscriptions (issue 15 §2): a secret URL per feed for calendar apps, which cannot
send a bearer token; only the SHA-256 of each token is stored (docs/calendars.md).

Revision ID: 0020
Revises: 0018
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_subscriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("feed", sa.String(20), nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("owner_type", sa.String(20), nullable=False),
        sa.Column("owner_id", sa.String(300), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "feed IN ('partnership', 'organisation')", name=op.f("ck_calendar_subscriptions_feed")
        ),
        sa.CheckConstraint(
            "(feed = 'partnership') = (partnership_id IS NOT NULL) "
            "AND (feed = 'organisation') = (organisation_id IS NOT NULL)",
            name=op.f("ck_calendar_subscriptions_feed_object"),
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_calendar_subscriptions_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_calendar_subscriptions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_subscriptions")),
        sa.UniqueConstraint("prefix", name=op.f("uq_calendar_subscriptions_prefix")),
    )
    op.create_index(
        "ix_calendar_subscriptions_created_at_id",
        "calendar_subscriptions",
        ["created_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_calendar_subscriptions_owner_type_owner_id_created_at_id",
        "calendar_subscriptions",
        ["owner_type", "owner_id", "created_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(
        "ix_calendar_subscriptions_owner_type_owner_id_created_at_id",
        table_name="calendar_subscriptions",
    )
    op.drop_index("ix_calendar_subscriptions_created_at_id", table_name="calendar_subscriptions")
    op.drop_table("calendar_subscriptions")
