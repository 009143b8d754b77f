"""The stored answers behind `Idempotency-Key` (docs/conventions.md, "Idempotency-Key").

Who is running a key is told by a PostgreSQL advisory lock, taken in the request's own
transaction (`try_lock`): every replica sees it, and it ends with the transaction however that
ends, a crash or a lost connection included, so no key is ever stuck "in progress". A finished
request's answer is a row of `idempotency_keys`, written in the same transaction as the change it
answers (`store`): a change is never committed without its answer, nor an answer without its
change. Rows live `KEY_LIFETIME`; `sweep_expired_keys` deletes the expired ones: the job queue's
worker every ten minutes, and a bounded batch on every store.

Statements go through the session's connection, not the ORM: these rows are plumbing, not
resources, and stay out of the audit trail.
"""

import hashlib
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.models.idempotency import IdempotencyKey

KEY_LIFETIME = timedelta(hours=24)
SWEEP_BATCH = 100
"""How many expired rows a store deletes on its way (bounded, so no request pays for a backlog)."""

_KEYS: sa.Table = IdempotencyKey.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Answer:
    """A request's target and fingerprint, and the answer it got."""

    method: str
    path: str
    fingerprint: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes


def lock_id(caller: str, key: str) -> int:
    """The advisory lock of a caller's key: 64 bits of its sha256, signed as PostgreSQL's bigint
    (two keys sharing one would only make one wait for the other: a 409, never a wrong answer)."""
    digest = hashlib.sha256(f"{caller}\x00{key}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


async def try_lock(session: AsyncSession, caller: str, key: str) -> bool:
    """Take the key for this transaction; False when another transaction holds it."""
    conn = await session.connection()
    locked = await conn.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(lock_id(caller, key))))
    return bool(locked)


async def find(session: AsyncSession, caller: str, key: str) -> Answer | None:
    """The answer stored for the caller's key, unless it expired (then it is deleted)."""
    conn = await session.connection()
    row = (
        await conn.execute(
            sa.select(_KEYS, (_KEYS.c.expires_at <= sa.func.now()).label("expired")).where(
                _KEYS.c.caller == caller, _KEYS.c.key == key
            )
        )
    ).first()
    if row is None:
        return None
    if row.expired:
        await conn.execute(sa.delete(_KEYS).where(_KEYS.c.caller == caller, _KEYS.c.key == key))
        return None
    return Answer(
        method=row.method,
        path=row.path,
        fingerprint=row.fingerprint,
        status=row.status,
        headers=[(str(name), str(value)) for name, value in row.headers],
        body=bytes(row.body),
    )


async def store(session: AsyncSession, caller: str, key: str, answer: Answer) -> None:
    """Keep the answer for `KEY_LIFETIME`, in the session's transaction (the change's own). The
    statement sweeps a batch of expired answers on its way (`_expired`, a WITH of its own): one
    round trip for both. The batch never holds the caller's key: `find` deleted it if it had
    expired, and the caller's lock (held since) kept it from being stored again. The upsert is
    a safeguard only: with that lock, no row of the same key should be there to overwrite."""
    conn = await session.connection()
    values = {
        "caller": caller,
        "key": key,
        "method": answer.method,
        "path": answer.path,
        "fingerprint": answer.fingerprint,
        "status": answer.status,
        "headers": [list(pair) for pair in answer.headers],
        "body": answer.body,
        "created_at": sa.func.now(),
        "expires_at": sa.func.now() + KEY_LIFETIME,
    }
    stmt = insert(_KEYS).values(values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[_KEYS.c.caller, _KEYS.c.key],
        set_={name: stmt.excluded[name] for name in values if name not in ("caller", "key")},
    )
    swept = _expired(SWEEP_BATCH).returning(_KEYS.c.key).cte("swept")
    await conn.execute(stmt.add_cte(swept))


async def sweep_expired_keys(session: AsyncSession, limit: int | None = None) -> int:
    """Delete expired answers (at most `limit`, oldest first; rows another transaction holds are
    skipped) and answer how many. The job queue runs it every ten minutes; besides, every store
    sweeps a batch. The caller commits."""
    conn = await session.connection()
    result = await conn.execute(_expired(limit))
    return int(result.rowcount or 0)


def _expired(limit: int | None) -> sa.Delete:
    """Delete expired answers, at most `limit`, oldest first, skipping rows another transaction
    holds."""
    expired = (
        sa.select(_KEYS.c.caller, _KEYS.c.key)
        .where(_KEYS.c.expires_at <= sa.func.now())
        .order_by(_KEYS.c.expires_at)
        .with_for_update(skip_locked=True)
    )
    if limit is not None:
        expired = expired.limit(limit)
    return sa.delete(_KEYS).where(sa.tuple_(_KEYS.c.caller, _KEYS.c.key).in_(expired))


async def forget_answers_naming(session: AsyncSession, value: str) -> int:
    """Delete the stored answers whose body names `value` (a person's id, when the person is
    erased: no replay may hand their data out again) and answer how many."""
    conn = await session.connection()
    result = await conn.execute(
        sa.text("DELETE FROM idempotency_keys WHERE position(CAST(:needle AS bytea) IN body) > 0"),
        {"needle": value.encode()},
    )
    return int(result.rowcount or 0)
