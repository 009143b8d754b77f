"""Rate limits (docs/access-control.md, "Rate limits"): per client, one-minute fixed window, 429.

Each test builds its own app, so buckets never leak between tests; the routes used need no
database. Requests with a bearer token go through `guarded()`: the middleware around a stand-in
for the app's authentication (the real routes that check tokens need a database). The Redis tests
need the Redis server every machine of this project runs."""

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncConnection, async_sessionmaker
from starlette.types import Receive, Scope, Send

from app.api.middleware import RequestContextMiddleware
from app.api.ratelimit import (
    COUNT_AS_ANONYMOUS,
    TOKEN_ACCEPTED,
    MemoryLimiter,
    RateLimitMiddleware,
    RedisLimiter,
    RedisUnavailable,
)
from app.main import create_app
from app.models.enums import Role
from app.settings import Settings
from tests.conftest import api_key
from tests.conventions.test_errors import assert_problem

REDIS_URL = "redis://127.0.0.1:6379/15"
DOWN_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1


def make_settings(**overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": "postgresql://set-by-tests/unused",
        "redis_url": None,
        "rate_limit_anonymous_per_minute": 3,
        "rate_limit_per_minute": 5,
    }
    values.update(overrides)
    return Settings(**values)


@asynccontextmanager
async def serve(settings: Settings, host: str = "127.0.0.1") -> AsyncIterator[AsyncClient]:
    """A client on a fresh app, seen as coming from `host`; the limiter is closed afterwards."""
    app = create_app(settings)
    transport = ASGITransport(app=app, raise_app_exceptions=False, client=(host, 50000))
    try:
        async with AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client
    finally:
        await close_rate_limiter(app)


async def close_rate_limiter(app: FastAPI) -> None:
    """What the lifespan shutdown does in a server (the test transport runs no lifespan)."""
    layer: Any = app.middleware_stack
    while layer is not None:
        if isinstance(layer, RateLimitMiddleware):
            await layer.aclose()
        layer = getattr(layer, "app", None)


async def fresh_window() -> None:
    """Wait for the next minute if this one is nearly over, so a test's requests share a window."""
    left = 60 - time.time() % 60
    if left < 5:
        await asyncio.sleep(left + 0.1)


def limit_headers(response: Any) -> tuple[str, str, str]:
    h = response.headers
    return h["ratelimit-limit"], h["ratelimit-remaining"], h["ratelimit-reset"]


def assert_rate_limited(response: Any, limit: int) -> None:
    body = assert_problem(response, 429, "rate-limited")
    assert response.headers["x-request-id"]
    retry_after = int(response.headers["retry-after"])
    assert 1 <= retry_after <= 60
    assert limit_headers(response) == (str(limit), "0", str(retry_after))
    assert f"limit of {limit} requests per minute" in body["detail"]


