from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db.migrations import head_revision


async def test_healthz_says_the_process_is_alive(client: AsyncClient) -> None:
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_reports_the_migration_head(client: AsyncClient) -> None:
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "migration": head_revision()}


async def test_readyz_is_503_while_the_schema_is_behind(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    await connection.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    response = await client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "not-ready"
    assert (body["migration"], body["expected_migration"]) == ("older", head_revision())
    assert response.headers["retry-after"] == "5"
