"""Answering with an iCalendar feed: its media type, its OpenAPI description, its ETag."""

from fastapi import Request, Response

from app.api.etag import conditional, content_etag
from app.api.problems import problem_responses

ICS = "text/calendar; charset=utf-8"
ICS_RESPONSES = {
    **problem_responses(401, 404, 422),
    200: {
        "content": {"text/calendar": {"schema": {"type": "string"}}},
        "description": "An iCalendar (RFC 5545) feed",
    },
    304: {"description": "Not modified"},
}


def ics_response(request: Request, body: bytes) -> Response:
    """The feed, with an ETag of its content (and 304 when it is unchanged)."""
    response = Response(body, media_type=ICS)
    return conditional(request, response, content_etag(body.decode())) or response
