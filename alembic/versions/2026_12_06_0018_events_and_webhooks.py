"""Events for other systems (issue 14): the outbox `events`, written in the transaction of the
change; webhook subscriptions, deliveries and their attempts; procrastinate's job queue in its own
schema `procrastinate`; and the fan-out, a trigger run at each event's commit, which writes a
delivery for each subscription the event is for and defers its job in the same transaction.

procrastinate's schema is the SQL it ships (`procrastinate/sql/schema.sql`, for the version
pinned in pyproject.toml); a later procrastinate with migrations of its own gets an Alembic
migration applying them (docs/events.md).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The fan-out: at the event's commit (a deferred constraint trigger, so every row of the
# transaction is there, a partnership's partners included), the organisations that may read
# the event's object are matched against each active subscription's scope and types; each match
# gets a delivery and a procrastinate job in the same transaction. Jobs of one subscription
# share a procrastinate lock, so they run one at a time, in the order deferred.
FAN_OUT = """
CREATE FUNCTION webhook_readers(partnership uuid, organisation uuid) RETURNS uuid[]
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN partnership IS NOT NULL THEN coalesce((
            SELECT array_remove(ARRAY[p.swedish_party_id, p.third_party_id], NULL)
                   || coalesce((SELECT array_agg(pp.organisation_id) FROM partnership_partners pp
                                WHERE pp.partnership_id = p.id), '{}')
              FROM partnerships p WHERE p.id = partnership), '{}')
        WHEN organisation IS NOT NULL THEN ARRAY[organisation]
        ELSE '{}'::uuid[]
    END
$$;
-- Whether the subscription's owner may read an object these organisations may read, now: an API
-- key not revoked nor expired, a user still known; ICLD staff read everything, a coordinator or
-- viewer its current organisations' objects only (a key's or user's organisations may change
-- after the subscription was made). Subscriptions made by the command line ('system') pass.
CREATE FUNCTION webhook_owner_reads(owner_type text, owner_id text, readers uuid[])
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT CASE owner_type
        WHEN 'api_key' THEN EXISTS (
            SELECT 1 FROM api_keys k
             WHERE k.id::text = owner_id AND k.revoked_at IS NULL
               AND (k.expires_at IS NULL OR k.expires_at > now())
               AND (k.role NOT IN ('coordinator', 'viewer') OR k.organisation_ids && readers))
        WHEN 'user' THEN EXISTS (
            SELECT 1 FROM users u
             WHERE u.id::text = owner_id
               AND (u.role NOT IN ('coordinator', 'viewer') OR u.organisation_ids && readers))
        ELSE true
    END
