"""`Idempotency-Key` on every POST (draft-ietf-httpapi-idempotency-key-header; docs/conventions.md,
"Idempotency-Key"): a retry of a POST gets the first request's answer without running again.

`TransactionalRoute` (`app/api/routing.py`) adds `claim_key` to every POST route, after the
principal is known (it depends on `get_principal`, which the route's role check shares), and
finishes the claim: `finish` keeps the answer in the change's own transaction, `finish_failed`
keeps a 4xx answer (the change rolled back) and lets a 5xx or an unexpected exception through,
keeping nothing, so that a retry runs again. The storage is `app/services/idempotency.py`.
"""

import hashlib
import inspect
import json
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Header, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession, AsyncSessionTransaction

from app.api.auth import get_principal
from app.api.deps import SessionDep
from app.api.problems import answers
from app.core.errors import ProblemError, problem_kind
from app.core.i18n import _
from app.core.principal import Principal
from app.services import idempotency as keys

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255

INVALID_KEY = problem_kind(
    "invalid-idempotency-key",
    400,
    _("Invalid idempotency key"),
    _(
        "`{header}` must be 1 to {max} characters: a Structured Field string "
        '(`"..."`, printable ASCII, `\\"` and `\\\\` escaped) as the draft writes it, or the '
        "same characters bare, without quotes, spaces or backslashes.",
        header=HEADER,
        max=MAX_KEY_LENGTH,
    ),
)
KEY_IN_PROGRESS = problem_kind(
    "idempotency-key-in-progress",
    409,
    _("Idempotency key in progress"),
    _(
        "A request with this `{header}` is still running; retry once it has answered, and get "
        "its answer.",
        header=HEADER,
    ),
)
KEY_REUSED = problem_kind(
    "idempotency-key-reused",
    422,
    _("Idempotency key reused"),
    _(
        "This `{header}` was used within the last 24 hours for another request (another path, "
        "query, body or `If-Match`); use a new key for a new request.",
        header=HEADER,
    ),
)
KINDS = (INVALID_KEY, KEY_IN_PROGRESS, KEY_REUSED)
HEADER_DESCRIPTION = (
    "Optional. A unique key (e.g. a UUID) that makes a retry of this request safe: for 24 hours a "
    "request with the same key, the same body and the same `If-Match` gets the first answer "
    f"(with `{REPLAYED_HEADER}: true`) without running again. Another body or `If-Match`: 422 "
    f"`{KEY_REUSED.code}`; the first still running: 409 `{KEY_IN_PROGRESS.code}`."
)
# The key: bare printable ASCII without quotes, spaces or backslashes, or a Structured Field
# string whose `\"` and `\\` escapes stand for one character each. Both as the OpenAPI document
# states it (`app/api/openapi.py`) and as `parse_key` reads it.
_BARE_CHAR = r"[!#-\[\]-~]"
_QUOTED_CHAR = r'(?:[ !#-\[\]-~]|\\["\\])'
KEY_PATTERN = f'^(?:{_BARE_CHAR}{{1,{MAX_KEY_LENGTH}}}|"{_QUOTED_CHAR}{{1,{MAX_KEY_LENGTH}}}")$'
_KEY = re.compile(KEY_PATTERN)
_ESCAPE = re.compile(r"\\(.)")


def parse_key(raw: str) -> str:
    """The key a header value names: a Structured Field string unquoted, or a bare token."""
    value = raw.strip(" \t")
    if _KEY.fullmatch(value) is None:
        raise ProblemError(INVALID_KEY, INVALID_KEY.description)
    if value.startswith('"'):
        return _ESCAPE.sub(r"\1", value[1:-1])
    return value


