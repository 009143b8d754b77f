"""Lists sorted, paged both ways and synced (issue 25): `updated_at` on the tables that had none,
kept by a trigger on every update whatever writes it, and the indexes behind each order the
lists offer (app/models/sorting.py lists the same).

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025"
down_revision: str | None = "0024"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables whose rows had no `updated_at` (the others' is set by the application on each change),
# with the columns whose change is one: not the stamps of a key's or a user's last use.
_UNTRACKED = {
    "users": ("subject", "name", "email", "role", "organisation_ids"),
    "api_keys": (
        "name", "prefix", "secret_hash", "role", "organisation_ids", "created_by", "expires_at",
        "revoked_at",
    ),
    "countries": ("code", "alpha3", "name_en", "name_sv", "name_es", "funding_region"),
    "calendar_subscriptions": (
        "feed", "partnership_id", "organisation_id", "prefix", "secret_hash", "owner_type",
        "owner_id",
    ),
}  # fmt: skip

_SORT_INDEXES: dict[str, list[tuple[str, ...]]] = {
    "partnerships": [("created_at", "id"), ("updated_at", "id")],
    "networks": [("created_at", "id"), ("updated_at", "id")],
    "workshops": [("created_at", "id"), ("updated_at", "id")],
    "training_programmes": [("created_at", "id"), ("updated_at", "id")],
    "study_visits": [("created_at", "id"), ("updated_at", "id")],
    "partner_interests": [("expires_on", "id"), ("updated_at", "id")],
    "users": [("subject", "id"), ("created_at", "id"), ("updated_at", "id")],
    "api_keys": [("created_at", "id"), ("name", "id"), ("updated_at", "id")],
    "countries": [("name_en", "code"), ("updated_at", "code")],
    "webhook_subscriptions": [("updated_at", "id")],
    "organisations": [("created_at", "id"), ("updated_at", "id")],
    "calendar_subscriptions": [("updated_at", "id")],
    "people": [("given_name", "id"), ("created_at", "id"), ("updated_at", "id")],
    "applications": [("updated_at", "id")],
    "application_rounds": [("created_at", "id"), ("updated_at", "id")],
    "grants": [("created_at", "id"), ("updated_at", "id")],
    "meetings": [("partnership_id", "created_at", "id"), ("partnership_id", "updated_at", "id")],
    "documents": [("partnership_id", "title", "id"), ("partnership_id", "updated_at", "id")],
    "results": [("partnership_id", "created_at", "id"), ("partnership_id", "updated_at", "id")],
    "partnership_members": [
        ("partnership_id", "team", "start_date", "id"),
        ("partnership_id", "start_date", "id"),
        ("partnership_id", "created_at", "id"),
        ("partnership_id", "updated_at", "id"),
    ],
}


def _name(table: str, columns: tuple[str, ...]) -> str:
    name = f"ix_{table}_{'_'.join(columns)}"
    return name if len(name) <= 63 else f"ix_{table}_{'_'.join(c[:4] for c in columns)}"


def upgrade() -> None:
    op.execute(
        """
        CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF NEW IS DISTINCT FROM OLD THEN
                NEW.updated_at := clock_timestamp();  -- as the application stamps its own
            END IF;
            RETURN NEW;
        END $$
        """
    )
    for table, columns in _UNTRACKED.items():
        op.add_column(
            table,
            sa.Column(
                "updated_at",
                sa.DateTime(timezone=True),
                server_default=sa.text("now()"),
                nullable=False,
            ),
        )
        if table != "countries":  # the reference data has no creation time: now, then
            op.execute(f"UPDATE {table} SET updated_at = created_at")
        op.execute(
            f"CREATE TRIGGER {table}_updated_at BEFORE UPDATE OF {', '.join(columns)} "
            f"ON {table} FOR EACH ROW EXECUTE FUNCTION set_updated_at()"
        )
    for table, indexes in _SORT_INDEXES.items():
        for columns in indexes:
            op.create_index(_name(table, columns), table, list(columns))


def downgrade() -> None:
    for table, indexes in _SORT_INDEXES.items():
        for columns in indexes:
            op.drop_index(_name(table, columns), table_name=table)
    for table in _UNTRACKED:
        op.execute(f"DROP TRIGGER {table}_updated_at ON {table}")
        op.drop_column(table, "updated_at")
    op.execute("DROP FUNCTION set_updated_at()")
