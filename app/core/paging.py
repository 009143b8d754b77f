"""Cursor (keyset) pagination: `limit` and an opaque `cursor`; never OFFSET, never count(*)."""

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar
from uuid import UUID

from pydantic import BaseModel, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import INVALID_CURSOR, ProblemError

T = TypeVar("T")
M = TypeVar("M")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


def encode_cursor(sort: str, values: Sequence[Any]) -> str:
    """The opaque cursor of the page after the item whose sort keys are `values`."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else str(v) for v in values]
    raw = json.dumps({"s": sort, "k": plain}, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str, sort: str, columns: Sequence[Any]) -> list[Any]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("s") != sort:
            raise ValueError("cursor of another list")
        keys = data["k"]
        if not isinstance(keys, list) or len(keys) != len(columns):
            raise ValueError("wrong key count")
        return [_parse(col, key) for col, key in zip(columns, keys, strict=True)]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ProblemError(INVALID_CURSOR) from exc


def _parse(column: Any, value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError("cursor keys are strings")
    # A TypeDecorator (SQLModel's UTCDateTime of created_at) knows no Python type of its own.
    python_type = getattr(column.type, "impl_instance", column.type).python_type
    if python_type is UUID:
        return UUID(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is int:
        return int(value)
    return value


async def paginate(
    session: AsyncSession,
    stmt: Select[Any],
    *,
    order: Sequence[Any],
    key: Callable[[M], Sequence[Any]],
    params: PageParams,
    sort_name: str,
    as_rows: bool = False,
) -> tuple[list[M], str | None]:
    """Run `stmt` ordered by `order` (ascending, unique together), one page after the cursor.
    `key` reads an item's values of the `order` columns, to build the next cursor. The items are
    the statement's first entity, or with `as_rows` its rows (columns selected for an answer:
    no ORM objects to build)."""
    if params.cursor is not None:
        after = _decode(params.cursor, sort_name, order)
        stmt = stmt.where(tuple_(*order) > tuple_(*after))
    stmt = stmt.order_by(*order).limit(params.limit + 1)
    result = await session.execute(stmt)
    rows: list[M] = list(result.all() if as_rows else result.scalars().all())
    if len(rows) <= params.limit:
        return rows, None
    rows = rows[: params.limit]
    return rows, encode_cursor(sort_name, key(rows[-1]))
