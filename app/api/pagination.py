"""Paging parameters of a list route: `limit` and an opaque `cursor` (the paging itself:
`app/core/paging.py`)."""

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query

from app.api.problems import answers
from app.core.errors import INVALID_CURSOR
from app.core.paging import DEFAULT_LIMIT, MAX_LIMIT, PageParams

CURSOR_DESCRIPTION = (
    "Opaque: the `next_cursor` of the previous page of this list, passed back unchanged. Its "
    "form is not part of the API; any value this list did not hand out gets 400 "
    f"`{INVALID_CURSOR.code}`."
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


PageDep = Annotated[PageParams, Depends(paging())]
