"""Reads sent straight to asyncpg: the Core statements the services build, without SQLAlchemy's
per-statement path (bench/README.md, "Raw reads").

A read through the session costs about 250 µs of SQLAlchemy on top of asyncpg's own round trip
(the ORM's execution context, the cursor adapter, the result and its rows), and a page pays
part of it per row. Here a statement is compiled once per shape (SQLAlchemy's own cache key:
the same statement with other values is the same shape), its values are bound as SQLAlchemy
would bind them (its bind processors, in the compiled positional order), and the compiled SQL
goes to the asyncpg connection, whose statement cache prepares it once per connection. Each
row comes back as a `Record`, a dict of the statement's column keys whose values are
attributes too, through the result processors of the column types (custom types, enums, JSON
as SQLAlchemy decodes it): plain data for `answer_json`, which serialises it with the response
model's serializer.

Where the connection comes from:
- the session's own, once it holds one (it read or wrote through the ORM earlier in the
  request): a GET that wrote reads through its transaction and sees what it wrote;
- the connection the session is bound to (the test suite binds sessions to its transaction's);
- else one checked out of the engine's pool for the statement and handed back at once. The
  pool's checkout check (app/db/engine.py) throws a connection the server closed away, and
  handing it back is no round trip (nothing to roll back): a read by id is one round trip.

The statement is seen by SQLAlchemy's `before_cursor_execute` and `after_cursor_execute`
listeners of the connection and engine (the query counts of tests/test_query_counts.py and
bench/query_count.py; the round trips of bench/wire.py are counted on the socket anyway), and
an error is SQLAlchemy's: asyncpg's exception translated and handled by the connection (a lost
connection, or one whose statement was cancelled, invalidated; a `DBAPIError` the problem
handlers answer with 503 or 400), as for a statement sent through the session.

A read whose shape never changes (a read by id, scoped by the kind of caller) is a `Prepared`:
its statement built once with a named `sa.bindparam` for each value of a request, compiled once
with the order its values go in, so a request only binds its values (`fetch_one(session,
prepared, {"id": ...})`): no statement built, no cache key computed (bench/README.md, "Prepared
reads": together about 8 % of a partnership's read by id).

Only plain column selects: no ORM entity (its rows are objects), no statement that writes or
locks (those need the session's transaction)."""

from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util import LRUCache
from sqlalchemy.util.concurrency import await_, greenlet_spawn


class Record(dict[str, Any]):
    """A row read raw: a dict of the statement's column keys (what `answer_json` serialises),
    whose values are attributes too, as a SQLAlchemy row's are (`row.id`)."""

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


@dataclass(frozen=True, slots=True)
class _Plan:
    """A statement's shape compiled for asyncpg, with how values go in and rows come out."""

    compiled: SQLCompiler
    sql: str
    positions: tuple[str, ...]
    binds: Mapping[str, Callable[[Any], Any]]
    expanding: bool
    keys: tuple[str, ...]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]


_PLANS: LRUCache[Any, _Plan] = LRUCache(1000)


# PostgreSQL's type codes of a float8 and a numeric column: what asyncpg's numeric types ask for.
_FLOAT8, _NUMERIC = 701, 1700


def _type_code(kind: Any) -> int | None:
    """The type code PostgreSQL sends for a column of SQL type `kind`, for a result processor
    that needs it, else None. The asyncpg dialect's numeric types choose their processor by it
    (a float to a `Decimal`, a numeric to a `float`, or nothing) and only by its family, float
    or numeric, which the column's type names: a `Float` (`REAL`, `DOUBLE`) is sent as a float,
    any other `Numeric` as a numeric, an array as its items. Through the session SQLAlchemy
    takes the code from the cursor; a raw read has none, and its statement's types are what its
    columns are (a float expression labelled `Numeric` would be mistyped for the session too:
    its processor would then be the numeric's)."""
    while isinstance(kind, sa.ARRAY):
        kind = kind.item_type
    affinity = kind._type_affinity
    if affinity is None or not issubclass(affinity, (sa.Numeric, sa.Float)):
        return None
    return _FLOAT8 if issubclass(affinity, sa.Float) else _NUMERIC