def fingerprint(body: bytes, if_match: str | None = None) -> str:
    """sha256 of a body: of its canonical JSON when it is JSON (so a client that orders its keys
    or spaces differently on a retry is still sending the same body), else of its bytes; with
    the ETags `If-Match` names, when it names any (a precondition is part of the request)."""
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        digest = hashlib.sha256(body).hexdigest()
    else:
        canonical = json.dumps(parsed, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
    tags = sorted({tag.strip() for tag in (if_match or "").split(",")} - {""})
    if not tags:  # no precondition: the body's digest alone, as before If-Match counted
        return digest
    return hashlib.sha256(f"{digest}\nIf-Match: {', '.join(tags)}".encode()).hexdigest()


def caller_of(principal: Principal) -> str:
    return f"{principal.kind}:{principal.id}"


@dataclass
class Claim:
    """A key this request holds (its advisory lock) and the savepoint its change runs in."""

    caller: str
    key: str
    method: str
    path: str
    fingerprint: str
    savepoint: AsyncSessionTransaction


class Replay(Exception):  # not an error: the answer to send
    """Raised by `claim_key` with the stored answer; `TransactionalRoute` sends it."""

    def __init__(self, response: Response) -> None:
        super().__init__("replay")
        self.response = response


@answers(*KINDS)
async def claim_key(
    request: Request,
    session: SessionDep,
    principal: Annotated[Principal, Depends(get_principal)],
    idempotency_key: Annotated[
        str | None, Header(alias=HEADER, description=HEADER_DESCRIPTION)
    ] = None,
) -> None:
    """Take the request's key before the route runs: replay a stored answer (`Replay`), refuse a
    key in use (409) or reused (422), or hold it (`request.state.idempotency`). A request
    without credentials has no caller to keep a key for: it runs as without one."""
    if idempotency_key is None:
        return
    key = parse_key(idempotency_key)
    if principal.kind == "anonymous":
        return
    caller = caller_of(principal)
    scope = request.scope
    query = scope.get("query_string", b"").decode("latin-1")
    path = scope["path"] + (f"?{query}" if query else "")
    digest = fingerprint(await request.body(), ",".join(request.headers.getlist("if-match")))
    if not await keys.try_lock(session, caller, key):
        raise ProblemError(KEY_IN_PROGRESS, KEY_IN_PROGRESS.description)
    stored = await keys.find(session, caller, key)
    if stored is not None:
        if (stored.method, stored.path, stored.fingerprint) != (request.method, path, digest):
            raise ProblemError(KEY_REUSED, KEY_REUSED.description)
        raise Replay(replay(stored))
    request.state.idempotency = Claim(
        caller, key, request.method, path, digest, await session.begin_nested()
    )


def replay(answer: keys.Answer) -> Response:
    response = Response(status_code=answer.status)
    response.body = answer.body
    headers = [(name.encode("latin-1"), value.encode("latin-1")) for name, value in answer.headers]
    if answer.status not in (204, 304):
        headers.append((b"content-length", str(len(answer.body)).encode()))
    headers.append((REPLAYED_HEADER.lower().encode(), b"true"))
    response.raw_headers = headers
    return response


def _answer(claim: Claim, response: Response) -> keys.Answer | None:
    body = getattr(response, "body", None)
    if not isinstance(body, bytes | memoryview):  # a streamed answer cannot be kept
        return None
    if "no-store" in response.headers.get("cache-control", ""):
        # A secret shown once (an API key's token, a webhook's signing secret) is never kept,
        # here neither: the key stays free, and a retry runs again.
        return None
    headers = [
        (name.decode("latin-1"), value.decode("latin-1"))
        for name, value in response.raw_headers
        if name.lower() != b"content-length"
    ]
    return keys.Answer(
        claim.method, claim.path, claim.fingerprint, response.status_code, headers, bytes(body)
    )


async def finish(session: AsyncSession, claim: Claim, response: Response) -> None:
    """The route answered: keep a 2xx-4xx answer with the change (the caller commits both)."""
    answer = _answer(claim, response)
    if answer is None or answer.status >= 500:
        return  # nothing kept: the lock ends with the transaction, and a retry runs again
    if claim.savepoint.is_active:
        await claim.savepoint.commit()
    await keys.store(session, claim.caller, claim.key, answer)


async def finish_failed(
    request: Request, session: AsyncSession, claim: Claim, exc: Exception
) -> Response | None:
    """The route raised: render the problem as the app's handlers would; keep a 4xx answer
    without the change (rolled back to the savepoint) and commit it. None for a 5xx or an
    exception no handler renders: nothing is kept, and the caller re-raises."""
    handler = _handler_for(request, exc)
    if handler is None:
        return None
    response = handler(request, exc)
    if inspect.isawaitable(response):
        response = await response
    answer = _answer(claim, response)
    if answer is None or answer.status >= 500:
        return None
    await claim.savepoint.rollback()
    await keys.store(session, claim.caller, claim.key, answer)
    await session.commit()
    return response  # type: ignore[no-any-return]


def _handler_for(request: Request, exc: Exception) -> Any:
    handlers = request.app.exception_handlers
    for cls in type(exc).__mro__:
        if cls in handlers:
            return handlers[cls]
    return None