class StandInApp:
    """Answers 401 when the Authorization header contains "junk", else 200, marking a token it
    accepts as the authentication does; records each call."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        authorization = dict(scope["headers"]).get(b"authorization", b"").decode()
        self.calls.append(authorization)
        status = 401 if "junk" in authorization else 200
        if authorization and status == 200:
            scope[TOKEN_ACCEPTED] = True
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@asynccontextmanager
async def guarded(
    settings: Settings, limiter: MemoryLimiter, *hosts: str
) -> AsyncIterator[tuple[StandInApp, list[AsyncClient]]]:
    """The stand-in app behind the rate limits (and the request id), with a client per host."""
    app = StandInApp()
    stack = RequestContextMiddleware(RateLimitMiddleware(app, settings, limiter=limiter))
    clients = [
        AsyncClient(transport=ASGITransport(app=stack, client=(host, 50000)), base_url="http://t")
        for host in hosts
    ]
    try:
        yield app, clients
    finally:
        for client in clients:
            await client.aclose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def bucket_keys(limiter: MemoryLimiter) -> set[str]:
    return {key for key, _window in limiter._counts}


async def require_redis() -> None:
    client = aioredis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        await client.ping()
    except (RedisError, OSError) as exc:
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({type(exc).__name__}: {exc}); every "
            "machine of this project runs one on 127.0.0.1:6379: start it "
            "(e.g. `redis-server --daemonize yes`)."
        )
    finally:
        await client.aclose()


async def test_anonymous_clients_get_429_over_their_limit() -> None:
    await fresh_window()
    async with serve(make_settings()) as client:
        for remaining in ("2", "1", "0"):
            response = await client.get("/problems")
            assert response.status_code == 200, response.text
            limit, left, reset = limit_headers(response)
            assert (limit, left) == ("3", remaining)
            assert 1 <= int(reset) <= 60
        assert_rate_limited(await client.get("/problems"), 3)
        assert_rate_limited(await client.get("/api/v1/organisations"), 3)  # every route counts


async def test_junk_tokens_spend_the_address_budget_and_leave_no_state() -> None:
    """A fresh junk token per request used to get a fresh bucket each: no limit at all, and one
    bucket per token left in memory. Refused tokens now count against their address."""
    await fresh_window()
    limiter = MemoryLimiter()
    async with guarded(make_settings(), limiter, "192.0.2.7") as (app, [client]):
        for remaining in ("2", "1", "0"):
            response = await client.get("/x", headers=bearer(f"junk-{uuid.uuid4().hex}"))
            assert response.status_code == 401
            assert limit_headers(response)[:2] == ("3", remaining)
        for _ in range(20):
            response = await client.get("/x", headers=bearer(f"junk-{uuid.uuid4().hex}"))
            assert_rate_limited(response, 3)
            assert "refused credentials from this address" in response.json()["detail"]
        assert len(app.calls) == 3  # the refused attempts never reached the app
        assert bucket_keys(limiter) == {"authfail:ip:192.0.2.7"}  # no bucket per token

        # The address's anonymous requests have a bucket of their own.
        response = await client.get("/x")
        assert response.status_code == 200
        assert limit_headers(response)[:2] == ("3", "2")


async def test_an_accepted_token_has_its_own_higher_bucket() -> None:
    await fresh_window()
    limiter = MemoryLimiter()
    async with guarded(make_settings(), limiter, "192.0.2.8") as (app, [client]):
        for remaining in ("4", "3", "2", "1", "0"):
            response = await client.get("/x", headers=bearer("token-one"))
            assert response.status_code == 200
            assert limit_headers(response)[:2] == ("5", remaining)
        assert_rate_limited(await client.get("/x", headers=bearer("token-one")), 5)
        assert len(app.calls) == 5

        other = await client.get("/x", headers=bearer("token-two"))
        assert other.status_code == 200
        assert limit_headers(other)[:2] == ("5", "4")
        for _ in range(3):  # neither token nor its refusals touch the anonymous bucket
            assert (await client.get("/x")).status_code == 200
        assert_rate_limited(await client.get("/x"), 3)
        assert (await client.get("/x", headers=bearer("token-two"))).status_code == 200


async def test_an_address_that_keeps_failing_is_throttled_with_any_token() -> None:
    """Deliberate: before the app has checked a token, a valid one looks like junk; once an
    address has spent its budget of refused credentials, all its requests with a token wait for
    the next window. Other addresses, and the address's anonymous requests, are not affected."""
    await fresh_window()
    limiter = MemoryLimiter()
    settings = make_settings()
    async with guarded(settings, limiter, "192.0.2.9", "192.0.2.10") as (app, [bad, good]):
        assert (await bad.get("/x", headers=bearer("token-one"))).status_code == 200
        for _ in range(3):
            assert (await bad.get("/x", headers=bearer("junk"))).status_code == 401

        response = await bad.get("/x", headers=bearer("token-one"))
        assert_rate_limited(response, 3)
        assert "refused credentials" in response.json()["detail"]
        assert len(app.calls) == 4
        assert (await bad.get("/x")).status_code == 200

        response = await good.get("/x", headers=bearer("token-one"))  # the same token elsewhere
        assert response.status_code == 200
        assert limit_headers(response)[:2] == ("5", "3")  # one use from each address


async def test_clients_at_other_addresses_have_their_own_buckets() -> None:
    await fresh_window()
    settings = make_settings(rate_limit_anonymous_per_minute=1)
    app = create_app(settings)
    try:
        for host in ("192.0.2.1", "192.0.2.2"):
            transport = ASGITransport(app=app, raise_app_exceptions=False, client=(host, 1))
            async with AsyncClient(transport=transport, base_url="http://t") as client:
                assert (await client.get("/problems")).status_code == 200
                assert_rate_limited(await client.get("/problems"), 1)
    finally:
        await close_rate_limiter(app)


async def test_health_and_docs_are_never_limited() -> None:
    await fresh_window()
    async with serve(make_settings(rate_limit_anonymous_per_minute=1)) as client:
        for _ in range(5):
            response = await client.get("/healthz")
            assert response.status_code == 200
            assert "ratelimit-limit" not in response.headers
        for path in ("/openapi.json", "/docs", "/redoc", "/docs-assets/swagger-ui.css"):
            response = await client.get(path)
            assert response.status_code == 200, path
            assert "ratelimit-limit" not in response.headers, path
        # None of those used the bucket: the client's first counted request still passes.
        response = await client.get("/problems")
        assert response.status_code == 200
        assert limit_headers(response)[:2] == ("1", "0")


