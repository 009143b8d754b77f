"""Rate limits per client: a fixed one-minute window, in process or shared through Redis.

The client is the bearer token (by its hash, never the token itself) when one is sent, else the
client address; each has its own bucket and limit (docs/access-control.md, "Rate limits"). The
window is aligned to the clock (`int(time.time()) // 60`), so replicas sharing Redis agree on it.
A Redis outage lets requests through (fail open) rather than turning every answer into a 5xx.
"""

import hashlib
import logging
import time
from collections.abc import Callable
from typing import Protocol

import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.middleware import send_problem
from app.api.problems import problem_kind
from app.settings import Settings

log = logging.getLogger(__name__)

RATE_LIMITED = problem_kind(
    "rate-limited",
    429,
    "Too many requests",
    "The client sent more requests this minute than its limit allows; wait `Retry-After` "
    "seconds. Limits are per bearer token, or per client address without one.",
)

WINDOW_S = 60
# Routes that are never limited: probes, and the documentation with its assets.
EXEMPT_PATHS = frozenset({"/healthz", "/readyz", "/docs", "/redoc", "/openapi.json"})
EXEMPT_PREFIXES = ("/docs/", "/docs-assets/")

Clock = Callable[[], float]


class Limiter(Protocol):
    async def hit(self, key: str, limit: int) -> tuple[bool, int, int]:
        """Count one request for `key`: (allowed, remaining, seconds to the window's end)."""
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
        if time.monotonic() < self._paused_until:
            raise RedisUnavailable("paused after a failure")
        name = f"ratelimit:{key}:{window}"
        try:
            async with self._client.pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.expire(name, self.KEY_TTL_S)
                count, _ = await pipe.execute()
        except (RedisError, OSError) as exc:  # OSError covers TimeoutError
            self._paused_until = time.monotonic() + self._pause_s
            log.warning(
                "rate limits unavailable, letting requests through",
                extra={"error": f"{type(exc).__name__}: {exc}", "pause_s": self._pause_s},
            )
            raise RedisUnavailable(str(exc)) from exc
        allowed, remaining = _verdict(int(count), limit)
        return allowed, remaining, reset_s

    async def aclose(self) -> None:
        await self._client.aclose()


def make_limiter(settings: Settings) -> Limiter:
    if settings.redis_url:
        return RedisLimiter(settings.redis_url)
    return MemoryLimiter()


def client_key(scope: Scope, settings: Settings) -> tuple[str, int]:
    """The bucket and limit of a request: its bearer token's hash, else its client address."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            token = token.strip()
            if scheme.lower() == "bearer" and token:
                digest = hashlib.sha256(token.encode("latin-1")).hexdigest()[:32]
                return f"t:{digest}", settings.rate_limit_per_minute
            break
    client = scope.get("client")
    host = client[0] if client else "unknown"
    return f"ip:{host}", settings.rate_limit_anonymous_per_minute


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

        key, limit = client_key(scope, self.settings)
        try:
            allowed, remaining, reset_s = await self.limiter.hit(key, limit)
        except RedisUnavailable:
            await self.app(scope, receive, send)  # fail open, without limit headers
            return

        rate_headers = {
            "RateLimit-Limit": str(limit),
            "RateLimit-Remaining": str(remaining),
            "RateLimit-Reset": str(reset_s),
        }
        if not allowed:
            rate_headers["Retry-After"] = str(reset_s)
        send = _with_headers(send, rate_headers)

        if allowed:
            await self.app(scope, receive, send)
            return
        detail = (
            f"Over the limit of {limit} requests per minute for this client; "
            f"retry in {reset_s} seconds."
        )
        await send_problem(send, RATE_LIMITED, detail, scope["path"])

    def _closing_on_shutdown(self, send: Send) -> Send:
        async def closing_send(message: Message) -> None:
            if message["type"] in ("lifespan.shutdown.complete", "lifespan.shutdown.failed"):
                try:
                    await self.aclose()
                except Exception:
                    log.warning("could not close the rate limiter", exc_info=True)
            await send(message)

        return closing_send


def _with_headers(send: Send, extra: dict[str, str]) -> Send:
    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = MutableHeaders(scope=message)
            for name, value in extra.items():
                headers[name] = value
        await send(message)

    return send_with_headers
