"""Partnerships step 1: parties, phases, decisions, steering and project groups.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEARCH = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "to_tsvector('swedish'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '')) || "
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(description, ''))"
)


def upgrade() -> None:
    op.create_table(
        "partnerships",
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
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("local_challenge", sa.Text(), nullable=True),
        sa.Column(
            "themes", postgresql.ARRAY(sa.String(length=100)), server_default="{}", nullable=False
        ),
        sa.Column(
            "principles",
            postgresql.ARRAY(sa.String(length=40)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("swedish_party_id", sa.Uuid(), nullable=False),
        sa.Column("third_party_id", sa.Uuid(), nullable=True),
        sa.Column("applied_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                SEARCH,
                persisted=True,
            ),
            nullable=True,
        ),
        sa.CheckConstraint(
            "status IN ('draft', 'inception', 'project', 'completed', 'terminated')",
            name=op.f("ck_partnerships_status"),
        ),
        sa.ForeignKeyConstraint(
            ["swedish_party_id"],
            ["organisations.id"],
            name=op.f("fk_partnerships_swedish_party_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["third_party_id"],
            ["organisations.id"],
            name=op.f("fk_partnerships_third_party_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnerships")),
    )
    op.create_index(
        "ix_partnerships_search", "partnerships", ["search"], unique=False, postgresql_using="gin"
    )
    op.create_index(
        "ix_partnerships_swedish_party_id", "partnerships", ["swedish_party_id"], unique=False
    )
    op.create_index("ix_partnerships_title_id", "partnerships", ["title", "id"], unique=False)
    op.create_table(
        "partnership_members",
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
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("team", sa.String(20), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.CheckConstraint(
            "team IN ('steering_group', 'project_group', 'inception_team')",
            name=op.f("ck_partnership_members_team"),
        ),
        sa.CheckConstraint(
            "role IN ('chair', 'vice_chair', 'member', 'coordinator', 'project_manager')",
            name=op.f("ck_partnership_members_role"),
        ),
        sa.CheckConstraint(
            "end_date IS NULL OR end_date >= start_date",
            name=op.f("ck_partnership_members_period_order"),
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_members_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_partnership_members_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_members")),
    )
    op.create_index(
        "ix_partnership_members_partnership_id",
        "partnership_members",
        ["partnership_id", "team", "id"],
        unique=False,
    )
    op.create_index(
        "ix_partnership_members_person_id", "partnership_members", ["person_id"], unique=False
    )
    op.create_table(
        "partnership_partners",
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_partnership_partners_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_partners_partnership_id_partnerships"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "partnership_id", "organisation_id", name=op.f("pk_partnership_partners")
        ),
    )
    op.create_index(
        "ix_partnership_partners_organisation_id",
        "partnership_partners",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "phases",
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
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("planned_end", sa.Date(), nullable=False),
        sa.Column("actual_start", sa.Date(), nullable=True),
        sa.Column("actual_end", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.CheckConstraint("kind IN ('inception', 'project')", name=op.f("ck_phases_kind")),
        sa.CheckConstraint(
            "status IN ('planned', 'active', 'completed', 'terminated')",
            name=op.f("ck_phases_status"),
        ),
        sa.CheckConstraint("planned_end >= planned_start", name=op.f("ck_phases_planned_order")),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_phases_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_phases")),
    )
    op.create_index(
        "ix_phases_partnership_id_planned_start",
        "phases",
        ["partnership_id", "planned_start", "id"],
        unique=False,
    )
    op.create_table(
        "partnership_decisions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=False),
        sa.Column("phase_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("decided_by", sa.String(300), nullable=False),
        sa.Column(
            "decided_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("decision_reference", sa.String(100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("details", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint(
            "action IN ('start', 'postpone', 'extend', 'terminate', 'complete')",
            name=op.f("ck_partnership_decisions_action"),
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_partnership_decisions_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["phase_id"],
            ["phases.id"],
            name=op.f("fk_partnership_decisions_phase_id_phases"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partnership_decisions")),
    )
    op.create_index(
        "ix_partnership_decisions_partnership_id",
        "partnership_decisions",
        ["partnership_id", "decided_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_partnership_decisions_partnership_id", table_name="partnership_decisions")
    op.drop_table("partnership_decisions")
    op.drop_index("ix_phases_partnership_id_planned_start", table_name="phases")
    op.drop_table("phases")
    op.drop_index("ix_partnership_partners_organisation_id", table_name="partnership_partners")
    op.drop_table("partnership_partners")
    op.drop_index("ix_partnership_members_person_id", table_name="partnership_members")
    op.drop_index("ix_partnership_members_partnership_id", table_name="partnership_members")
    op.drop_table("partnership_members")
    op.drop_index("ix_partnerships_title_id", table_name="partnerships")
    op.drop_index("ix_partnerships_swedish_party_id", table_name="partnerships")
    op.drop_index("ix_partnerships_search", table_name="partnerships", postgresql_using="gin")
    op.drop_table("partnerships")
