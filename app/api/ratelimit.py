"""Rate limits per client: a fixed one-minute window, in process or shared through Redis.

Without a bearer token the client is its address: each request counts against the address's
bucket before the app sees it. With one, the client is the token (by its hash, never the token
itself), but only once the app has accepted it: a token is just a string the client chose, so
counting it before it is checked would let a fresh junk token per request escape every limit, and
leave one bucket per junk token behind. So a request with a token is let in only if neither its
token's bucket nor its address's failed-credentials bucket is full (both read, not counted), and
is counted when the answer starts: a 401 (the token was refused) against the address's
failed-credentials bucket, at the anonymous limit, and creates no per-token state; anything else
against the token's own bucket. Junk tokens thus cost their address the same as anonymous
requests (in a bucket of its own, so anonymous traffic does not lock out tokens).

Deliberately, once an address's failed-credentials bucket is full, every request from it with a
token is refused (429) until the window ends, valid tokens included: the limiter cannot tell a
valid token from junk before the app has checked it, and a client that keeps failing is throttled
as a whole. Concurrent requests with one token may overshoot its limit slightly (read, then
counted after the app), never by more than the requests in flight.

The authentication marks the request's scope when it accepted the token (`TOKEN_ACCEPTED`); a
request whose token no route checked (`/problems`, an unknown path) counts against its address's
ordinary anonymous bucket, so no unchecked token ever gets a bucket of its own. A public route
ignores a token it refused and answers as to an anonymous caller; it counts the request against
that same anonymous bucket before doing any work (`COUNT_AS_ANONYMOUS`), and answers 429 when it
is spent, so a junk token buys no more of the public data than no token, and an expired token
polling public data does not spend the failed-credentials budget its address's valid tokens
depend on.

The window is aligned to the clock (`int(time.time()) // 60`), so replicas sharing Redis agree on
it. A Redis outage lets requests through (fail open) rather than turning every answer into a 5xx.
(docs/access-control.md, "Rate limits".)
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import NoReturn, Protocol

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.middleware import send_problem, set_headers
from app.core.errors import ProblemError, problem_kind
from app.core.i18n import Text, _
from app.settings import Settings

log = logging.getLogger(__name__)

RATE_LIMITED = problem_kind(
    "rate-limited",
    429,
    _("Too many requests"),
    _(
        "The client sent more requests this minute than its limit allows; wait `Retry-After` "
        "seconds. Limits are per bearer token, or per client address without one; requests whose "
        "credentials are refused (401) count against their client address, and once those reach the"
        " address's limit, every request from it with credentials waits too.",
    ),
)

WINDOW_S = 60
# Routes that are never limited: probes, and the documentation with its assets.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/docs", "/redoc", "/openapi.json"})
EXEMPT_PREFIXES = ("/docs/", "/docs-assets/")

Clock = Callable[[], float]


# Set in the ASGI scope by the authentication when it accepted the request's bearer token.
TOKEN_ACCEPTED = "partnership_api.token_accepted"
# Set in the ASGI scope on a request with a bearer token, for a public route that ignores the
# token it refused: awaited, it counts the request against its address's anonymous budget, and
# raises the 429 problem when that is spent, before the route does any work.
COUNT_AS_ANONYMOUS = "partnership_api.count_as_anonymous"


class Limiter(Protocol):
    async def hit(self, key: str, limit: int) -> tuple[bool, int, int]:
        """Count one request for `key`: (allowed, remaining, seconds to the window's end)."""
        ...

    async def peek(self, key: str, limit: int) -> tuple[bool, int, int]:
        """Read `key` without counting or creating it: (one more request is allowed, remaining,
        seconds to the window's end)."""
        ...

    async def aclose(self) -> None: ...


def _window(now: float) -> tuple[int, int]:
    """The current window and the seconds left in it (1..60)."""
    seconds = int(now)
    window = seconds // WINDOW_S
    return window, (window + 1) * WINDOW_S - seconds


def _verdict(count: int, limit: int) -> tuple[bool, int]:
    return count <= limit, max(limit - count, 0)


class MemoryLimiter:
    """One process's counts; old windows are dropped as soon as a new one starts."""

    def __init__(self, clock: Clock = time.time) -> None:
        self._clock = clock
        self._counts: dict[tuple[str, int], int] = {}
        self._window = -1

    async def hit(self, key: str, limit: int) -> tuple[bool, int, int]:
        window, reset_s = _window(self._clock())
        if window != self._window:  # no await in here: one event loop makes this atomic
            self._counts = {k: v for k, v in self._counts.items() if k[1] >= window}
            self._window = window
        count = self._counts.get((key, window), 0) + 1
        self._counts[(key, window)] = count
        allowed, remaining = _verdict(count, limit)
        return allowed, remaining, reset_s

    async def peek(self, key: str, limit: int) -> tuple[bool, int, int]:
        window, reset_s = _window(self._clock())
        count = self._counts.get((key, window), 0)
        return count < limit, max(limit - count, 0), reset_s

    async def aclose(self) -> None:
        self._counts.clear()


class RedisUnavailable(Exception):
    """Redis did not answer; the caller lets the request through."""


class RedisLimiter:
    """Counts shared by every replica: INCR and EXPIRE in one transaction per request.

    Short socket timeouts keep a slow Redis from stalling requests; after a failure Redis is left
    alone for `pause_s` seconds (requests pass unlimited meanwhile), so an outage costs one
    timeout per pause, not one per request, and one warning instead of thousands."""

    KEY_TTL_S = 2 * WINDOW_S

    def __init__(
        self,
        url: str,
        *,
        timeout_s: float = 0.5,
        pause_s: float = 5.0,
        clock: Clock = time.time,
    ) -> None:
        self._client = aioredis.Redis.from_url(
            url,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            retry=Retry(NoBackoff(), 1),  # once, for a pooled connection the server dropped
        )
        self._clock = clock
        self._pause_s = pause_s
        self._paused_until = 0.0

    async def hit(self, key: str, limit: int) -> tuple[bool, int, int]:
        window, reset_s = _window(self._clock())
        name = self._name(key, window)
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, self.KEY_TTL_S)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:  # OSError covers TimeoutError
            self._failed(exc)
        allowed, remaining = _verdict(int(count), limit)
        return allowed, remaining, reset_s

    async def peek(self, key: str, limit: int) -> tuple[bool, int, int]:
        window, reset_s = _window(self._clock())
        name = self._name(key, window)
        try:
            value = await self._client.get(name)
        except (RedisError, OSError) as exc:
            self._failed(exc)
        count = int(value or 0)
        return count < limit, max(limit - count, 0), reset_s

    def _name(self, key: str, window: int) -> str:
        """The Redis key of a bucket; RedisUnavailable during a pause after a failure."""
        if time.monotonic() < self._paused_until:
            raise RedisUnavailable("paused after a failure")
        return f"ratelimit:{key}:{window}"

    def _failed(self, exc: Exception) -> NoReturn:
        self._paused_until = time.monotonic() + self._pause_s
        log.warning(
            "rate limits unavailable, letting requests through",
            extra={"error": f"{type(exc).__name__}: {exc}", "pause_s": self._pause_s},
        )
        raise RedisUnavailable(str(exc)) from exc

    async def aclose(self) -> None:
        await self._client.aclose()


