"""Thematic networks, their members, and the network a partnership belongs to.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "networks",
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
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("theme", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column(
            "country_codes",
            postgresql.ARRAY(sa.String(length=2)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("coordinator_id", sa.Uuid(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.CheckConstraint(
            "status IN ('planned', 'active', 'closed')", name=op.f("ck_networks_status")
        ),
        sa.CheckConstraint("ends >= starts", name=op.f("ck_networks_period_order")),
        sa.ForeignKeyConstraint(
            ["coordinator_id"],
            ["organisations.id"],
            name=op.f("fk_networks_coordinator_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_networks")),
    )
    op.create_index("ix_networks_title_id", "networks", ["title", "id"], unique=False)
    op.create_table(
        "network_members",
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
        sa.Column("network_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("joined_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.CheckConstraint(
            "status IN ('invited', 'active', 'left')", name=op.f("ck_network_members_status")
        ),
        sa.ForeignKeyConstraint(
            ["network_id"],
            ["networks.id"],
            name=op.f("fk_network_members_network_id_networks"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_network_members_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_members")),
        sa.UniqueConstraint(
            "network_id",
            "organisation_id",
            name=op.f("uq_network_members_network_id_organisation_id"),
        ),
    )
    op.create_index(
        "ix_network_members_organisation_id", "network_members", ["organisation_id"], unique=False
    )
    op.add_column("partnerships", sa.Column("network_id", sa.Uuid(), nullable=True))
    op.create_index(
        op.f("ix_partnerships_network_id"), "partnerships", ["network_id"], unique=False
    )
    op.create_foreign_key(
        op.f("fk_partnerships_network_id_networks"),
        "partnerships",
        "networks",
        ["network_id"],
        ["id"],
        ondelete="RESTRICT",
    )


def downgrade() -> None:
    op.drop_constraint(
        op.f("fk_partnerships_network_id_networks"), "partnerships", type_="foreignkey"
    )
    op.drop_index(op.f("ix_partnerships_network_id"), table_name="partnerships")
    op.drop_column("partnerships", "network_id")
    op.drop_index("ix_network_members_organisation_id", table_name="network_members")
    op.drop_table("network_members")
    op.drop_index("ix_networks_title_id", table_name="networks")
    op.drop_table("networks")
