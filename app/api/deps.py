"""`Annotated` dependency aliases, so every route signature reads the same."""

from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.etag import expected_versions
from app.core.versions import Expected
from app.schemas.common import NO_CONTROL


async def get_session(request: Request) -> AsyncSession:
    """The request's session, which its route opened and will commit and close
    (`TransactionalRoute`): a generator dependency would cost every request a context manager
    built by FastAPI (bench/README.md)."""
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        raise RuntimeError("SessionDep is for routes of class TransactionalRoute")
    return session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


async def if_match_header(
    if_match: Annotated[
        str | None,
        Header(
            alias="If-Match",
            description="Required: the ETag you read. Missing: 428; stale: 412.",
        ),
    ] = None,
) -> Expected | None:
    return expected_versions(if_match)


IfMatch = Annotated[Expected | None, Depends(if_match_header)]
SearchQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        pattern=NO_CONTROL,
        description="Full-text search: every word as a prefix, or Swedish/English stemmed.",
    ),
]
