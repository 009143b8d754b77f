"""Partner search (issue 18): declarations of interest, the partnership a match was made into,
an organisation's population (the size signal), and pg_trgm for the challenges' similarity
(docs/partner-search.md).

Revision ID: 0024
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0024"
down_revision: str | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXTS = postgresql.ARRAY(sa.String(100))


def upgrade() -> None:
    # The similarity of two declarations' local challenges (app/services/partner_interests.py).
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.create_table(
        "partner_interests",
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
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("side", sa.String(10), nullable=False),
        sa.Column("themes", _TEXTS, server_default="{}", nullable=False),
        sa.Column(
            "principles", postgresql.ARRAY(sa.String(40)), server_default="{}", nullable=False
        ),
        sa.Column("local_challenge", sa.Text(), nullable=False),
        sa.Column("countries", postgresql.ARRAY(sa.String(2)), server_default="{}", nullable=False),
        sa.Column(
            "funding_regions", postgresql.ARRAY(sa.String(20)), server_default="{}", nullable=False
        ),
        sa.Column("phase_kind", sa.String(20), nullable=False),
        sa.Column("earliest_start", sa.Date(), nullable=False),
        sa.Column("network_id", sa.Uuid(), nullable=True),
        sa.Column("listed", sa.Boolean(), server_default=sa.text("false"), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("expires_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "phase_kind IN ('inception', 'project')", name=op.f("ck_partner_interests_phase_kind")
        ),
        sa.CheckConstraint(
            "side IN ('swedish', 'partner')", name=op.f("ck_partner_interests_side")
        ),
        sa.CheckConstraint(
            "status IN ('open', 'matched', 'withdrawn')", name=op.f("ck_partner_interests_status")
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_partner_interests_network_id_networks"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partner_interests_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_interests")),
    )
    op.create_index("ix_partner_interests_created_at_id", "partner_interests", ["created_at", "id"])
    op.create_index(
        "ix_partner_interests_status_created_at_id",
        "partner_interests",
        ["status", "created_at", "id"],
    )
    op.create_index(
        "ix_partner_interests_organisation_id", "partner_interests", ["organisation_id"]
    )
    op.create_index("ix_partner_interests_network_id", "partner_interests", ["network_id"])

    op.add_column("organisations", sa.Column("population", sa.Integer(), nullable=True))
    op.create_check_constraint(
        op.f("ck_organisations_population"), "organisations", "population > 0"
    )

    for side in ("swedish", "partner"):
        column = f"origin_{side}_interest_id"
        op.add_column("partnerships", sa.Column(column, sa.Uuid(), nullable=True))
        op.create_foreign_key(
            op.f(f"fk_partnerships_{column}_partner_interests"),
            "partnerships",
            "partner_interests",
            [column],
            ["id"],
            ondelete="RESTRICT",
        )
    op.create_check_constraint(
        op.f("ck_partnerships_origin_whole"),
        "partnerships",
        "(origin_swedish_interest_id IS NULL) = (origin_partner_interest_id IS NULL)",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("ck_partnerships_origin_whole"), "partnerships", type_="check")
    for side in ("swedish", "partner"):
        column = f"origin_{side}_interest_id"
        op.drop_constraint(
            op.f(f"fk_partnerships_{column}_partner_interests"), "partnerships", type_="foreignkey"
        )
        op.drop_column("partnerships", column)
    op.drop_constraint(op.f("ck_organisations_population"), "organisations", type_="check")
    op.drop_column("organisations", "population")
    op.drop_table("partner_interests")