def _result_processor(kind: Any, dialect: Dialect) -> Callable[[Any], Any] | None:
    return kind._cached_result_processor(dialect, _type_code(kind))  # type: ignore[no-any-return]


def _plan(stmt: sa.Select[Any], dialect: Dialect) -> tuple[_Plan, Any, Any]:
    """The statement's compiled plan (cached by its shape), and the values of this statement
    (as SQLAlchemy's cache key extracts them)."""
    key = stmt._generate_cache_key()
    if key is None:  # a construct SQLAlchemy cannot cache: compiled for this statement alone
        return _compile(stmt, dialect, None), None, None
    plan = _PLANS.get((dialect, key.key))
    if plan is None:
        plan = _PLANS[(dialect, key.key)] = _compile(stmt, dialect, key)
    return plan, key.bindparams, key.params


def _compile(stmt: sa.Select[Any], dialect: Dialect, key: Any) -> _Plan:
    if any(isinstance(d.get("type"), type) for d in stmt.column_descriptions):
        raise TypeError("raw reads select columns, not ORM entities")
    if not isinstance(stmt, sa.Select) or stmt._for_update_arg is not None:
        raise TypeError("raw reads are plain SELECTs: a lock needs the session's transaction")
    compiled = stmt.compile(dialect=dialect, cache_key=key)
    results = []
    for i, column in enumerate(compiled._result_columns):
        processor = _result_processor(column.type, dialect)
        if processor is not None:
            results.append((i, processor))
    return _Plan(
        compiled=compiled,
        sql=compiled.string,
        positions=tuple(compiled.positiontup or ()),
        binds=compiled._bind_processors,  # type: ignore[arg-type]
        expanding=bool(compiled.literal_execute_params or compiled.post_compile_params),
        keys=tuple(c.keyname for c in compiled._result_columns),
        results=tuple(results),
    )


def _bound(
    plan: _Plan, extracted: Any, collected: Any, params: Mapping[str, Any] | None
) -> tuple[str, list[Any]]:
    """The SQL to send and its positional values, as SQLAlchemy's execution context makes them."""
    values = plan.compiled.construct_params(
        params,
        escape_names=False,
        extracted_parameters=extracted,
        _collected_params=collected,
    )
    sql, positions, binds = plan.sql, plan.positions, plan.binds
    if plan.expanding:
        expanded = plan.compiled._process_parameters_for_postcompile(values)
        sql, positions = expanded.statement, tuple(expanded.positiontup or ())
        binds = {**binds, **expanded.processors}
    return sql, [binds[k](values[k]) if k in binds else values[k] for k in positions]


def _run(conn: Connection, plan: _Plan, sql: str, args: list[Any]) -> list[Record]:
    """Send the statement on `conn`'s asyncpg connection (in a greenlet: SQLAlchemy's events
    and its handling of an error are synchronous code)."""
    dispatch = conn.dispatch
    dispatch.before_cursor_execute(conn, None, sql, args, None, False)
    fairy = conn.connection
    try:
        records = await_(fairy.driver_connection.fetch(sql, *args))  # type: ignore[union-attr]
    except Exception as error:
        try:  # asyncpg's error as the adapter's DB-API error, which SQLAlchemy wraps
            fairy.dbapi_connection._handle_exception(error)  # type: ignore[union-attr]
        except Exception as translated:
            conn._handle_dbapi_exception(translated, sql, tuple(args), None, None)
        raise
    except BaseException as error:  # cancelled mid-statement: the connection is invalidated
        conn._handle_dbapi_exception(error, sql, tuple(args), None, None)
        raise
    dispatch.after_cursor_execute(conn, None, sql, args, None, False)
    keys, results = plan.keys, plan.results
    rows = [Record(zip(keys, record, strict=True)) for record in records]
    if results:
        for row in rows:
            for i, process in results:
                key = keys[i]
                row[key] = process(row[key])
    return rows


def _run_checked_out(engine: AsyncEngine, plan: _Plan, sql: str, args: list[Any]) -> list[Record]:
    with engine.sync_engine.connect() as conn:
        return _run(conn, plan, sql, args)


