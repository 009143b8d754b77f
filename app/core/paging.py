"""Cursor (keyset) pagination: `limit` and an opaque `cursor`; never OFFSET. A list declares the
orders it offers (`Sorting`); `sorted_page` pages it either way in that order, with the count of
the filtered list only when asked (`with_total`). docs/front-ends.md, "Sorting, paging back,
totals and sync"; bench/README.md for why this is hand-written rather than sqlakeyset."""

import base64
import binascii
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Generic, Self, TypeVar
from uuid import UUID

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import INVALID_CURSOR, ProblemError
from app.core.i18n import _
from app.db import reads

T = TypeVar("T")
M = TypeVar("M")

MAX_LIMIT = 100
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Links:
    """Where a page sits in its list: the cursors of the pages either side of it, and the
    count of the whole filtered list when it was asked for."""

    next_cursor: str | None = None
    prev_cursor: str | None = None
    total: int | None = None


class CursorPage(BaseModel, Generic[T]):
    """A page of a list in one fixed order, paged forward only (the event feed, a ranking)."""

    items: list[T]
    next_cursor: str | None = Field(
        description="Pass as `cursor` to get the next page; null on the last page."
    )


class Page(CursorPage[T], Generic[T]):
    """A page of a list that offers `sort`, `with_total` and `updated_since` (`Sorting`)."""

    prev_cursor: str | None = Field(
        default=None,
        description="Pass as `cursor` to get the page before this one; null on the first page.",
    )
    total: int | None = Field(
        default=None,
        description="With `with_total=true`: how many items the whole list holds, with the "
        "filters given (exact). Null otherwise.",
    )

    @classmethod
    def of(cls, items: list[T], links: Links) -> Self:
        return cls(
            items=items,
            next_cursor=links.next_cursor,
            prev_cursor=links.prev_cursor,
            total=links.total,
        )


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None
    # The sort keys asked for (`name`, `-name`), empty for the list's default order.
    sort: tuple[str, ...] = ()
    with_total: bool = False
    updated_since: datetime | None = None


def _attribute(column: Any) -> str:
    return str(column.key)


def _nullable(column: Any) -> bool:
    expression = getattr(column, "expression", column)
    return bool(getattr(expression, "nullable", False))


@dataclass(frozen=True)
class Sorting:
    """The orders a list offers: each sortable field's column (never null: a keyset cannot
    page over nulls), the default order, the unique column that breaks ties (its direction is
    the last key's, so that a one-way order is one row comparison an index scans either way)
    and the column behind `updated_since` (when a row last changed; a list of rows never
    changed names when each was written)."""

    name: str
    fields: Mapping[str, Any]
    default: tuple[str, ...]
    unique: Any
    updated: Any
    # How a page's item is read for its keys when it is no row of these columns.
    item: Callable[[Any], Any] | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        for name, column in self.fields.items():
            assert not _nullable(column), f"{self.name}: {name} may be null"
        assert all(k.removeprefix("-") in self.fields for k in self.default), self.name

    def values(self) -> list[str]:
        """The sort keys the list accepts: each field, ascending and descending."""
        return [v for name in self.fields for v in (name, f"-{name}")]

    def keys(self, asked: Sequence[str]) -> list[tuple[str, bool]]:
        """The order asked for (or the default) as (field, descending), each field once."""
        keys: dict[str, bool] = {}
        for key in asked or self.default:
            keys.setdefault(key.removeprefix("-"), key.startswith("-"))
        return list(keys.items())


