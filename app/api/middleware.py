"""Pure ASGI middleware (BaseHTTPMiddleware would break streaming and the one transaction)."""

import json
import logging
import os
import re
import time
from collections.abc import Callable
from typing import ClassVar
from urllib.parse import unquote_to_bytes

from opentelemetry import trace
from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.problems import PROBLEM_MEDIA_TYPE, problem_body
from app.api.redaction import loggable_path
from app.core.context import request_id_var
from app.core.errors import BAD_REQUEST, INTERNAL_ERROR, PAYLOAD_TOO_LARGE, ProblemKind
from app.core.i18n import Text, _, language_var, negotiate

access_log = logging.getLogger("partnership_api.access")
log = logging.getLogger(__name__)

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


class RequestContextMiddleware:
    """Take `X-Request-ID` (or make one), negotiate the answer's language (`Accept-Language` or
    `?lang=`, app/core/i18n.py), echo both back with the headers every response carries whatever
    produced it, and write one access-log line. (One wrapper for both: each layer of
    middleware costs every request a wrapped `send`.)"""

    SECURITY_HEADERS: ClassVar[dict[str, str]] = {
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
        "Cross-Origin-Resource-Policy": "same-origin",
    }

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # One pass over the request's headers, read as Starlette would: the last X-Request-ID
        # (a dict of them), the first Accept-Language (`Headers.get`).
        incoming = b""
        accept_language: bytes | None = None
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                incoming = value
            elif name == b"accept-language" and accept_language is None:
                accept_language = value
        request_id = incoming.decode("latin-1")
        if not _SAFE_REQUEST_ID.match(request_id):
            request_id = os.urandom(16).hex()  # 32 hex digits, as uuid4().hex, at a tenth of it
        token = request_id_var.set(request_id)
        language = negotiate(
            None if accept_language is None else accept_language.decode("latin-1"),
            _query_lang(scope.get("query_string", b"")),
        )
        language_token = language_var.set(language)
        started = time.perf_counter()
        path = loggable_path(scope["path"])
        if path != scope["path"]:  # FastAPI's telemetry span (when on) noted the path as sent
            trace.get_current_span().set_attribute("url.path", path)
        status = 500
        stamped = (request_id.encode("latin-1"), language.encode("latin-1"))

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                _stamp(message, *stamped)
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            if access_log.isEnabledFor(logging.INFO):
                access_log.info(
                    "request",
                    extra={
                        "method": scope["method"],
                        "path": path,
                        "status": status,
                        "duration_ms": round((time.perf_counter() - started) * 1000, 2),
                    },
                )
            request_id_var.reset(token)
            language_var.reset(language_token)


_SECURITY_RAW = tuple(
    (name.lower().encode("latin-1"), value.encode("latin-1"))
    for name, value in RequestContextMiddleware.SECURITY_HEADERS.items()
)


def _stamp(message: Message, request_id: bytes, language: bytes) -> None:
    """Give a response's start the request id (replacing any), the security headers and
    `Content-Language` (unless set), and `Vary: Accept-Language` (joined to any `Vary` there is):
    what `MutableHeaders`' `[]=`, `setdefault` and `add_vary_header` do, in one pass over the
    headers instead of one per header."""
    headers = list(message.get("headers", ()))
    present = set()
    vary = -1
    ids: list[int] = []
    for at, (name, _value) in enumerate(headers):
        present.add(name)
        if name == b"x-request-id":
            ids.append(at)
        elif name == b"vary" and vary < 0:
            vary = at
    if ids:
        headers[ids[0]] = (b"x-request-id", request_id)
        for at in reversed(ids[1:]):
            del headers[at]
            if vary > at:
                vary -= 1
    else:
        headers.append((b"x-request-id", request_id))
    for name, value in _SECURITY_RAW:
        if name not in present:
            headers.append((name, value))
    if b"content-language" not in present:
        headers.append((b"content-language", language))
    if vary < 0:
        headers.append((b"vary", b"Accept-Language"))
    else:  # every Vary there is, joined, where the first was
        values = [value for name, value in headers if name == b"vary"]
        headers = [h for at, h in enumerate(headers) if at == vary or h[0] != b"vary"]
        headers[vary] = (b"vary", b", ".join([*values, b"Accept-Language"]))
    message["headers"] = headers


def set_headers(message: Message, values: dict[str, str]) -> None:
    """Set each of `values` on a response's start, replacing any header of the same name, as
    `MutableHeaders(scope=message)[name] = value` does, in one pass when none is there yet (the
    usual case)."""
    raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in values.items()]
    headers = list(message.get("headers", ()))
    names = {name for name, _value in raw}
    if any(name in names for name, _value in headers):
        mutable = MutableHeaders(raw=headers)
        for name, value in values.items():
            mutable[name] = value
    else:
        headers.extend(raw)
    message["headers"] = headers


def _query_lang(query_string: bytes) -> str | None:
    """The `lang` query parameter, if any (a cheap scan: most requests carry none)."""
    if b"lang=" not in query_string:
        return None
    for pair in query_string.split(b"&"):
        name, _, value = pair.partition(b"=")
        if name == b"lang":
            return value.decode("latin-1")
    return None


def is_file_upload(path: str) -> bool:
    """A file's upload route: `.../file` under a partnership (documents' files)."""
    return path.startswith("/api/v1/partnerships/") and path.endswith("/file")


