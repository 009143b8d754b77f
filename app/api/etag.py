"""ETags: a row's version counter on a single read, a digest of the answer on a list (and on
data without a counter); `If-None-Match` answered with 304; `If-Match` read into the versions a
change expects (`app/core/versions.py` refuses it, 412, when stale)."""

import hashlib
import re

from fastapi import Request, Response

from app.core.i18n import current_language
from app.core.principal import Principal
from app.core.versions import Expected, etag_for

CACHE_CONTROL = "private, no-cache"
"""On every answer with an ETag to a read: a cache may keep it for this caller only (the answer
depends on who asks), and must revalidate it (`If-None-Match`) before each use."""


def content_etag(content: str) -> str:
    """An ETag for read-only data without a version counter: a digest of its representation."""
    return '"' + hashlib.sha256(content.encode()).hexdigest()[:20] + '"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


def list_etag(body: bytes, principal: Principal) -> str:
    """A list's ETag: a digest of its answer, of the caller's rights, so that two callers
    who may read different things never share one, even for the same items, and of the answer's
    language (docs/translations.md). Weak, as the answer may be sent compressed (the same items,
    other bytes)."""
    rights = f"{principal.role}:{','.join(sorted(map(str, principal.organisation_ids)))}"
    rights += f":{current_language()}"
    digest = hashlib.sha256(rights.encode() + b"\n" + body).hexdigest()[:20]
    return f'W/"{digest}"'


def not_modified(request: Request, current: str) -> bool:
    """True when the client's `If-None-Match` already names the `current` ETag (the weak
    comparison RFC 9110 asks for: `W/` is ignored on either side)."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or current.removeprefix("W/") in tags


def conditional(request: Request, response: Response, tag: str) -> Response | None:
    """For a read: a 304 when the client's `If-None-Match` names `tag`, else None, with the ETag
    set on the response the route goes on to return."""
    if not_modified(request, tag):
        return Response(status_code=304, headers={"ETag": tag, "Cache-Control": CACHE_CONTROL})
    response.headers["ETag"] = tag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return None


def tag_list(request: Request, response: Response, principal: Principal) -> Response:
    """A list's answer with its ETag, or 304 when the client's `If-None-Match` names it. Only a
    whole 200 answer is tagged (not an error, nor one that set an ETag of its own)."""
    body = getattr(response, "body", None)
    if response.status_code != 200 or not isinstance(body, bytes) or "etag" in response.headers:
        return response
    return conditional(request, response, list_etag(body, principal)) or response


# `W/"v3"` is `"v3"` as an answer compressed on its way out weakened it
# (app/api/middleware.py): it names the same version of the resource, and so do `"v3-sv"` and
# `"v3-es"`, the ETags of its answers in Swedish and Spanish (`etag_for`).
_VERSION_TAG = re.compile(r'(?:W/)?"v(0|[1-9][0-9]*)(?:-(?:en|sv|es))?"')


def expected_versions(if_match: str | None) -> Expected | None:
    """The versions an `If-Match` header names: its `"v<n>"` ETags (weak or not), or any for
    `*`. Other tags name no version of ours, so they match none. An empty header names nothing:
    as if absent (428), not a stale version (412)."""
    if if_match is None or not if_match.strip():
        return None
    tags = {t.strip() for t in if_match.split(",")}
    versions = frozenset(int(m.group(1)) for t in tags if (m := _VERSION_TAG.fullmatch(t)))
    return Expected(named_as=if_match, versions=versions, any_version="*" in tags)
