"""International training programmes, their implementing organisations, and study visits.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "training_programmes",
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
        sa.Column("code", sa.String(50), nullable=True),
        sa.Column("funder", sa.String(200), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("ends", sa.Date(), nullable=False),
        sa.Column("segments", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("participant_countries", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("ends >= starts", name=op.f("ck_training_programmes_period_order")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_programmes")),
    )
    op.create_index(
        "ix_training_programmes_starts_id", "training_programmes", ["starts", "id"], unique=False
    )
    op.create_table(
        "programme_organisations",
        sa.Column("programme_id", sa.Uuid(), nullable=False),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.CheckConstraint(
            "role IN ('lead', 'partner')", name=op.f("ck_programme_organisations_role")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_programme_organisations_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["training_programmes.id"],
            name=op.f("fk_programme_organisations_programme_id_training_programmes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "programme_id", "organisation_id", name=op.f("pk_programme_organisations")
        ),
    )
    op.create_index(
        "ix_programme_organisations_organisation_id",
        "programme_organisations",
        ["organisation_id"],
        unique=False,
    )
    op.create_table(
        "study_visits",
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
        sa.Column("visit_on", sa.Date(), nullable=False),
        sa.Column("host_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("programme_id", sa.Uuid(), nullable=True),
        sa.Column("partnership_id", sa.Uuid(), nullable=True),
        sa.Column(
            "visiting_countries",
            postgresql.ARRAY(sa.String(length=2)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column(
            "topics", postgresql.ARRAY(sa.String(length=100)), server_default="{}", nullable=False
        ),
        sa.Column("contact_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "programme_id IS NULL OR partnership_id IS NULL",
            name=op.f("ck_study_visits_one_source"),
        ),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_study_visits_host_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_study_visits_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["training_programmes.id"],
            name=op.f("fk_study_visits_programme_id_training_programmes"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_study_visits")),
    )
    op.create_index(
        "ix_study_visits_host_organisation_id",
        "study_visits",
        ["host_organisation_id"],
        unique=False,
    )
    op.create_index("ix_study_visits_visit_on_id", "study_visits", ["visit_on", "id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_study_visits_visit_on_id", table_name="study_visits")
    op.drop_index("ix_study_visits_host_organisation_id", table_name="study_visits")
    op.drop_table("study_visits")
    op.drop_index(
        "ix_programme_organisations_organisation_id", table_name="programme_organisations"
    )
    op.drop_table("programme_organisations")
    op.drop_index("ix_training_programmes_starts_id", table_name="training_programmes")
    op.drop_table("training_programmes")
