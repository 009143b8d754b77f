"""Paging parameters of a list route: `limit` and an opaque `cursor`, and for a list that
declares its orders (`Sorting`) `sort`, `with_total` and `updated_since` (the paging itself:
`app/core/paging.py`; docs/front-ends.md, "Sorting, paging back, totals and sync")."""

import inspect
from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Annotated, Any

from fastapi import Depends, Query

from app.api.problems import answers
from app.core.errors import INVALID_CURSOR
from app.core.paging import DEFAULT_LIMIT, MAX_LIMIT, PageParams, Sorting
from app.schemas.common import Timestamp

CURSOR_DESCRIPTION = (
    "Opaque: the `next_cursor` (or `prev_cursor`) of another page of this list, passed back "
    "unchanged, with the same `sort`. Its form is not part of the API; any value this list did "
    f"not hand out, or one handed out for another `sort`, gets 400 `{INVALID_CURSOR.code}`."
)


def paging(
    max_limit: int = MAX_LIMIT, default_limit: int = DEFAULT_LIMIT
) -> Callable[..., Awaitable[PageParams]]:
    """The paging dependency of a list whose pages hold at most `max_limit` items."""

    @answers(INVALID_CURSOR)
    async def page_params(
        limit: Annotated[
            int, Query(ge=1, le=max_limit, description=f"Page size, at most {max_limit}.")
        ] = default_limit,
        cursor: Annotated[
            str | None, Query(max_length=2048, description=CURSOR_DESCRIPTION)
        ] = None,
    ) -> PageParams:
        return PageParams(limit=limit, cursor=cursor)

    return page_params


def _title(name: str) -> str:
    return "".join(part.capitalize() for part in name.replace("-", "_").split("_"))


def listing(
    sorting: Sorting, max_limit: int = MAX_LIMIT, default_limit: int = DEFAULT_LIMIT
) -> Any:
    """The paging dependency of a list that offers the orders of `sorting`: its `sort` is an
    enum of them in the OpenAPI document (one schema per list), repeated for several keys."""
    values = sorting.values()
    keys: Any = StrEnum(  # type: ignore[misc]
        f"{_title(sorting.name)}Sort",
        {v.replace("-", "desc_") if v.startswith("-") else v: v for v in values},
    )
    default = ", ".join(f"`{k}`" for k in sorting.default)
    # `default_factory=list`, so that the document declares no default (absent means the list's
    # own order); app/api/framework.py gives it a new `[]` without pydantic reading the factory's
    # signature on every request, which cost a tenth of a millisecond a list request.
    sort_query = Query(
        default_factory=list,
        description="The order of the list: a field, ascending, or `-` and a field, "
        "descending; repeat the parameter for several keys (`sort=a&sort=-b`). Ties are broken "
        f"by id. Without it: {default}. A cursor pages on only in the order it was handed out "
        "in.",
    )

    @answers(INVALID_CURSOR)
    async def page_params(
        *,
        limit: Annotated[
            int, Query(ge=1, le=max_limit, description=f"Page size, at most {max_limit}.")
        ] = default_limit,
        cursor: Annotated[
            str | None, Query(max_length=2048, description=CURSOR_DESCRIPTION)
        ] = None,
        sort: list[Any] = [],  # noqa: B006 (replaced below: the annotation names the enum)
        with_total: Annotated[
            bool,
            Query(
                description="Add `total`, the count of the whole list with these filters "
                "(one more query: ask for it when you show it)."
            ),
        ] = False,
        updated_since: Annotated[
            Timestamp | None,
            Query(
                description="Only items created or changed at or after this instant (RFC "
                "3339, with its offset: `2026-12-01T08:00:00Z`). Deletions are not in a list: "
                "read them from `GET /api/v1/events` (docs/front-ends.md)."
            ),
        ] = None,
    ) -> PageParams:
        return PageParams(
            limit=limit,
            cursor=cursor,
            sort=tuple(str(k.value) for k in sort),
            with_total=with_total,
            updated_since=updated_since,
        )

    signature = inspect.signature(page_params)
    parameters = [
        p.replace(annotation=Annotated[list[keys], sort_query], default=inspect.Parameter.empty)
        if p.name == "sort"
        else p
        for p in signature.parameters.values()
    ]
    page_params.__signature__ = signature.replace(parameters=parameters)  # type: ignore[attr-defined]
    return Depends(page_params)


PageDep = Annotated[PageParams, Depends(paging())]
