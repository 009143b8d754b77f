"""Test database and client.

The suite runs on the embedded PostgreSQL (a fresh `partnership_test` database in `.data/`) unless
DATABASE_URL names a server, which it then uses. The schema is built by the migrations; every test
runs inside a transaction that is rolled back, so tests see the same data and never each other's.

Under pytest-xdist (`pytest -n 2`) each worker is a process with databases of its own: their names
carry the worker's id (`worker_suffix()`), and with DATABASE_URL each worker migrates a database
beside the one named (`<name>_gw0`, ...) and drops it at the end. The embedded server is started
once: the wheel starts it under an inter-process file lock, so the second worker finds it running
and joins it, and the last process to leave stops it.
"""

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from app.core.principal import system_principal
from app.db.embedded import start_embedded_postgres, to_asyncpg_url
from app.db.engine import make_engine
from app.db.migrations import upgrade_to_head
from app.main import create_app
from app.models.enums import Role
from app.schemas.access import ApiKeyCreate
from app.services.access.api_keys import create_api_key
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def _server_url() -> str:
    if os.environ.get("DATABASE_URL"):
        return to_asyncpg_url(os.environ["DATABASE_URL"])
    return start_embedded_postgres(ROOT / ".data" / "test", "postgres")


def worker_suffix() -> str:
    """`_gw0`, `_gw1`, ... in a pytest-xdist worker, so workers never share a database; else ''."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return f"_{worker}" if worker else ""


# The slowest tests (the fuzzer takes over a minute): under pytest-xdist they start first, so the
# other workers run the rest meanwhile instead of waiting for them at the end.
SLOW_FIRST = (
    "tests/test_schemathesis.py::",
    "tests/test_clients.py::",
    "tests/funding/test_balance_properties.py::",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if worker_suffix():  # every worker sorts alike, so their collections still match
        items.sort(key=lambda item: not item.nodeid.startswith(SLOW_FIRST))


def with_database(url: str, database: str) -> str:
    return make_url(url).set(database=database).render_as_string(hide_password=False)


def plain_dsn(url: str) -> str:
    """asyncpg's own DSN form of a SQLAlchemy URL."""
    parsed = make_url(url).set(drivername="postgresql")
    host = parsed.query.get("host")
    dsn = parsed.set(query={}).render_as_string(hide_password=False)
    return f"{dsn}?host={host}" if host else dsn


async def create_database(server_url: str, name: str) -> str:
    conn = await asyncpg.connect(plain_dsn(with_database(server_url, "postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return with_database(server_url, name)


async def drop_database(server_url: str, name: str) -> None:
    conn = await asyncpg.connect(plain_dsn(with_database(server_url, "postgres")))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@pytest.fixture(scope="session")
def server_url() -> str:
    """The PostgreSQL server the suite runs on (its `postgres` database)."""
    return _server_url()


@pytest.fixture(scope="session")
async def database_url(server_url: str) -> AsyncIterator[str]:
    if os.environ.get("DATABASE_URL") and not worker_suffix():
        url = to_asyncpg_url(os.environ["DATABASE_URL"])
        await asyncio.to_thread(upgrade_to_head, url)
        yield url
        return
    if os.environ.get("DATABASE_URL"):  # a worker of several: a database of its own beside it
        name = f"{make_url(server_url).database or 'partnership_test'}{worker_suffix()}"
    else:  # runs side by side do not share a database
        name = f"partnership_test_{os.getpid()}"
    url = await create_database(server_url, name)
    await asyncio.to_thread(upgrade_to_head, url)
    yield url
    await drop_database(server_url, name)


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url="postgresql://set-by-tests/unused",
        storage_dir=tmp_path_factory.mktemp("files"),  # uploads never land in the work tree
        rate_limit_per_minute=1_000_000,
        rate_limit_anonymous_per_minute=1_000_000,
        iati_reporting_org_ref="XM-TEST-ICLD",
    )


@pytest.fixture(scope="session")
async def engine(database_url: str, settings: Settings) -> AsyncIterator[AsyncEngine]:
    engine = make_engine(database_url, settings)
    yield engine
    await engine.dispose()


@pytest.fixture(scope="session")
def app(settings: Settings) -> Iterator[object]:
    yield create_app(settings)


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """One connection per test, in a transaction rolled back at the end."""
    async with engine.connect() as conn:
        transaction = await conn.begin()
        try:
            yield conn
        finally:
            await transaction.rollback()


@pytest.fixture
async def anonymous(app: object, connection: AsyncConnection) -> AsyncIterator[AsyncClient]:
    """A client without credentials; the app's sessions join the test's transaction (their
    commits become savepoint releases)."""
    app.state.sessionmaker = async_sessionmaker(  # type: ignore[attr-defined]
        bind=connection,
        expire_on_commit=False,
        autoflush=False,
        join_transaction_mode="create_savepoint",
    )
    transport = ASGITransport(app=app, raise_app_exceptions=False)  # type: ignore[arg-type]
    async with AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def api_key(
    connection: AsyncConnection, role: Role, organisation_ids: list[uuid.UUID] | None = None
) -> str:
    """Make an API key inside the test's transaction; return its token."""
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("tests")
        data = ApiKeyCreate(
            name=f"test {role.value}", role=role, organisation_ids=organisation_ids or []
        )
        _, token = await create_api_key(session, session.info["principal"], data)
        await session.commit()
    return token


def authorised(client: AsyncClient, token: str) -> AsyncClient:
    """A client sharing `client`'s app and transaction, with these credentials."""
    return AsyncClient(
        transport=client._transport,
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    )


@pytest.fixture
async def client(anonymous: AsyncClient, connection: AsyncConnection) -> AsyncIterator[AsyncClient]:
    """An ICLD administrator's client: most tests are about behaviour, not access."""
    async with authorised(anonymous, await api_key(connection, Role.admin)) as http:
        yield http


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]