def make_limiter(settings: Settings) -> Limiter:
    if settings.redis_url:
        return RedisLimiter(settings.redis_url)
    return MemoryLimiter()


def bearer_digest(scope: Scope) -> str | None:
    """A short SHA-256 of the request's bearer token; None without one (or with another
    scheme, which counts as anonymous)."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            if scheme.lower() == "bearer" and token:
                return hashlib.sha256(token.encode("latin-1")).hexdigest()[:32]
            break
    return None


def client_host(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"


def _is_exempt(scope: Scope) -> bool:
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :] or "/"
    return path in EXEMPT_PATHS or path.startswith(EXEMPT_PREFIXES)


class RateLimitMiddleware:
    """Count each HTTP request against its client's limit; over it, answer 429 at once.

    The backend is chosen on first use (Redis when `REDIS_URL` is set) and closed when the app's
    lifespan shuts down, or by `aclose()`."""

    def __init__(self, app: ASGIApp, settings: Settings, limiter: Limiter | None = None) -> None:
        self.app = app
        self.settings = settings
        self._limiter = limiter

    @property
    def limiter(self) -> Limiter:
        if self._limiter is None:
            self._limiter = make_limiter(self.settings)
        return self._limiter

    async def aclose(self) -> None:
        if self._limiter is not None:
            limiter, self._limiter = self._limiter, None
            await limiter.aclose()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, self._closing_on_shutdown(send))
            return
        if scope["type"] != "http" or _is_exempt(scope):
            await self.app(scope, receive, send)
            return

        digest = bearer_digest(scope)
        if digest is None:
            await self._anonymous(scope, receive, send)
        else:
            await self._with_token(scope, receive, send, digest)

    async def _anonymous(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Counted against the client address before the app sees the request."""
        limit = self.settings.rate_limit_anonymous_per_minute
        try:
            allowed, remaining, reset_s = await self.limiter.hit(f"ip:{client_host(scope)}", limit)
        except RedisUnavailable:
            await self.app(scope, receive, send)  # fail open, without limit headers
            return
        if not allowed:
            detail = _("Over the limit of {limit} requests per minute for this client", limit=limit)
            await _refuse(scope, send, limit, reset_s, detail)
            return
        await self.app(
            scope, receive, _with_headers(send, _limit_headers(limit, remaining, reset_s))
        )

    async def _with_token(self, scope: Scope, receive: Receive, send: Send, digest: str) -> None:
        """Read both buckets before the app, count one of them once its answer starts (or, for
        a public route that ignored the token, when it asks to count it as anonymous)."""
        limiter = self.limiter
        token_key, token_limit = f"t:{digest}", self.settings.rate_limit_per_minute
        anonymous_key = f"ip:{client_host(scope)}"
        anonymous_limit = self.settings.rate_limit_anonymous_per_minute
        failed_key, failed_limit = f"authfail:{anonymous_key}", anonymous_limit
        try:
            token_ok, _used, reset_s = await limiter.peek(token_key, token_limit)
            failed_ok, _used, _reset = await limiter.peek(failed_key, failed_limit)
        except RedisUnavailable:
            await self.app(scope, receive, send)  # fail open, without limit headers
            return
        if not token_ok:
            detail = _(
                "Over the limit of {limit} requests per minute for this client", limit=token_limit
            )
            await _refuse(scope, send, token_limit, reset_s, detail)
            return
        if not failed_ok:
            detail = _(
                "Over the limit of {limit} requests per minute with refused credentials from this "
                "address",
                limit=failed_limit,
            )
            await _refuse(scope, send, failed_limit, reset_s, detail)
            return

        counted: dict[str, str] | None = None  # the limit headers once counted as anonymous

        async def count_as_anonymous() -> None:
            nonlocal counted
            try:
                allowed, remaining, reset_s = await limiter.hit(anonymous_key, anonymous_limit)
            except RedisUnavailable:
                counted = {}  # fail open, without limit headers
                return
            counted = _limit_headers(anonymous_limit, remaining, reset_s)
            if not allowed:
                detail = _(
                    "Over the limit of {limit} requests per minute for this client",
                    limit=anonymous_limit,
                )
                raise ProblemError(
                    RATE_LIMITED,
                    _("{detail}; retry in {seconds} seconds.", detail=detail, seconds=reset_s),
                    headers={"Retry-After": str(reset_s)},
                )

        scope[COUNT_AS_ANONYMOUS] = count_as_anonymous

        async def counting_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = counted
                if extra is None:
                    if scope.get(TOKEN_ACCEPTED):
                        key, limit = token_key, token_limit
                    elif message["status"] == 401:
                        key, limit = failed_key, failed_limit
                    else:  # no route looked at the token: an anonymous request
                        key, limit = anonymous_key, anonymous_limit
                    try:
                        _, remaining, reset = await limiter.hit(key, limit)
                    except RedisUnavailable:
                        extra = {}  # fail open, without limit headers
                    else:
                        extra = _limit_headers(limit, remaining, reset)
                set_headers(message, extra)
            await send(message)

        await self.app(scope, receive, counting_send)

    def _closing_on_shutdown(self, send: Send) -> Send:
        async def closing_send(message: Message) -> None:
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                try:
                    await self.aclose()
                except Exception:
                    log.warning("could not close the rate limiter", exc_info=True)
            await send(message)

        return closing_send


def _limit_headers(limit: int, remaining: int, reset_s: int) -> dict[str, str]:
    return {
        "RateLimit-Limit": str(limit),
        "RateLimit-Remaining": str(remaining),
        "RateLimit-Reset": str(reset_s),
    }


async def _refuse(scope: Scope, send: Send, limit: int, reset_s: int, detail: Text) -> None:
    """429, without calling the app."""
    headers = {**_limit_headers(limit, 0, reset_s), "Retry-After": str(reset_s)}
    detail = _("{detail}; retry in {seconds} seconds.", detail=detail, seconds=reset_s)
    await send_problem(_with_headers(send, headers), RATE_LIMITED, detail, scope["path"])


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            set_headers(message, extra)
        await send(message)

    return send_with_headers
