"""`expand`: the related objects a read or a list embeds in its answer, named by a per-route enum
(docs/front-ends.md, "Expanding related objects"). The objects are loaded by the services in a
batch per page (`app/services/expansions.py`)."""

import inspect
from enum import StrEnum
from typing import Any

from fastapi import Query, Request, Response

from app.api.etag import conditional, set_etag
from app.core.versions import etag_for


def _nothing_expanded() -> list[Any]:
    return []


# FastAPI asks pydantic, on every request that sends no `expand`, whether the default factory
# takes the validated data; pydantic answers with `inspect.signature`, uncached, which for the
# builtin `list` parses its text signature with `ast` (3-5 % of a read's CPU time in the
# profiles of bench/README.md). A signature given beforehand is read at once.
_nothing_expanded.__signature__ = inspect.Signature()  # type: ignore[attr-defined]


def expand_query(values: type[StrEnum]) -> Any:
    """The `expand` query parameter of a route that embeds `values`: repeated for several; an
    unknown value is refused (422) by validation, as the OpenAPI document's enum says."""
    names = ", ".join(f"`{v.value}`" for v in values)
    return Query(
        default_factory=_nothing_expanded,
        description=f"Related objects to embed in the answer: {names}. Repeat the parameter for "
        "several (`expand=a&expand=b`). A field not asked for is absent from the answer. Each "
        "embedded object is what its own route answers you, and null where that route would "
        "not let you read it (docs/front-ends.md).",
    )


def conditional_expanded(
    request: Request, response: Response, version: int, expand: list[Any]
) -> Response | None:
    """`conditional` for a read that may embed other objects: its ETag names the object's own
    version (what `If-Match` needs for a change), and a 304 is answered only when nothing is
    embedded, since the embedded objects change without that version."""
    if expand:
        set_etag(response, version)
        return None
    return conditional(request, response, etag_for(version))
