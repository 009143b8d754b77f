"""Events in the order they committed (issue 25, "Changes since"): each event gets a `position`
from a sequence when its transaction commits, taken under a lock held until the commit is
visible, so positions become visible in increasing order and a client pulling
`GET /api/v1/events?after=<cursor>` never skips an event that commits late
(docs/events.md, "Pulling events").

Revision ID: 0022
Revises: 0020
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A deferred constraint trigger runs as the transaction commits. The advisory lock (two-key
# form, apart from the 64-bit keys of Idempotency-Key and migrations) is held until the
# transaction has ended, after its commit became visible: the next transaction takes its
# positions only then, so no position is ever seen before a smaller one. The sequence has no
# cache (CACHE 1), so every session draws from the same order.
POSITION = (
    "CREATE SEQUENCE events_position_seq AS bigint CACHE 1 OWNED BY events.position",
    """
    CREATE FUNCTION events_position() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('events.position'), 0);
        UPDATE events SET position = nextval('events_position_seq') WHERE id = NEW.id;
        RETURN NULL;
    END;
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER events_position AFTER INSERT ON events
        DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION events_position()
    """,
)

# Events already stored take their places in the order they happened.
BACKFILL = (
    """
    WITH ordered AS (
        SELECT id, row_number() OVER (ORDER BY occurred_at, id) AS n FROM events
    )
    UPDATE events e SET position = o.n FROM ordered o WHERE e.id = o.id
    """,
    "SELECT setval('events_position_seq', (SELECT coalesce(max(position), 0) + 1 FROM events), "
    "false)",
)


def upgrade() -> None:
    op.add_column("events", sa.Column("position", sa.BigInteger(), nullable=True))
    for statement in (*POSITION, *BACKFILL):
        op.execute(statement)
    op.create_index("ix_events_position", "events", ["position"], unique=True)


def downgrade() -> None:
    op.execute("DROP TRIGGER events_position ON events")
    op.execute("DROP FUNCTION events_position()")
    op.drop_index("ix_events_position", table_name="events")
    op.drop_column("events", "position")
