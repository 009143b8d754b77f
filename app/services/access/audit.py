"""The audit trail: a `before_flush` hook records every change of every table in the same flush,
and so the same transaction, as the change itself. No write can leave it out."""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction
from sqlmodel import col, select

from app.core.context import request_id_var
from app.core.errors import NOT_FOUND, ProblemError
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.principal import Principal
from app.models.audit import AuditEvent
from app.models.base import new_id
from app.models.events import Event
from app.services.events.outbox import events_of

# Kept out of every event: derived by the database, or bookkeeping of the change itself.
_NEVER_AUDITED = frozenset({"created_at", "updated_at", "version", "search"})
ERASED = "[erased]"


def label_next_flush(session: AsyncSession, action: str) -> None:
    """Name the action of the changes flushed next (default: create, update or delete)."""
    session.sync_session.info["audit_action"] = action


def _jsonable(value: Any) -> Any:
    """A value as JSON can hold it: money stays an exact decimal string."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return _jsonable(value.value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    return str(value)  # UUID, Decimal and anything else with an exact text form


def _audited_columns(obj: Any) -> list[str]:
    ignored = _NEVER_AUDITED | getattr(obj, "__audit_ignore__", frozenset())
    return [c.key for c in sa.inspect(type(obj)).column_attrs if c.key not in ignored]


def _object_id(obj: Any) -> str:
    """The primary key's values, joined by commas for a composite key (set before the flush)."""
    mapper = sa.inspect(type(obj))
    keys = [mapper.get_property_by_column(c).key for c in mapper.primary_key]
    return ",".join(str(getattr(obj, k)) for k in keys)


def _changes(obj: Any, kind: str) -> dict[str, list[Any]]:
    state = sa.inspect(obj)
    changes: dict[str, list[Any]] = {}
    for key in _audited_columns(obj):
        if kind == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _jsonable(value)]
        elif kind == "delete":
            changes[key] = [_jsonable(state.attrs[key].loaded_value), None]
        else:
            history = state.attrs[key].history
            if history.has_changes():
                before = history.deleted[0] if history.deleted else None
                after = history.added[0] if history.added else None
                if before != after:
                    changes[key] = [_jsonable(before), _jsonable(after)]
    return changes


