"""Meetings and visits of partnerships with their participants; one active phase at a time.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "meetings",
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
        sa.Column("host_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "kind IN ('visit', 'digital_meeting', 'workshop', 'study_visit')",
            name=op.f("ck_meetings_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('planned', 'held', 'cancelled')", name=op.f("ck_meetings_status")
        ),
        sa.CheckConstraint("end_date >= start_date", name=op.f("ck_meetings_period_order")),
        sa.ForeignKeyConstraint(
            ["host_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_meetings_host_organisation_id_organisations"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_meetings_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    op.create_index(
        "ix_meetings_host_organisation_id", "meetings", ["host_organisation_id"], unique=False
    )
    op.create_index(
        "ix_meetings_partnership_id_start_date",
        "meetings",
        ["partnership_id", "start_date", "id"],
        unique=False,
    )
    op.create_table(
        "meeting_participants",
        sa.Column("meeting_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meetings.id"],
            name=op.f("fk_meeting_participants_meeting_id_meetings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_meeting_participants_person_id_people"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "person_id", name=op.f("pk_meeting_participants")),
    )
    op.create_index(
        "ix_meeting_participants_person_id", "meeting_participants", ["person_id"], unique=False
    )
    op.create_index(
        "uq_phases_one_active",
        "phases",
        ["partnership_id"],
        unique=True,
        postgresql_where=sa.text("status = 'active'"),
    )


def downgrade() -> None:
    op.drop_index("uq_phases_one_active", table_name="phases")
    op.drop_index("ix_meeting_participants_person_id", table_name="meeting_participants")
    op.drop_table("meeting_participants")
    op.drop_index("ix_meetings_partnership_id_start_date", table_name="meetings")
    op.drop_index("ix_meetings_host_organisation_id", table_name="meetings")
    op.drop_table("meetings")
