"""Answering with an iCalendar feed: its media type, its OpenAPI description, its ETag."""

from fastapi import Request, Response

from app.api.etag import conditional, content_etag
from app.api.headers import conditional_read
from app.api.problems import problem_responses
from app.core.errors import NOT_FOUND

ICS = "text/calendar; charset=utf-8"
ICS_RESPONSES = problem_responses(NOT_FOUND) | conditional_read(
    content={"text/calendar": {"schema": {"type": "string"}}},
    description="An iCalendar (RFC 5545) feed",
)


def ics_response(request: Request, body: bytes) -> Response:
    """The feed, with an ETag of its content (and 304 when it is unchanged)."""
    response = Response(body, media_type=ICS)
    return conditional(request, response, content_etag(body.decode())) or response