async def test_the_memory_limiter_forgets_old_windows() -> None:
    now = 60.0 * 1000 + 10

    def clock() -> float:
        return now

    limiter = MemoryLimiter(clock)
    assert await limiter.hit("a", 2) == (True, 1, 50)
    assert await limiter.hit("b", 2) == (True, 1, 50)
    assert await limiter.hit("a", 2) == (True, 0, 50)
    assert await limiter.hit("a", 2) == (False, 0, 50)
    assert await limiter.peek("a", 2) == (False, 0, 50)
    assert await limiter.peek("b", 2) == (True, 1, 50)
    assert await limiter.peek("c", 2) == (True, 2, 50)  # read only: "c" is not created
    now += 49  # the window's last second
    assert await limiter.hit("a", 2) == (False, 0, 1)
    now += 1  # a new window: a fresh count, and the old one's entries are gone
    assert await limiter.hit("a", 2) == (True, 1, 60)
    assert list(limiter._counts) == [("a", 1001)]


async def test_replicas_share_one_limit_through_redis() -> None:
    await require_redis()
    await fresh_window()
    host = f"replica-test-{uuid.uuid4().hex}"  # a bucket of its own in the shared database
    settings = make_settings(redis_url=REDIS_URL)
    try:
        async with serve(settings, host) as a, serve(settings, host) as b:
            for client, remaining in ((a, "2"), (a, "1"), (b, "0")):
                response = await client.get("/problems")
                assert response.status_code == 200, response.text
                assert limit_headers(response)[:2] == ("3", remaining)
            assert_rate_limited(await a.get("/problems"), 3)
            assert_rate_limited(await b.get("/problems"), 3)
        redis = aioredis.Redis.from_url(REDIS_URL)
        try:
            keys = [k async for k in redis.scan_iter(match=f"ratelimit:ip:{host}:*")]
            assert len(keys) == 1
            assert int(await redis.get(keys[0]) or 0) == 5
            assert 0 < await redis.ttl(keys[0]) <= 120
        finally:
            await redis.aclose()
    finally:
        redis = aioredis.Redis.from_url(REDIS_URL)
        try:
            async for key in redis.scan_iter(match=f"ratelimit:ip:{host}:*"):
                await redis.delete(key)
        finally:
            await redis.aclose()


async def test_peeking_at_a_redis_bucket_neither_counts_nor_creates_it() -> None:
    await require_redis()
    await fresh_window()
    key = f"peek-test-{uuid.uuid4().hex}"
    limiter = RedisLimiter(REDIS_URL)
    try:
        allowed, remaining, reset_s = await limiter.peek(key, 2)
        assert (allowed, remaining) == (True, 2)
        assert 1 <= reset_s <= 60
        assert [k async for k in limiter._client.scan_iter(match=f"ratelimit:{key}:*")] == []
        assert (await limiter.hit(key, 2))[:2] == (True, 1)
        assert (await limiter.peek(key, 2))[:2] == (True, 1)
        assert (await limiter.hit(key, 2))[:2] == (True, 0)
        assert (await limiter.peek(key, 2))[:2] == (False, 0)
        assert (await limiter.peek(key, 2))[:2] == (False, 0)
        assert (await limiter.hit(key, 2))[:2] == (False, 0)  # peeks did not count
    finally:
        async for name in limiter._client.scan_iter(match=f"ratelimit:{key}:*"):
            await limiter._client.delete(name)
        await limiter.aclose()


async def test_requests_pass_when_redis_is_down(caplog: pytest.LogCaptureFixture) -> None:
    settings = make_settings(redis_url=DOWN_REDIS_URL, rate_limit_anonymous_per_minute=1)
    with caplog.at_level(logging.WARNING, logger="app.api.ratelimit"):
        async with serve(settings) as client:
            for headers in ({}, {}, {}, bearer("token-one"), bearer("token-two")):
                response = await client.get("/problems", headers=headers)
                assert response.status_code == 200, response.text
                assert "ratelimit-limit" not in response.headers
                assert response.headers["x-request-id"]
    assert any("rate limits unavailable" in r.getMessage() for r in caplog.records)


