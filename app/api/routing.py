"""The one transaction boundary: commit after the handler succeeds, before the response is sent."""

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

MERGE_PATCH = "application/merge-patch+json"


def location_of(request: Request, route_name: str, **params: object) -> str:
    """The `Location` of a created resource: the path of its detail route."""
    return request.url_for(route_name, **params).path


class TransactionalRoute(APIRoute):
    """Commits the request's session once the endpoint returned, so a failed commit is an error
    response and never a 2xx. Services only flush; any exception rolls back (session close).

    This relies on the session dependency closing after the response (FastAPI >= 0.118)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            response = await handler(request)
            session: Any = getattr(request.state, "db_session", None)
            if session is not None and session.in_transaction():
                await session.commit()
            return response

        return handle
