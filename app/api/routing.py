"""The one transaction boundary: commit after the handler succeeds, before the response is sent."""

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any, get_origin

from fastapi import Depends, Request, Response
from fastapi import routing as fastapi_routing
from fastapi.routing import APIRoute
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

from app.api import idempotency
from app.api.etag import tag_list
from app.api.headers import conditional_read
from app.core.principal import ANONYMOUS
from app.db.engine import reads_first

MERGE_PATCH = "application/merge-patch+json"
READS = frozenset({"GET", "HEAD"})  # sent without BEGIN and COMMIT until they write (reads_first)


def location_of(request: Request, route_name: str, **params: object) -> str:
    """The `Location` of a created resource: the path of its detail route."""
    return request.url_for(route_name, **params).path


class TransactionalRoute(APIRoute):
    """Opens the request's session (`SessionDep`), commits it once the endpoint returned, so a
    failed commit is an error response and never a 2xx, and closes it. Services only flush; any
    exception rolls back (the session's close).

    A POST also takes an `Idempotency-Key` (`app/api/idempotency.py`): a stored answer is sent
    again instead of running the endpoint, and the endpoint's answer is kept in the same
    transaction as its change. A list (a page, or a JSON array of a parent's parts) answers
    with an ETag of its own, and 304 to an `If-None-Match` that names it (`tag_list`)."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        if "POST" in {m.upper() for m in kwargs.get("methods") or ()}:
            kwargs["dependencies"] = [
                *(kwargs.get("dependencies") or ()),
                Depends(idempotency.claim_key),
            ]
        super().__init__(path, endpoint, **kwargs)
        self.is_list = "GET" in (self.methods or ()) and _is_list(self.response_model)
        if self.is_list:  # answered with an ETag, and 304 (`handle` below): declared as a read's
            for status, declared in conditional_read().items():
                merged = {**declared, **self.responses.get(status, {})}
                merged["headers"] = {**declared["headers"], **merged.get("headers", {})}
                self.responses[status] = merged

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def handle(request: Request) -> Response:
            session = request.app.state.sessionmaker()
            try:
                return await answer(request, session)
            finally:
                # A session that never began holds no connection and nothing to roll back: a
                # read answered by raw reads alone (app/db/reads.py) skips the close, whose
                # shielded task costs a request some 80 µs (bench/README.md, "Raw reads").
                if session.in_transaction():
                    await asyncio.shield(session.close())

        async def answer(request: Request, session: AsyncSession) -> Response:
            request.state.db_session = session
            if request.method in READS:
                reads_first(session)
            try:
                response = await handler(request)
            except idempotency.Replay as replay:
                return replay.response
            except Exception as exc:
                claim = getattr(request.state, "idempotency", None)
                if claim is None:
                    raise
                stored = await idempotency.finish_failed(request, session, claim, exc)
                if stored is None:
                    raise
                return stored
            claim = getattr(request.state, "idempotency", None)
            if claim is not None:
                await idempotency.finish(session, claim, response)
            if session.in_transaction():
                await session.commit()
            if self.is_list:
                response = tag_list(request, response, session.info.get("principal", ANONYMOUS))
            return response

        return handle


def _is_list(model: Any) -> bool:
    """A page of a list (`items` and `next_cursor`), or a JSON array (a parent's parts)."""
    if isinstance(model, type) and issubclass(model, BaseModel):
        return {"items", "next_cursor"} <= model.model_fields.keys()
    return get_origin(model) is list


def skip_routers_by_prefix() -> bool:
    """Let FastAPI pass over an included router whose prefix the request's path does not start
    with, instead of trying each of its routes; answer whether the skip is in place.

    Since FastAPI 0.137 an included router stays a node of its own, and a request is matched by
    trying every route of every router included before its own, twice (once to find it, once
    to handle it), with bookkeeping for each: a profile of `/healthz`, the last route, put half
    of the server's time there (bench/README.md). A router is skipped only when all its routes
    are path operations or included routers, which FastAPI puts under the router's prefix (a
    Starlette-style `add_route` or `mount` is not), so no route is lost. This is the change
    proposed upstream in fastapi/fastapi#16159 (open when written); with FastAPI's own version
    of it, or without the internals it relies on, nothing is changed."""
    included: Any = getattr(fastapi_routing, "_IncludedRouter", None)
    if included is None or not hasattr(included, "_match"):
        return False
    if getattr(included, "_skips_by_prefix", False):
        return True
    match_all = included._match

    def _match(self: Any, scope: Scope) -> Any:
        prefix = _literal_prefix(self, included)
        if prefix and not get_route_path(scope).startswith(prefix):
            return Match.NONE, {}, None, None
        return match_all(self, scope)

    included._match = _match
    included._skips_by_prefix = True
    return True


def _literal_prefix(node: Any, included: type) -> str:
    """The path prefix every route of an included router lies under ("" when unknown), kept on
    the node until its router's routes change."""
    try:
        router = node.original_router
        routes = router.routes
        cached = node.__dict__.get("_literal_prefix")
        if cached is not None and cached[0] is routes and cached[1] == len(routes):
            return str(cached[2])
        prefix = ""
        if all(isinstance(r, APIRoute | included) for r in routes):
            prefix = (node.include_context.prefix + router.prefix).split("{", 1)[0]
        node.__dict__["_literal_prefix"] = (routes, len(routes), prefix)
        return prefix
    except AttributeError:  # FastAPI's internals changed: match as FastAPI does
        return ""