def _record(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    label = session.info.pop("audit_action", None)
    pending: list[tuple[Any, str]] = [
        *((o, "create") for o in session.new),
        *((o, "update") for o in session.dirty if session.is_modified(o)),
        *((o, "delete") for o in session.deleted),
    ]
    trail: list[dict[str, Any]] = []
    changed = []
    for obj, kind in pending:
        if isinstance(obj, AuditEvent):
            continue
        changes = _changes(obj, kind)
        if not changes:
            continue  # only ignored fields moved (a key's last use, a user's last visit)
        principal: Principal | None = session.info.get("principal")
        if principal is None:
            raise RuntimeError("a write without an actor: set session.info['principal']")
        changed.append((obj, kind, changes))
        trail.append(
            {
                "id": new_id(),
                "occurred_at": datetime.now(UTC),
                "actor_type": principal.kind,
                "actor_id": principal.id,
                "actor_name": principal.name,
                "action": label or kind,
                "object_type": obj.__tablename__,
                "object_id": _object_id(obj),
                "changes": changes,
                "request_id": request_id_var.get(),
            }
        )
    if not trail:
        return
    # The outbox: events for other systems, in the same transaction (docs/events.md). Both are
    # written here, by Core, before the flush's own statements: rows nothing reads back need no
    # ORM objects, and their transaction is the change's whatever statement writes them (the
    # outbox's commit-order trigger fires for them as for any row: migration 0022).
    outbox = [
        {c.key: getattr(e, c.key) for c in _EVENTS.columns}
        for e in events_of(session, changed, session.info["principal"])
    ]
    conn = session.connection()
    if len(trail) == 1 and len(outbox) == 1:  # a change that is an event: one statement
        params = {f"audit_{key}": value for key, value in trail[0].items()}
        params.update((f"event_{key}", value) for key, value in outbox[0].items())
        conn.execute(_AUDITED_EVENT, params)
        return
    conn.execute(sa.insert(_AUDIT_EVENTS), trail)  # several rows: one INSERT each table
    if outbox:
        conn.execute(sa.insert(_EVENTS), outbox)


_AUDIT_EVENTS: sa.Table = AuditEvent.__table__  # type: ignore[attr-defined]
_EVENTS: sa.Table = Event.__table__  # type: ignore[attr-defined]


def _one_row(table: sa.Table, prefix: str) -> sa.Insert:
    return sa.insert(table).values(
        {c.key: sa.bindparam(f"{prefix}_{c.key}", type_=c.type) for c in table.columns}
    )


# A flush's audit event and its outbox event in one statement (a WITH of the one, the other):
# one round trip for both. Its values are bound by name, so it is compiled once (a statement
# holding its values, or several rows of them, is compiled again for every flush).
_AUDITED_EVENT = _one_row(_EVENTS, "event").add_cte(_one_row(_AUDIT_EVENTS, "audit").cte("audited"))


def _refuse_bulk_writes(state: ORMExecuteState) -> None:
    """Bulk INSERT/UPDATE/DELETE statements bypass the flush and so the trail: refuse them."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    target = state.bind_mapper.class_ if state.bind_mapper is not None else None
    if target is not AuditEvent:
        raise RuntimeError("bulk writes skip the audit trail: change objects through the ORM")


def install_audit_hook() -> None:
    if not event.contains(Session, "before_flush", _record):
        event.listen(Session, "before_flush", _record)
    if not event.contains(Session, "do_orm_execute", _refuse_bulk_writes):
        event.listen(Session, "do_orm_execute", _refuse_bulk_writes)


@dataclass(frozen=True)
class AuditFilters:
    object_type: str | None = None
    object_id: str | None = None
    actor_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None


SORTING = Sorting(
    "audit_events",
    {
        "occurred_at": col(AuditEvent.occurred_at),
    },
    default=("occurred_at",),
    unique=col(AuditEvent.id),
    updated=col(AuditEvent.occurred_at),
)


async def list_events(
    session: AsyncSession, filters: AuditFilters, page: PageParams
) -> tuple[list[AuditEvent], Links]:
    stmt = select(AuditEvent)
    if filters.object_type:
        stmt = stmt.where(AuditEvent.object_type == filters.object_type)
    if filters.object_id:
        stmt = stmt.where(AuditEvent.object_id == filters.object_id)
    if filters.actor_id:
        stmt = stmt.where(AuditEvent.actor_id == filters.actor_id)
    if filters.since:
        stmt = stmt.where(col(AuditEvent.occurred_at) >= filters.since)
    if filters.until:
        stmt = stmt.where(col(AuditEvent.occurred_at) < filters.until)
    return await sorted_page(session, stmt, SORTING, page)


async def get_event(session: AsyncSession, event_id: UUID) -> AuditEvent:
    found = await session.get(AuditEvent, event_id)
    if found is None:
        raise ProblemError(NOT_FOUND, _("No audit event {event_id}.", event_id=event_id))
    return found


async def events_about(session: AsyncSession, object_type: str, object_id: str) -> list[AuditEvent]:
    rows = await session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == object_id)
        .order_by(col(AuditEvent.occurred_at), col(AuditEvent.id))
    )
    return list(rows)


async def erase_values(
    session: AsyncSession, object_type: str, object_id: str, fields: frozenset[str]
) -> None:
    """Replace the values of `fields` in the object's past events by a marker (erasure)."""
    for past in await events_about(session, object_type, object_id):
        scrubbed = {
            key: [v if v is None else ERASED for v in values] if key in fields else values
            for key, values in past.changes.items()
        }
        if scrubbed != past.changes:
            past.changes = scrubbed
