"""No N+1: each list route issues the same number of statements whatever the page size, and each
detail route a small fixed number (bench/README.md has the speed figures; this is not a timing)."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection

from tests.factories import create_organisation, create_person


async def statements(connection: AsyncConnection, client: AsyncClient, path: str) -> int:
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    sync = connection.sync_connection
    assert sync is not None
    event.listen(sync, "before_cursor_execute", record)
    try:
        response = await client.get(path)
        assert response.status_code == 200, response.text
    finally:
        event.remove(sync, "before_cursor_execute", record)
    return len(seen)


async def test_list_routes_issue_a_constant_number_of_statements(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org = await create_organisation(client)
    for n in range(6):
        await create_person(client, org["id"], given_name=f"P{n}")
    for path in (
        "/api/v1/organisations?country=SE",
        "/api/v1/countries",
        "/api/v1/people",
        "/api/v1/audit-events",
        "/api/v1/api-keys",
    ):
        sep = "&" if "?" in path else "?"
        one = await statements(connection, client, f"{path}{sep}limit=1")
        many = await statements(connection, client, f"{path}{sep}limit=100")
        assert one == many, path
        # savepoint, the API key, the page, its related rows (countries), savepoint release
        assert many <= 5, path


async def test_detail_routes_issue_a_bounded_number_of_statements(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    org = await create_organisation(client)
    person = await create_person(client, org["id"])
    for path in (
        f"/api/v1/organisations/{org['id']}",
        f"/api/v1/people/{person['id']}",
        "/api/v1/countries/KE",
    ):
        assert await statements(connection, client, path) <= 5, path


async def test_funding_routes_issue_a_constant_number_of_statements(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    from tests.funding.helpers import APPLICATIONS, GRANTS, create_grant, line, partnership

    grants = []
    for n in range(3):
        p = await partnership(client)
        grants.append(await create_grant(client, p, reference=f"KP Q/{n}"))
        made = await client.post(
            APPLICATIONS,
            json={
                "partnership_id": p["id"],
                "kind": "inception",
                "planned_start": "2027-03-01",
                "planned_end": "2028-02-29",
                "budget": [line("travel", 1, 1000), line("venue", 1, 1000)],
            },
        )
        assert made.status_code == 201, made.text
    for path in (GRANTS, APPLICATIONS):
        one = await statements(connection, client, f"{path}?limit=1")
        many = await statements(connection, client, f"{path}?limit=100")
        assert one == many, path
        # savepoints, the API key, the page, and one query per kind of part (lines, reports,
        # parties): never one per item
        assert many <= 8, path
    detail = await statements(connection, client, f"{GRANTS}/{grants[0]['id']}")
    assert detail <= 10