async def test_the_limiter_is_closed_when_the_app_shuts_down() -> None:
    closed: list[bool] = []

    class RecordingLimiter(MemoryLimiter):
        async def aclose(self) -> None:
            closed.append(True)

    async def lifespan_only(scope: Any, receive: Any, send: Any) -> None:
        while (await receive())["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        assert not closed  # the app is still shutting down
        await send({"type": "lifespan.shutdown.complete"})

    middleware = RateLimitMiddleware(lifespan_only, make_settings(), limiter=RecordingLimiter())
    incoming = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent: list[str] = []

    async def receive() -> Any:
        return next(incoming)

    async def send(message: Any) -> None:
        sent.append(message["type"])

    await middleware({"type": "lifespan"}, receive, send)
    assert closed == [True]
    assert sent == ["lifespan.startup.complete", "lifespan.shutdown.complete"]


async def test_tokens_no_route_checked_count_as_anonymous() -> None:
    # /problems never reads credentials: a fresh junk token per request must not buy a fresh
    # bucket; the requests spend the address's anonymous budget instead.
    await fresh_window()
    async with serve(make_settings()) as client:
        for n in range(3):
            response = await client.get("/problems", headers=bearer(f"junk-{n}"))
            assert response.status_code == 200
            assert limit_headers(response)[:2] == ("3", str(2 - n))
        assert_rate_limited(await client.get("/problems"), 3)


async def test_the_real_authentication_marks_accepted_tokens(
    settings: Settings, connection: AsyncConnection
) -> None:
    await fresh_window()
    app = create_app(
        settings.model_copy(
            update={"rate_limit_per_minute": 50, "rate_limit_anonymous_per_minute": 7}
        )
    )
    app.state.sessionmaker = async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    token = await api_key(connection, Role.admin)
    transport = ASGITransport(app=app, raise_app_exceptions=False, client=("192.0.2.30", 1))
    try:
        async with AsyncClient(transport=transport, base_url="http://t") as client:
            accepted = await client.get("/api/v1/people", headers=bearer(token))
            assert accepted.status_code == 200
            assert limit_headers(accepted)[:2] == ("50", "49")
            refused = await client.get("/api/v1/people", headers=bearer("pk_0_junk"))
            assert refused.status_code == 401
            assert limit_headers(refused)[:2] == ("7", "6")
    finally:
        await close_rate_limiter(app)


async def test_public_routes_count_a_refused_token_as_no_token(
    settings: Settings, connection: AsyncConnection
) -> None:
    """A public route ignores a token it refused: the request spends the address's anonymous
    budget, never its failed-credentials budget, and gets no more than a request without a
    token would (docs/access-control.md, "Rate limits")."""
    await fresh_window()
    app = create_app(
        settings.model_copy(
            update={"rate_limit_per_minute": 50, "rate_limit_anonymous_per_minute": 3}
        )
    )
    app.state.sessionmaker = async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )
    token = await api_key(connection, Role.programme_officer)
    transport = ASGITransport(app=app, raise_app_exceptions=False, client=("192.0.2.31", 1))
    try:
        async with AsyncClient(transport=transport, base_url="http://t") as client:
            for n, junk in enumerate(("pk_0_junk", "expired-or-not-a-jwt", "pk_1_junk")):
                response = await client.get("/api/v1/countries", headers=bearer(junk))
                assert response.status_code == 200, response.text
                assert limit_headers(response)[:2] == ("3", str(2 - n))
            # The anonymous budget is spent, with a token as without one...
            assert_rate_limited(await client.get("/api/v1/countries"), 3)
            refused = await client.get("/api/v1/organisations", headers=bearer("pk_2_junk"))
            assert_rate_limited(refused, 3)
            # ...and the failed-credentials budget is whole: a route that needs credentials
            # still answers a junk token with its 401, the first refusal of the window.
            unauthorised = await client.get("/api/v1/people", headers=bearer("pk_3_junk"))
            assert unauthorised.status_code == 401
            assert limit_headers(unauthorised)[:2] == ("3", "2")
            # An accepted token on a public route counts as its own.
            accepted = await client.get("/api/v1/countries", headers=bearer(token))
            assert accepted.status_code == 200
            assert limit_headers(accepted)[:2] == ("50", "49")
    finally:
        await close_rate_limiter(app)


async def test_a_public_route_ignoring_a_token_fails_open_when_redis_fails() -> None:
    """Redis answered the reads before the app, then failed: the request passes unlimited."""

    class FailingHits(MemoryLimiter):
        async def hit(self, key: str, limit: int) -> tuple[bool, int, int]:
            raise RedisUnavailable("down since the reads")

    async def public_route(scope: Scope, receive: Receive, send: Send) -> None:
        await scope[COUNT_AS_ANONYMOUS]()  # what a public route does with a refused token
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    stack = RateLimitMiddleware(public_route, make_settings(), limiter=FailingHits())
    transport = ASGITransport(app=stack, client=("192.0.2.32", 1))
    async with AsyncClient(transport=transport, base_url="http://t") as client:
        response = await client.get("/public", headers=bearer("junk"))
    assert response.status_code == 200
    assert "ratelimit-limit" not in response.headers
