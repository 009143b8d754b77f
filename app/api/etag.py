"""ETags from a row's version counter; `If-Match` guards every change (412 when stale)."""

import hashlib

from fastapi import Request, Response

from app.api.problems import PRECONDITION_FAILED, PRECONDITION_REQUIRED, ProblemError


def etag_for(version: int) -> str:
    return f'"v{version}"'


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


def check_if_match(if_match: str | None, version: int) -> None:
    """Refuse a change without `If-Match` (428) or with a stale ETag (412)."""
    if if_match is None:
        raise ProblemError(PRECONDITION_REQUIRED)
    tags = {t.strip() for t in if_match.split(",")}
    if "*" in tags or etag_for(version) in tags:
        return
    raise ProblemError(
        PRECONDITION_FAILED,
        f"If-Match {if_match} does not match the current ETag {etag_for(version)}.",
        current_etag=etag_for(version),
    )
