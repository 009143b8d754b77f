"""Retention (docs/events.md, "Retention"): events and the delivery log are kept
EVENT_RETENTION_DAYS, then swept by the job queue in batches, each batch its own short
transaction. A delivery still pending (waiting for its first attempt or for a retry) is never
swept, nor its attempts or its event, however old: nothing owed is lost.

An attempt goes once it is older than the period; an event goes once it is older than the
period and none of its deliveries is pending or has an attempt left (its deliveries go with
it). So an event replayed late stays until its last attempt is as old as the period."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

SWEEP_BATCH = 1000
"""Rows of each kind deleted per transaction."""

# The rows of a batch are chosen once, in a MATERIALIZED CTE: as `id IN (SELECT ... LIMIT n FOR
# UPDATE SKIP LOCKED)` the planner may run the subquery again for each row it joins (a nested
# loop), and a batch then deletes more than n rows (seen: two events in a batch of one).
_ATTEMPTS = sa.text(
    """
    WITH batch AS MATERIALIZED (
        SELECT a.id FROM webhook_attempts a
          JOIN webhook_deliveries d ON d.id = a.delivery_id
         WHERE a.attempted_at < :cutoff AND d.status <> 'pending'
         ORDER BY a.attempted_at
         LIMIT :limit
           FOR UPDATE OF a SKIP LOCKED)
    DELETE FROM webhook_attempts USING batch WHERE webhook_attempts.id = batch.id
    """
)
_EVENTS = sa.text(
    """
    WITH batch AS MATERIALIZED (
        SELECT e.id FROM events e
         WHERE e.occurred_at < :cutoff
           AND NOT EXISTS (
               SELECT 1 FROM webhook_deliveries d
                WHERE d.event_id = e.id
                  AND (d.status = 'pending'
                       OR EXISTS (SELECT 1 FROM webhook_attempts a WHERE a.delivery_id = d.id)))
         ORDER BY e.occurred_at
         LIMIT :limit
           FOR UPDATE SKIP LOCKED)
    DELETE FROM events USING batch WHERE events.id = batch.id
    """
)


async def sweep_batch(conn: AsyncConnection, cutoff: datetime, limit: int) -> tuple[int, int]:
    """One batch: up to `limit` attempts made before `cutoff`, then up to `limit` events that
    happened before it (with their deliveries); how many of each went. Rows another sweeper
    holds are skipped."""
    values = {"cutoff": cutoff, "limit": limit}
    attempts = (await conn.execute(_ATTEMPTS, values)).rowcount
    events = (await conn.execute(_EVENTS, values)).rowcount
    return int(attempts or 0), int(events or 0)


async def sweep_expired_events(
    engine: AsyncEngine, cutoff: datetime, limit: int = SWEEP_BATCH
) -> tuple[int, int]:
    """Every batch until none is full: (attempts, events) deleted in all. The attempts of a
    batch go before its events, so a batch with fewer than `limit` of each leaves nothing."""
    attempts = events = 0
    while True:
        async with engine.begin() as conn:
            swept_attempts, swept_events = await sweep_batch(conn, cutoff, limit)
        attempts, events = attempts + swept_attempts, events + swept_events
        if swept_attempts < limit and swept_events < limit:
            return attempts, events
