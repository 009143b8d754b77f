"""`Annotated` dependency aliases, so every route signature reads the same."""

from typing import Annotated

from fastapi import Depends, Header, Query, Request
from sqlalchemy.ext.asyncio import AsyncSession

from app.api.etag import expected_versions
from app.api.problems import answers
from app.core.errors import DATABASE_UNAVAILABLE, PRECONDITION_FAILED, PRECONDITION_REQUIRED
from app.core.versions import Expected
from app.schemas.common import NO_CONTROL


@answers(DATABASE_UNAVAILABLE)
async def get_session(request: Request) -> AsyncSession:
    """The request's session, which its route opened and will commit and close
    (`TransactionalRoute`): a generator dependency would cost every request a context manager
    built by FastAPI (bench/README.md)."""
    session: AsyncSession | None = getattr(request.state, "db_session", None)
    if session is None:
        raise RuntimeError("SessionDep is for routes of class TransactionalRoute")
    return session


SessionDep = Annotated[AsyncSession, Depends(get_session)]


IF_MATCH = "If-Match"


@answers(PRECONDITION_FAILED, PRECONDITION_REQUIRED)
async def if_match_header(
    if_match: Annotated[
        str | None,
        Header(
            alias=IF_MATCH,
            description="The ETag you read (or `*`). Missing or blank: 428; stale: 412.",
        ),
    ] = None,
) -> Expected | None:
    """The versions a change names. The header is required (`app/api/openapi.py` declares it
    so), but read as optional: without it the service answers 428, which says why, not 422."""
    return expected_versions(if_match)


@answers(PRECONDITION_FAILED, PRECONDITION_REQUIRED)
async def if_match_to_replace(
    if_match: Annotated[
        str | None,
        Header(
            alias=IF_MATCH,
            description="The ETag you read (or `*`): needed to replace what exists, not to put "
            "the first. Missing or blank when replacing: 428; stale: 412.",
        ),
    ] = None,
) -> Expected | None:
    """The versions a change names, for a change that needs them only when it replaces
    something (a document's file): the header stays optional in the document."""
    return expected_versions(if_match)


IfMatch = Annotated[Expected | None, Depends(if_match_header)]
IfMatchToReplace = Annotated[Expected | None, Depends(if_match_to_replace)]
SearchQuery = Annotated[
    str | None,
    Query(
        max_length=100,
        pattern=NO_CONTROL,
        description="Full-text search: every word as a prefix, or Swedish, English or Spanish "
        "stemmed.",
    ),
]
