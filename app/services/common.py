"""Helpers every resource service shares: JSON merge patch, versions, reads as rows, text
search."""

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, TypeVar

import sqlalchemy as sa
from pydantic import BaseModel, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import SQLModel

from app.core.errors import NOT_FOUND, InvalidChanges, ProblemError
from app.core.i18n import Text
from app.db import reads
from app.models.base import Tracked

S = TypeVar("S", bound=BaseModel)

_WORD = re.compile(r"\w+", re.UNICODE)


def merge_patch(current: Mapping[str, Any], patch: BaseModel, schema: type[S]) -> S:
    """Apply a JSON merge patch (RFC 7396) to `current` and validate the result as `schema`,
    so cross-field rules judge the whole resource as it would be stored. The fields the patch
    names `deep` (objects such as `translations`) are merged member by member, as RFC 7396 says:
    null removes a member, and an object left empty is removed."""
    changes = patch.model_dump(exclude_unset=True)
    for name in getattr(patch, "deep", frozenset()) & changes.keys():
        changes[name] = _merged(current.get(name), changes[name])
    merged = {**current, **changes}
    try:
        return schema.model_validate(merged)
    except ValidationError as exc:
        raise InvalidChanges(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from exc


def _merged(current: Any, change: Any) -> Any:
    if not isinstance(change, dict):
        return change
    result = dict(current) if isinstance(current, dict) else {}
    for key, value in change.items():
        member = _merged(result.get(key), value)
        if member is None or member == {}:
            result.pop(key, None)
        else:
            result[key] = member
    return result


def apply_changes(row: Tracked, changes: Mapping[str, Any]) -> bool:
    """Write `changes` onto `row`; bump its version (its ETag) when anything changed."""
    changed = {k: v for k, v in changes.items() if getattr(row, k) != v}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(row, key, value)
    touch(row)
    return True


def touch(row: Tracked) -> None:
    """A new version of `row` (and ETag): for a change to a part stored beside it."""
    row.version += 1
    row.updated_at = datetime.now(UTC)


async def get_one(
    session: AsyncSession, stmt: Any, not_found: Text, *, for_update: bool = False
) -> Any:
    """The one row `stmt` selects, or 404 with `not_found`; with `for_update`, locked and re-read
    (an object loaded earlier in the request may be stale by the time the lock is granted)."""
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    found = await session.scalar(stmt)
    if found is None:
        raise ProblemError(NOT_FOUND, not_found)
    return found


def answer_columns(model: type[SQLModel], schema: type[BaseModel]) -> sa.Select[Any]:
    """Select the columns of `model`'s table that `schema` answers with, and the version (for the
    ETag). A read that only answers takes these rows, not ORM objects: no identity map or object
    state to build for what is only serialised (bench/README.md measures the difference). Rows
    and objects both have the columns as attributes; changes still load objects."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    # In the schema's order: a row read raw (app/db/reads.py) is serialised in its keys' order.
    fields = [table.c[name] for name in schema.model_fields if name in table.c]
    return sa.select(*fields, *([table.c.version] if "version" in table.c else []))


def answer_fields(record: Any, schema: type[BaseModel]) -> dict[str, Any]:
    """The values of `record` (a row read raw, a row or an ORM object) that `schema` has fields
    for: what an answer takes from it, before the fields computed beside it. A raw row is read by
    key (as an attribute, a column named `items` would be the dict's method)."""
    if isinstance(record, Mapping):
        return {name: record[name] for name in schema.model_fields if name in record}
    return {name: getattr(record, name) for name in schema.model_fields if hasattr(record, name)}


async def read_answer(
    session: AsyncSession,
    stmt: sa.Select[Any] | reads.Prepared,
    not_found: Text,
    params: Mapping[str, Any] | None = None,
) -> reads.Record:
    """The one row `stmt` (of `answer_columns`, or prepared of them) selects, read raw
    (`app.db.reads`: a dict for `answer_json`, without SQLAlchemy's per-statement path), or 404
    with `not_found`."""
    row = await reads.fetch_one(session, stmt, params)
    if row is None:
        raise ProblemError(NOT_FOUND, not_found)
    return row


def text_search(vector: Any, q: str) -> sa.ColumnElement[bool]:
    """Match `q` against a tsvector: every word as a prefix ('simple' config, so "Karl" finds
    Karlstad), or the phrase stemmed as Swedish, English or Spanish ("kommuner" finds "kommun",
    "igualdad de género" finds "la igualdad de género")."""
    words = [w.lower() for w in _WORD.findall(q)][:10]
    if not words:
        return sa.false()
    prefix = " & ".join(f"{w}:*" for w in words)
    return sa.or_(
        vector.op("@@")(sa.func.to_tsquery(sa.literal_column("'simple'::regconfig"), prefix)),
        vector.op("@@")(sa.func.websearch_to_tsquery(sa.literal_column("'swedish'::regconfig"), q)),
        vector.op("@@")(sa.func.websearch_to_tsquery(sa.literal_column("'english'::regconfig"), q)),
        vector.op("@@")(sa.func.websearch_to_tsquery(sa.literal_column("'spanish'::regconfig"), q)),
    )