def accepts_gzip(scope: Scope) -> bool:
    """Whether the request's `Accept-Encoding` names gzip with a weight above 0."""
    for name, value in scope["headers"]:
        if name == b"accept-encoding":
            for coding in value.decode("latin-1").lower().split(","):
                token, _, params = coding.partition(";")
                if token.strip() == "gzip":
                    weight = params.strip().removeprefix("q=").strip()
                    return not weight or weight.strip("0.") != ""
    return False


class CompressionMiddleware:
    """gzip for a client that asks (`Accept-Encoding: gzip`), of answers of `minimum_size`
    bytes or more: Starlette's GZipMiddleware, not entered at all for other clients.

    A strong ETag names exact bytes (RFC 9110, 8.8.1), so one under which the answer is sent
    compressed, or a 304 to a client that holds it weak (so compressed), is made weak (`W/"v3"`);
    `If-None-Match` compares weakly, and `If-Match` takes `W/"v<n>"` for version n
    (app/api/etag.py)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        minimum_size: int,
        compresslevel: int,
        exclude_content_types: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.gzip = GZipMiddleware(
            app,
            minimum_size=minimum_size,
            compresslevel=compresslevel,
            exclude_content_types=DEFAULT_EXCLUDED_CONTENT_TYPES + exclude_content_types,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not accepts_gzip(scope):
            await self.app(scope, receive, send)
            return

        held = Headers(scope=scope).get("if-none-match", "")

        async def weaken(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                etag = headers.get("etag")
                compressed = headers.get("content-encoding") == "gzip"
                # A 304 names the tag the client holds: weak if the answer it holds came
                # compressed, strong if it came small enough to be sent as it was.
                revalidated = message["status"] == 304 and f"W/{etag}" in held
                if etag and etag.startswith('"') and (compressed or revalidated):
                    headers["etag"] = "W/" + etag
            await send(message)

        await self.gzip(scope, receive, weaken)


def decodes_as_utf8(raw: bytes) -> bool:
    """Whether a raw path or query string, percent-decoded, is UTF-8."""
    if raw.isascii() and b"%" not in raw:
        return True  # nearly every request: nothing to decode
    try:
        unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RequestGuardMiddleware:
    """What every request passes before the app, and the last resort after it, in one layer
    (each layer costs every request a call, and a wrapped `send` when it watches the answer):

    - 400 when the path or the query string holds percent-encoded bytes that are not UTF-8
      (`?q=%ff`): the server and Starlette would read them as U+FFFD, so the app would silently
      answer another question than the one asked;
    - 413 for a body over the limit, before the app sees any of it. A declared Content-Length is
      checked at once; a streamed body is read up to the limit (at most that many bytes in
      memory) and then replayed to the app, so no route can act on a cut body. File uploads (a
      `PUT` to a path `is_upload` accepts) may be up to `upload_max_bytes`; without it they keep
      `max_bytes` like every other body;
    - an unexpected exception becomes a logged 500 problem, with no trace for the client. It
      sits inside the request-context middleware, so the 500 carries the request id and the
      security headers (Starlette's own error handler is outermost and would answer without
      them)."""

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        upload_max_bytes: int | None = None,
        is_upload: Callable[[str], bool] = is_file_upload,
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = upload_max_bytes
        self.is_upload = is_upload

    def limit_for(self, scope: Scope) -> int:
        if (
            self.upload_max_bytes is not None
            and scope["method"] == "PUT"
            and self.is_upload(scope["path"])
        ):
            return self.upload_max_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for part, raw in (("path", scope.get("raw_path")), ("query", scope["query_string"])):
            if raw is not None and not decodes_as_utf8(raw):
                detail = _("The {part} is not UTF-8 once its %-escapes are decoded.", part=part)
                await send_problem(send, BAD_REQUEST, detail, scope["path"])
                return
        declared = streamed = None
        for name, value in scope["headers"]:  # the last of each, as a dict of them
            if name == b"content-length":
                declared = value
            elif name == b"transfer-encoding":
                streamed = value
        if declared is not None or streamed is not None:
            limit = self.limit_for(scope)
            if declared is not None and declared.isdigit() and int(declared) > limit:
                await self._reject(scope, send, limit)
                return
            if declared is None:  # else the server enforces the declared length
                replay = await self._read_body(scope, receive, send, limit)
                if replay is None:
                    return
                receive = replay
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error")
            if started:
                raise
            await send_problem(send, INTERNAL_ERROR, INTERNAL_ERROR.description, scope["path"])

    async def _read_body(
        self, scope: Scope, receive: Receive, send: Send, limit: int
    ) -> Receive | None:
        """A streamed body read up to the limit, as a `receive` that replays it; None once the
        413 is sent."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                await self._reject(scope, send, limit)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        return replay

    async def _reject(self, scope: Scope, send: Send, limit: int) -> None:
        detail = _("The request body is over the limit of {limit} bytes.", limit=limit)
        await send_problem(send, PAYLOAD_TOO_LARGE, detail, scope["path"], close=True)


async def send_problem(
    send: Send, kind: ProblemKind, detail: Text, instance: str, *, close: bool = False
) -> None:
    body = json.dumps(problem_body(kind, detail, instance)).encode()
    headers = [
        (b"content-type", PROBLEM_MEDIA_TYPE.encode()),
        (b"content-length", str(len(body)).encode()),
    ]
    if close:
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": kind.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
