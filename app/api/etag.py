"""ETags from a row's version counter; `If-Match` read into the versions a change expects
(`app/core/versions.py` refuses it, 412, when stale)."""

import hashlib
import re

from fastapi import Request, Response

from app.core.versions import Expected, etag_for


def content_etag(content: str) -> str:
    """An ETag for read-only data without a version counter: a digest of its representation."""
    return '"' + hashlib.sha256(content.encode()).hexdigest()[:20] + '"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag_for(version)


def not_modified(request: Request, current: str) -> bool:
    """True when the client's `If-None-Match` already names the `current` ETag."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {t.strip().removeprefix("W/") for t in header.split(",")}
    return "*" in tags or current in tags


def conditional(request: Request, response: Response, tag: str) -> Response | None:
    """For a read: a 304 when the client's `If-None-Match` names `tag`, else None, with the ETag
    set on the response the route goes on to return."""
    if not_modified(request, tag):
        return Response(status_code=304, headers={"ETag": tag})
    response.headers["ETag"] = tag
    return None


_VERSION_TAG = re.compile(r'"v(0|[1-9][0-9]*)"')


def expected_versions(if_match: str | None) -> Expected | None:
    """The versions an `If-Match` header names: its `"v<n>"` ETags, or any for `*`. Other tags
    name no version of ours, so they match none. An empty header names nothing: as if absent
    (428), not a stale version (412)."""
    if if_match is None or not if_match.strip():
        return None
    tags = {t.strip() for t in if_match.split(",")}
    versions = frozenset(int(m.group(1)) for t in tags if (m := _VERSION_TAG.fullmatch(t)))
    return Expected(named_as=if_match, versions=versions, any_version="*" in tags)
