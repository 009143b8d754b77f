"""Verified API keys are kept in each process (app/services/access/principals.py), and a change
reaches every process at once through LISTEN/NOTIFY: two apps, as two replicas, on a database
of their own where every request commits (the suite's rolled-back transaction never notifies).
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack
from functools import partial
from typing import Any

import asyncpg
import pytest
from fastapi import FastAPI
from httpx import ASGITransport, AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.principal import TokenClaims, system_principal
from app.db.engine import make_engine
from app.db.migrations import upgrade_to_head
from app.main import create_app
from app.models.enums import Role
from app.schemas.access import ApiKeyCreate
from app.services.access.api_keys import create_api_key
from app.services.access.principals import PrincipalCache
from app.services.access.users import sign_in
from app.settings import Settings
from tests.conftest import create_database, drop_database, plain_dsn

KEYS = "/api/v1/api-keys"
# What a replica is given to see a change: the second (the notification takes ms).
AT_ONCE_S = 1.0
BY_PREFIX = "WHERE api_keys.prefix ="  # the key's lookup (app/services/access/api_keys.py)


@pytest.fixture(scope="module")
async def scratch(server_url: str) -> AsyncIterator[str]:
    name = f"partnership_principals_{os.getpid()}"
    url = await create_database(server_url, name)
    await asyncio.to_thread(upgrade_to_head, url)
    yield url
    await drop_database(server_url, name)


async def new_key(url: str, settings: Settings, role: Role = Role.admin) -> tuple[str, str]:
    """A committed key: its id and token."""
    engine = make_engine(url, settings)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            session.info["principal"] = system_principal("tests")
            data = ApiKeyCreate(name=f"replicas {role.value}", role=role)
            key, token = await create_api_key(session, session.info["principal"], data)
            await session.commit()
    finally:
        await engine.dispose()
    return str(key.id), token


class Replica:
    """An app as served (its lifespan run: pool, listener), and what it asks the database."""

    def __init__(self, app: FastAPI, http: AsyncClient) -> None:
        self.app = app
        self.http = http
        self.statements: list[str] = []

        def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            self.statements.append(statement)

        event.listen(app.state.engine.sync_engine, "before_cursor_execute", record)

    def key_reads(self) -> int:
        return sum(BY_PREFIX in s for s in self.statements)

    async def get(self, path: str, token: str) -> int:
        response = await self.http.get(path, headers={"Authorization": f"Bearer {token}"})
        return response.status_code


@pytest.fixture
async def replicas(scratch: str, settings: Settings) -> AsyncIterator[Callable[..., Any]]:
    async with AsyncExitStack() as stack:

        async def start(**changes: Any) -> Replica:
            app = create_app(
                settings.model_copy(update={"worker_in_process": False, **changes}),
                database_url=scratch,
            )
            await stack.enter_async_context(app.router.lifespan_context(app))
            transport = ASGITransport(app=app, raise_app_exceptions=False)
            http = await stack.enter_async_context(
                AsyncClient(transport=transport, base_url="http://testserver")
            )
            await until(lambda: app.state.principals.live)
            return Replica(app, http)

        yield start


async def until(condition: Callable[[], Any], within_s: float = 10.0) -> float:
    """Waits for `condition`; how long it took. Fails past `within_s`."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    while not await _holds(condition):
        assert loop.time() - started < within_s, "not within the time allowed"
        await asyncio.sleep(0.01)
    return loop.time() - started


async def _holds(condition: Callable[[], Any]) -> bool:
    result = condition()
    if asyncio.iscoroutine(result):
        result = await result
    return bool(result)


async def test_a_key_is_kept_once_its_last_use_is_committed(
    replicas: Callable[..., Any], scratch: str, settings: Settings
) -> None:
    one = await replicas()
    _, token = await new_key(scratch, settings)
    for _ in range(4):
        assert await one.get(KEYS, token) == 200
    # The first writes its last use (not kept: it might have been rolled back); the second
    # reads it as committed and keeps it; the others ask the database nothing.
    assert one.key_reads() == 2


