"""Documents of partnerships (metadata and stored files) and their results.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "documents",
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
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("title", sa.String(300), nullable=False),
        sa.Column("swedish_signed_on", sa.Date(), nullable=True),
        sa.Column("partner_signed_on", sa.Date(), nullable=True),
        sa.Column("file_key", sa.String(200), nullable=True),
        sa.Column("file_name", sa.String(255), nullable=True),
        sa.Column("content_type", sa.String(100), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(64), nullable=True),
        sa.CheckConstraint(
            "kind IN ('letter_of_intent', 'decision', 'report', 'other')",
            name=op.f("ck_documents_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_documents_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
    )
    op.create_index(
        "ix_documents_partnership_id",
        "documents",
        ["partnership_id", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "results",
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
        sa.Column("principle", sa.String(40), nullable=False),
        sa.Column("side", sa.String(20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.CheckConstraint(
            "principle IN ('equality_non_discrimination', 'participation', 'transparency', "
            "'accountability')",
            name=op.f("ck_results_principle"),
        ),
        sa.CheckConstraint("side IN ('swedish', 'partner', 'both')", name=op.f("ck_results_side")),
        sa.ForeignKeyConstraint(
            ["partnership_id"],
            ["partnerships.id"],
            name=op.f("fk_results_partnership_id_partnerships"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_results")),
    )
    op.create_index(
        "ix_results_partnership_id",
        "results",
        ["partnership_id", "observed_on", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index("ix_results_partnership_id", table_name="results")
    op.drop_table("results")
    op.drop_index("ix_documents_partnership_id", table_name="documents")
    op.drop_table("documents")