class Prepared:
    """A statement whose shape is fixed, built once with a named `sa.bindparam` (no value) for
    each value a request gives (`fetch_all(session, prepared, {"id": ...})`), and its plan,
    compiled at its first read: a read binds its values and sends the compiled SQL. Every other
    value in the statement (a constant, a literal compared with) is bound once, with the plan.
    A statement whose shape depends on the request (a scope, a filter) is one `Prepared` per
    shape: see `prepared`."""

    __slots__ = ("_args", "_dialect", "_plan", "statement")

    def __init__(self, statement: sa.Select[Any]) -> None:
        self.statement = statement
        self._dialect: Dialect | None = None

    def _prepare(self, dialect: Dialect) -> None:
        plan = _compile(self.statement, dialect, None)
        compiled = plan.compiled
        given = {name for bind, name in compiled.bind_names.items() if bind.required}
        if plan.expanding:  # an expanding IN's SQL is made per request by SQLAlchemy
            self._args: Any = None
        else:
            # The constants' values once (construct_params refuses a required value missing).
            values = compiled.construct_params(dict.fromkeys(given), escape_names=False)
            binds = plan.binds
            self._args = (
                [binds[k](values[k]) if k in binds else values[k] for k in plan.positions],
                tuple((i, k, binds.get(k)) for i, k in enumerate(plan.positions) if k in given),
            )
        self._plan, self._dialect = plan, dialect

    def bound(
        self, dialect: Dialect, params: Mapping[str, Any] | None
    ) -> tuple[_Plan, str, list[Any]]:
        """The plan, the SQL to send and its positional values, for `params`."""
        if dialect is not self._dialect:
            self._prepare(dialect)
        plan = self._plan
        if self._args is None:
            return (plan, *_bound(plan, None, None, params))
        constants, given = self._args
        args = constants.copy()
        values = params or {}
        for i, key, process in given:
            try:
                value = values[key]
            except KeyError:
                raise sa.exc.ArgumentError(f"a prepared read needs a value for {key!r}") from None
            args[i] = value if process is None else process(value)
        return plan, plan.sql, args


_Shape = TypeVar("_Shape", bound=Hashable)


def prepared(build: Callable[[_Shape], sa.Select[Any]]) -> Callable[[_Shape], Prepared]:
    """`build`'s statement for a shape (a caller's scope, an option), built and prepared at the
    first read of that shape, then kept (`Prepared`)."""

    @cache
    def of(shape: _Shape) -> Prepared:
        return Prepared(build(shape))

    return of


def _sent(
    stmt: sa.Select[Any] | Prepared, dialect: Dialect, params: Mapping[str, Any] | None
) -> tuple[_Plan, str, list[Any]]:
    if isinstance(stmt, Prepared):
        return stmt.bound(dialect, params)
    plan, extracted, collected = _plan(stmt, dialect)
    return (plan, *_bound(plan, extracted, collected, params))


async def fetch_all(
    session: AsyncSession,
    stmt: sa.Select[Any] | Prepared,
    params: Mapping[str, Any] | None = None,
) -> list[Record]:
    """The rows `stmt` selects, as dicts of its column keys (see the module's docstring)."""
    bind = session.bind
    if session.in_transaction():
        conn: Any = await session.connection()
    elif isinstance(bind, AsyncConnection):
        conn = bind
    else:
        assert isinstance(bind, AsyncEngine), "a session bound to an engine or a connection"
        plan, sql, args = _sent(stmt, bind.dialect, params)
        return await greenlet_spawn(_run_checked_out, bind, plan, sql, args)
    plan, sql, args = _sent(stmt, conn.dialect, params)
    return await greenlet_spawn(_run, conn.sync_connection, plan, sql, args)


async def fetch_one(
    session: AsyncSession,
    stmt: sa.Select[Any] | Prepared,
    params: Mapping[str, Any] | None = None,
) -> Record | None:
    """The first row `stmt` selects (a dict), or None."""
    rows = await fetch_all(session, stmt, params)
    return rows[0] if rows else None


async def fetch_scalar(
    session: AsyncSession,
    stmt: sa.Select[Any] | Prepared,
    params: Mapping[str, Any] | None = None,
) -> Any:
    """The first column of the first row `stmt` selects, or None."""
    rows = await fetch_all(session, stmt, params)
    return next(iter(rows[0].values())) if rows else None