def encode_cursor(sort: str, values: Sequence[Any], direction: str | None = None) -> str:
    """The opaque cursor of the page after the item whose sort keys are `values` (before it
    with `direction` "b")."""
    plain = [v.isoformat() if isinstance(v, date | datetime) else str(v) for v in values]
    data: dict[str, Any] = {"s": sort, "k": plain}
    if direction is not None:
        data["d"] = direction
    raw = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _payload(cursor: str, sort: str, count: int) -> tuple[list[Any], str]:
    """A cursor's keys (as handed out: strings) and direction, if it was handed out for `sort`
    with `count` keys; else a 400 problem."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        data = json.loads(raw)
        if not isinstance(data, dict):
            raise ValueError("not a cursor")
        if data.get("s") != sort:
            raise ProblemError(
                INVALID_CURSOR,
                _(
                    "This cursor was handed out for another list or another `sort`: page on with "
                    "the `sort` it was handed out with, or start again without a cursor."
                ),
            )
        keys = data["k"]
        direction = data.get("d", "a")
        if not isinstance(keys, list) or len(keys) != count or direction not in ("a", "b"):
            raise ValueError("wrong key count")
        if not all(isinstance(key, str) for key in keys):
            raise ValueError("cursor keys are strings")
        return keys, direction
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as exc:
        raise ProblemError(INVALID_CURSOR) from exc


def _read(cursor: str, sort: str, columns: Sequence[Any]) -> tuple[list[Any], str]:
    keys, direction = _payload(cursor, sort, len(columns))
    try:
        return [_parse(col, key) for col, key in zip(columns, keys, strict=True)], direction
    except ValueError as exc:
        raise ProblemError(INVALID_CURSOR) from exc


def decode_cursor(cursor: str, sort: str, parsers: Sequence[Callable[[str], Any]]) -> list[Any]:
    """The keys of a forward cursor handed out for `sort` by a list paged outside SQL (a
    ranking), each read by its parser; 400 for any other cursor."""
    keys, direction = _payload(cursor, sort, len(parsers))
    if direction != "a":
        raise ProblemError(INVALID_CURSOR)
    try:
        return [parse(key) for parse, key in zip(parsers, keys, strict=True)]
    except ValueError as exc:
        raise ProblemError(INVALID_CURSOR) from exc


def _decode(cursor: str, sort: str, columns: Sequence[Any]) -> list[Any]:
    keys, direction = _read(cursor, sort, columns)
    if direction != "a":
        raise ProblemError(INVALID_CURSOR)
    return keys


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
    if python_type in (int, Decimal, float):
        return python_type(value)
    return value


def _beyond(columns: Sequence[Any], descending: Sequence[bool], values: Sequence[Any]) -> Any:
    """Rows after `values` in the order of `columns` (each ascending unless `descending`).
    One way: a row comparison, which an index on the columns serves (scanned backwards for a
    descending order). Mixed: the comparison expanded (a > x, or a = x and b < y, ...), under
    a bound on the first column an index can start from."""
    if len(set(descending)) == 1:
        left, right = tuple_(*columns), tuple_(*values)
        return left < right if descending[0] else left > right
    terms = []
    for i, (column, desc) in enumerate(zip(columns, descending, strict=True)):
        equal = [c == v for c, v in zip(columns[:i], values[:i], strict=True)]
        terms.append(sa.and_(*equal, column < values[i] if desc else column > values[i]))
    first = columns[0] <= values[0] if descending[0] else columns[0] >= values[0]
    return sa.and_(first, sa.or_(*terms))


# The keys each statement selects, by its list of columns: a list's statement is a module's
# select with conditions added, and SQLAlchemy's copy of a select with a condition shares its
# columns' list (new columns make a new list). Read once, not per request: `selected_columns`
# builds every column's key anew for each copy.
_SELECTED: dict[tuple[int, Any], tuple[Any, frozenset[str]]] = {}


def _selected_keys(stmt: Select[Any]) -> frozenset[str]:
    raw = stmt._raw_columns
    known = _SELECTED.get((id(raw), stmt._label_style))
    if known is not None and known[0] is raw:
        return known[1]
    keys = frozenset(str(c.key) for c in stmt.selected_columns)
    if len(_SELECTED) >= 256:  # a list whose columns are added per request is new each time
        _SELECTED.clear()
    # The list held: its id is not another's while here. The keys depend on the label style too.
    _SELECTED[(id(raw), stmt._label_style)] = (raw, keys)
    return keys


async def sorted_page(
    session: AsyncSession,
    stmt: Select[Any],
    sorting: Sorting,
    params: PageParams,
    *,
    as_rows: bool = False,
    raw: bool = False,
    count_from: Select[Any] | None = None,
) -> tuple[list[M], Links]:
    """One page of `stmt` in the order `params` asks for among those `sorting` offers, after
    (or before) its cursor, filtered by `updated_since`, with the total when asked. The items
    are the statement's first entity, or with `as_rows` its rows, or with `raw` (a select of
    columns) its rows as dicts, read straight from asyncpg (`app.db.reads`).

    The total counts the rows of `count_from` when given: the same rows, filtered the same way,
    without what an answer reads beside each (a LATERAL aggregate is evaluated for every row
    counted, not only for the page's). The caller owns those conditions: the services build one
    list of them and give it to both statements, so a filter added to the one is in the other
    (`updated_since` is added here, to both)."""
    as_rows = as_rows or raw
    keys = sorting.keys(params.sort)
    columns = [sorting.fields[name] for name, _ in keys] + [sorting.unique]
    descending = [desc for _, desc in keys] + [keys[-1][1]]
    sort = sorting.name + ":" + ",".join(("-" if d else "") + n for n, d in keys)
    if params.updated_since is not None:
        stmt = stmt.where(sorting.updated >= params.updated_since)
    total = None
    if params.with_total:
        rows_counted = stmt.order_by(None)
        if count_from is not None:
            rows_counted = count_from
            if params.updated_since is not None:
                rows_counted = rows_counted.where(sorting.updated >= params.updated_since)
        counted = sa.select(sa.func.count()).select_from(rows_counted.subquery())
        found = await (reads.fetch_scalar(session, counted) if raw else session.scalar(counted))
        total = int(found or 0)
    direction, at = "a", None
    if params.cursor is not None:
        at, direction = _read(params.cursor, sort, columns)
    backwards = direction == "b"
    walk = [d != backwards for d in descending]  # the order rows are read in
    if at is not None:
        stmt = stmt.where(_beyond(columns, walk, at))
    order = [c.desc() if d else c.asc() for c, d in zip(columns, walk, strict=True)]
    # The keys a cursor is made of, read from each item: a row selected for an answer may
    # lack a sort column, which is then selected beside it.
    names = [_attribute(c) for c in columns]
    if as_rows and sorting.item is None:
        present = _selected_keys(stmt)
        for i, column in enumerate(columns):
            if names[i] not in present:
                names[i] = f"sort_key_{i}"
                stmt = stmt.add_columns(column.label(names[i]))
    stmt = stmt.order_by(*order).limit(params.limit + 1)
    rows: list[M]
    if raw:
        rows = await reads.fetch_all(session, stmt)  # type: ignore[assignment]
    else:
        result = await session.execute(stmt)
        rows = list(result.all() if as_rows else result.scalars().all())
    more = len(rows) > params.limit
    rows = rows[: params.limit]
    if backwards:
        rows.reverse()

    def key(item: Any) -> list[Any]:
        if sorting.item is not None:
            item = sorting.item(item)
        elif raw:
            return [item[name] for name in names]
        return [getattr(item, name) for name in names]

    first = key(rows[0]) if rows else at
    last = key(rows[-1]) if rows else at
    ahead = more if not backwards else at is not None
    behind = more if backwards else at is not None
    return rows, Links(
        next_cursor=encode_cursor(sort, last, "a") if ahead and last is not None else None,
        prev_cursor=encode_cursor(sort, first, "b") if behind and first is not None else None,
        total=total,
    )


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