$$;
CREATE FUNCTION webhook_defer(delivery_ids uuid[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    jobs procrastinate.procrastinate_job_to_defer_v1[];
BEGIN
    SELECT array_agg(ROW('webhooks', 'deliver_webhook', 0,
                         'webhook-subscription:' || d.subscription_id, NULL,
                         jsonb_build_object('delivery_id', d.id), NULL
                        )::procrastinate.procrastinate_job_to_defer_v1 ORDER BY o.n)
      INTO jobs
      FROM unnest(delivery_ids) WITH ORDINALITY AS o(id, n)
      JOIN webhook_deliveries d ON d.id = o.id;
    IF jobs IS NOT NULL THEN
        PERFORM procrastinate.procrastinate_defer_jobs_v1(jobs);
    END IF;
END;
$$;
CREATE FUNCTION webhook_fan_out() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    owed uuid[];
    readers uuid[] := webhook_readers(NEW.partnership_id, NEW.organisation_id);
BEGIN
    WITH inserted AS (
        INSERT INTO webhook_deliveries (id, subscription_id, event_id, status, attempts)
        SELECT gen_random_uuid(), s.id, NEW.id, 'pending', 0
          FROM webhook_subscriptions s
         WHERE s.active
           AND CASE WHEN NEW.type = 'ping' THEN s.id = NEW.object_id  -- to its subscription only
               ELSE (cardinality(s.event_types) = 0 OR NEW.type = ANY (s.event_types))
                    AND (s.organisation_ids IS NULL OR s.organisation_ids && readers)
                    AND webhook_owner_reads(s.owner_type, s.owner_id, readers)
               END
        ON CONFLICT DO NOTHING
        RETURNING id
    )
    SELECT array_agg(id) INTO owed FROM inserted;
    IF owed IS NOT NULL THEN
        PERFORM webhook_defer(owed);
    END IF;
    RETURN NULL;
END;
$$;
CREATE CONSTRAINT TRIGGER events_fan_out AFTER INSERT ON events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION webhook_fan_out();
"""


def _script(sql: str) -> None:
    """Run a script of several statements (asyncpg's simple protocol; a prepared statement
    holds one), in the migration's transaction."""
    connection = op.get_bind().connection.dbapi_connection
    assert connection is not None
    connection.run_async(lambda driver: driver.execute(sql))  # type: ignore[attr-defined]


def install_procrastinate() -> None:
    """procrastinate's schema in its own PostgreSQL schema, its functions bound to it (they name
    its tables unqualified, and are called from the fan-out with the app's search path)."""
    sql = resources.files("procrastinate.sql").joinpath("schema.sql").read_text("utf-8")
    _script(
        "CREATE SCHEMA procrastinate; SET LOCAL search_path TO procrastinate;\n"
        + sql
        + """
        DO $$
        DECLARE f record;
        BEGIN
            FOR f IN SELECT p.oid::regprocedure AS signature FROM pg_proc p
                     JOIN pg_namespace n ON n.oid = p.pronamespace
                     WHERE n.nspname = 'procrastinate'
            LOOP
                EXECUTE format('ALTER FUNCTION %s SET search_path = procrastinate, pg_catalog',
                               f.signature);
            END LOOP;
        END $$;
        SET LOCAL search_path TO public;
        """
    )


def upgrade() -> None:
    install_procrastinate()
    op.create_table(
        "events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(60), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("object_type", sa.String(60), nullable=False),
        sa.Column("object_id", sa.Uuid(), nullable=False),
        sa.Column("object_url", sa.String(300), nullable=False),
        sa.Column("actor_type", sa.String(20), nullable=False),
        sa.Column("actor_id", sa.String(300), nullable=False),
        sa.Column("payload", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("partnership_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_index("ix_events_occurred_at_id", "events", ["occurred_at", "id"], unique=False)
    op.create_table(
        "webhook_subscriptions",
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
        sa.Column("url", sa.String(2000), nullable=False),
        sa.Column(
            "event_types",
            postgresql.ARRAY(sa.String(length=60)),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("organisation_ids", postgresql.ARRAY(sa.Uuid()), nullable=True),
        sa.Column("description", sa.String(500), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("paused_reason", sa.String(500), nullable=True),
        sa.Column("secret", sa.String(100), nullable=False),
        sa.Column("previous_secret", sa.String(100), nullable=True),
        sa.Column("previous_secret_expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("owner_type", sa.String(20), nullable=False),
        sa.Column("owner_id", sa.String(300), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscriptions")),
    )
    op.create_index(
        "ix_webhook_subscriptions_created_at_id",
        "webhook_subscriptions",
        ["created_at", "id"],
        unique=False,
    )
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_webhook_deliveries_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_deliveries_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
        sa.UniqueConstraint(
            "subscription_id",
            "event_id",
            name=op.f("uq_webhook_deliveries_subscription_id_event_id"),
        ),
    )
    op.create_index(
        "ix_webhook_deliveries_event_id", "webhook_deliveries", ["event_id"], unique=False
    )
    op.create_table(
        "webhook_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("subscription_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("attempted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=False),
        sa.Column("error", sa.String(500), nullable=True),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["webhook_deliveries.id"],
            name=op.f("fk_webhook_attempts_delivery_id_webhook_deliveries"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscriptions.id"],
            name=op.f("fk_webhook_attempts_subscription_id_webhook_subscriptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_attempts")),
    )
    op.create_index(
        op.f("ix_webhook_attempts_delivery_id"), "webhook_attempts", ["delivery_id"], unique=False
    )
    op.create_index(
        "ix_webhook_attempts_subscription_id_attempted_at_id",
        "webhook_attempts",
        ["subscription_id", "attempted_at", "id"],
        unique=False,
    )

    _script(FAN_OUT)


def downgrade() -> None:
    op.execute("DROP TRIGGER events_fan_out ON events")
    op.execute("DROP FUNCTION webhook_fan_out()")
    op.execute("DROP FUNCTION webhook_defer(uuid[])")
    op.execute("DROP FUNCTION webhook_owner_reads(text, text, uuid[])")
    op.execute("DROP FUNCTION webhook_readers(uuid, uuid)")
    op.drop_index(
        "ix_webhook_attempts_subscription_id_attempted_at_id", table_name="webhook_attempts"
    )
    op.drop_index(op.f("ix_webhook_attempts_delivery_id"), table_name="webhook_attempts")
    op.drop_table("webhook_attempts")
    op.drop_index("ix_webhook_deliveries_event_id", table_name="webhook_deliveries")
    op.drop_table("webhook_deliveries")
    op.drop_index("ix_webhook_subscriptions_created_at_id", table_name="webhook_subscriptions")
    op.drop_table("webhook_subscriptions")
    op.drop_index("ix_events_occurred_at_id", table_name="events")
    op.drop_table("events")
    op.execute("DROP SCHEMA procrastinate CASCADE")
