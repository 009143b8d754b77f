"""A change of an API key or a user (but its last use) is announced on `partnership_auth` at its
commit, so that every process drops what it keeps of it (app/services/access/principals.py).

Revision ID: 0027
Revises: 0025
Create Date: 2026-12-06
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0027"
down_revision: str | None = "0025"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# NOTIFY is sent at commit, once per distinct payload of the transaction; a rolled-back change
# sends nothing.
_FUNCTION = """
CREATE FUNCTION notify_auth_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('partnership_auth', TG_ARGV[0] || ':' || OLD.id::text);
    RETURN NULL;
END
$$
"""

# What a principal is made of: a change of anything else (the last use) announces nothing.
_WATCHED = {
    "api_keys": (
        "api_key",
        "name, prefix, secret_hash, role, organisation_ids, expires_at, revoked_at",
    ),
    "users": ("user", "subject, name, email, role, organisation_ids"),
}


def upgrade() -> None:
    op.execute(_FUNCTION)
    for table, (kind, columns) in _WATCHED.items():
        old = ", ".join(f"OLD.{c.strip()}" for c in columns.split(","))
        new = ", ".join(f"NEW.{c.strip()}" for c in columns.split(","))
        op.execute(
            f"CREATE TRIGGER {table}_notify_update AFTER UPDATE ON {table} FOR EACH ROW "
            f"WHEN (({old}) IS DISTINCT FROM ({new})) "
            f"EXECUTE FUNCTION notify_auth_change('{kind}')"
        )
        op.execute(
            f"CREATE TRIGGER {table}_notify_delete AFTER DELETE ON {table} FOR EACH ROW "
            f"EXECUTE FUNCTION notify_auth_change('{kind}')"
        )


def downgrade() -> None:
    for table in _WATCHED:
        op.execute(f"DROP TRIGGER {table}_notify_delete ON {table}")
        op.execute(f"DROP TRIGGER {table}_notify_update ON {table}")
    op.execute("DROP FUNCTION notify_auth_change()")