async def test_a_revoked_key_is_refused_by_every_replica_at_once(
    replicas: Callable[..., Any], scratch: str, settings: Settings
) -> None:
    one, two = await replicas(), await replicas()
    _, admin = await new_key(scratch, settings)
    key_id, token = await new_key(scratch, settings, Role.programme_officer)
    for replica in (one, two):  # both keep it
        for _ in range(2):
            assert await replica.get(KEYS, admin) == 200
            assert await replica.get("/api/v1/organisations", token) == 200
        before = replica.key_reads()
        assert await replica.get(KEYS, admin) == 200
        assert await replica.get("/api/v1/organisations", token) == 200
        assert replica.key_reads() == before  # both keys kept
    revoked = await one.http.post(
        f"{KEYS}/{key_id}/revoke", headers={"Authorization": f"Bearer {admin}"}
    )
    assert revoked.status_code == 200, revoked.text
    for replica in (one, two):
        taken = await until(partial(_refused, replica, token), within_s=AT_ONCE_S)
        assert taken < AT_ONCE_S
    response = await two.http.get(KEYS, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401
    assert response.json()["detail"] == "This API key has been revoked."


async def _refused(replica: Replica, token: str) -> bool:
    return await replica.get(KEYS, token) == 401


async def test_a_change_of_role_reaches_the_other_replica(
    replicas: Callable[..., Any], scratch: str, settings: Settings
) -> None:
    one, two = await replicas(), await replicas()
    key_id, token = await new_key(scratch, settings)
    for replica in (one, two):
        for _ in range(2):
            assert await replica.get(KEYS, token) == 200
        before = replica.key_reads()
        assert await replica.get(KEYS, token) == 200
        assert replica.key_reads() == before  # kept
    await _sql(
        scratch,
        "UPDATE api_keys SET role = 'viewer', organisation_ids = "
        f"ARRAY['{uuid.uuid4()}']::uuid[] WHERE id = '{key_id}'",
    )
    for replica in (one, two):
        await until(partial(_forbidden, replica, token), within_s=AT_ONCE_S)


async def _forbidden(replica: Replica, token: str) -> bool:
    return await replica.get(KEYS, token) == 403


async def test_a_lost_notification_costs_at_most_the_ttl(
    replicas: Callable[..., Any], scratch: str, settings: Settings
) -> None:
    """Revoked with the trigger off (as if the notification were lost): the key is still kept
    until its entry is older than AUTH_CACHE_TTL_S, never after."""
    one = await replicas(auth_cache_ttl_s=1.0)
    key_id, token = await new_key(scratch, settings)
    for _ in range(2):  # the second keeps it (the first wrote its last use)
        assert await one.get(KEYS, token) == 200
    await _sql(
        scratch,
        "SET session_replication_role = replica",  # no trigger fires: nothing is announced
        f"UPDATE api_keys SET revoked_at = now() WHERE id = '{key_id}'",
    )
    assert await one.get(KEYS, token) == 200  # kept: the change was not announced
    await until(lambda: _refused(one, token), within_s=1.0 + AT_ONCE_S)


async def test_while_the_listener_is_down_every_request_reads_the_key(
    replicas: Callable[..., Any], scratch: str, settings: Settings
) -> None:
    one = await replicas()
    _, token = await new_key(scratch, settings)
    assert await one.get(KEYS, token) == 200
    await _sql(
        scratch,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        "WHERE application_name = 'partnership-api listener' AND datname = current_database()",
    )
    await until(lambda: not one.app.state.principals.live)
    before = one.key_reads()
    assert await one.get(KEYS, token) == 200
    assert await one.get(KEYS, token) == 200
    assert one.key_reads() == before + 2  # nothing kept while changes could be missed
    await until(lambda: one.app.state.principals.live)  # it connects again by itself
    assert await one.get(KEYS, token) == 200
    assert await one.get(KEYS, token) == 200
    assert one.key_reads() == before + 3


async def _sql(url: str, *statements: str) -> None:
    conn = await asyncpg.connect(plain_dsn(url))
    try:
        for statement in statements:
            await conn.execute(statement)
    finally:
        await conn.close()


async def test_without_its_lifespan_an_app_keeps_nothing(
    anonymous: AsyncClient, client: AsyncClient, connection: Any
) -> None:
    """The suite's shared app (no lifespan, no listener) reads the key on every request."""
    app = client._transport.app  # type: ignore[attr-defined]
    assert not app.state.principals.live
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sync = connection.sync_connection
    event.listen(sync, "before_cursor_execute", record)
    try:
        for _ in range(2):
            assert (await client.get(KEYS)).status_code == 200
    finally:
        event.remove(sync, "before_cursor_execute", record)
    assert sum(BY_PREFIX in s for s in seen) == 2
    assert len(app.state.principals) == 0


async def test_a_user_seen_within_the_minute_with_the_same_claims_is_not_read_again(
    connection: Any,
) -> None:
    """Through the service: the suite's HTTP app has no listener, and no OIDC provider."""
    cache = PrincipalCache(ttl_s=30.0)
    cache.connected(True)  # as its listener would say
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    claims = TokenClaims(f"cached-{uuid.uuid4()}", "Ada", None, "programme_officer", ())
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        first = await sign_in(session, claims, cache)  # its first visit: written, not kept
        assert cache.get(f"subject:{claims.subject}") is None  # a rollback would undo it
        assert await sign_in(session, claims, cache) == first  # read as stored, and kept
        event.listen(connection.sync_connection, "before_cursor_execute", record)
        try:
            assert await sign_in(session, claims, cache) == first
            assert seen == []
            renamed = TokenClaims(claims.subject, "Ada L.", None, "programme_officer", ())
            assert (await sign_in(session, renamed, cache)).name == "Ada L."
            assert seen  # other claims: the row is read and written again
        finally:
            event.remove(connection.sync_connection, "before_cursor_execute", record)
        cache.forget(f"user:{first.id}")  # what the trigger's notification does
        assert cache.get(f"subject:{claims.subject}") is None
