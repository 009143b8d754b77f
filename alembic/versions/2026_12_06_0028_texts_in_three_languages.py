"""Texts in three languages (issue 17, docs/languages-content.md): the main language and the
translations of partnerships, networks, workshops and results, and full-text search over every
language with its own configuration (partnerships' vector redefined, networks' new).

Revision ID: 0028
Revises: 0026
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0028"
down_revision: str | None = "0026"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("partnerships", "networks", "workshops", "results")
# The titles (weight A) and every word unstemmed ('simple'), the main texts stemmed in their
# language, each translation in its own (app/models/texts.py as of this revision).
SEARCH = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || "
    "coalesce(translations #>> '{en,title}', '') || ' ' || coalesce(translations #>> "
    "'{sv,title}', '') || ' ' || coalesce(translations #>> '{es,title}', '')), 'A') || "
    "to_tsvector('simple'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '')"
    " || ' ' || coalesce(translations #>> '{en,title}', '') || ' ' || coalesce(translations "
    "#>> '{en,description}', '') || ' ' || coalesce(translations #>> '{sv,title}', '') || ' '"
    " || coalesce(translations #>> '{sv,description}', '') || ' ' || coalesce(translations "
    "#>> '{es,title}', '') || ' ' || coalesce(translations #>> '{es,description}', '')) || "
    "to_tsvector(CASE language WHEN 'en' THEN 'english'::regconfig WHEN 'sv' THEN "
    "'swedish'::regconfig WHEN 'es' THEN 'spanish'::regconfig ELSE 'simple'::regconfig END, "
    "coalesce(title, '') || ' ' || coalesce(description, '')) || "
    "to_tsvector('english'::regconfig, coalesce(translations #>> '{en,title}', '') || ' ' || "
    "coalesce(translations #>> '{en,description}', '')) || to_tsvector('swedish'::regconfig, "
    "coalesce(translations #>> '{sv,title}', '') || ' ' || coalesce(translations #>> "
    "'{sv,description}', '')) || to_tsvector('spanish'::regconfig, coalesce(translations #>> "
    "'{es,title}', '') || ' ' || coalesce(translations #>> '{es,description}', ''))"
)

# Partnerships' vector before this revision (0003).
OLD_SEARCH = (
    "setweight(to_tsvector('simple'::regconfig, coalesce(title, '')), 'A') || "
    "to_tsvector('swedish'::regconfig, coalesce(title, '') || ' ' || coalesce(description, '')) || "
    "to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(description, ''))"
)


def _search(table: str, expression: str) -> None:
    op.add_column(
        table,
        sa.Column(
            "search", postgresql.TSVECTOR(), sa.Computed(expression, persisted=True), nullable=True
        ),
    )
    op.create_index(f"ix_{table}_search", table, ["search"], postgresql_using="gin")


def upgrade() -> None:
    for table in TABLES:
        op.add_column(
            table, sa.Column("language", sa.String(2), server_default="en", nullable=False)
        )
        op.add_column(
            table,
            sa.Column("translations", postgresql.JSONB(), server_default="{}", nullable=False),
        )
        op.create_check_constraint(
            op.f(f"ck_{table}_language"), table, "language IN ('en', 'sv', 'es')"
        )
    op.drop_index("ix_partnerships_search", table_name="partnerships", postgresql_using="gin")
    op.drop_column("partnerships", "search")
    _search("partnerships", SEARCH)
    _search("networks", SEARCH)


def downgrade() -> None:
    op.drop_index("ix_networks_search", table_name="networks", postgresql_using="gin")
    op.drop_column("networks", "search")
    op.drop_index("ix_partnerships_search", table_name="partnerships", postgresql_using="gin")
    op.drop_column("partnerships", "search")
    for table in TABLES:
        op.drop_constraint(op.f(f"ck_{table}_language"), table, type_="check")
        op.drop_column(table, "translations")
        op.drop_column(table, "language")
    _search("partnerships", OLD_SEARCH)
