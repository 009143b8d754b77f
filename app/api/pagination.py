"""Paging parameters of a list route: `limit` and an opaque `cursor` (the paging itself:
`app/core/paging.py`)."""

from typing import Annotated

from fastapi import Depends, Query

from app.core.paging import DEFAULT_LIMIT, MAX_LIMIT, PageParams


async def page_params(
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"Page size, at most {MAX_LIMIT}.")
    ] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None,
        Query(max_length=2048, description="Opaque cursor from a previous page's `next_cursor`."),
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


PageDep = Annotated[PageParams, Depends(page_params)]
