"""The demo data loads, is idempotent, and holds the seeds' organisations."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.api.auth import system_principal
from app.services.demo_data import ORGANISATIONS, PEOPLE, load_demo_data


async def test_demo_data_loads_once(client: AsyncClient, connection: AsyncConnection) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        first = await load_demo_data(session)
        second = await load_demo_data(session)
        await session.commit()
    assert first == {"organisations": len(ORGANISATIONS), "people": len(PEOPLE), "partnerships": 4}
    assert second == {"organisations": 0, "people": 0, "partnerships": 0}

    kenya = await client.get("/api/v1/organisations", params={"country": "KE"})
    assert [o["name"] for o in kenya.json()["items"]] == ["Makueni County"]
    karlstad = (await client.get("/api/v1/organisations", params={"official_code": "1780"})).json()[
        "items"
    ][0]
    people = await client.get("/api/v1/people", params={"organisation_id": karlstad["id"]})
    assert sorted((p["kind"], p["political_side"]) for p in people.json()["items"]) == [
        ("official", None),
        ("official", None),
        ("politician", "majority"),
        ("politician", "opposition"),
    ]
    assert all(p["email"].endswith("@example.org") for p in people.json()["items"])


async def test_demo_partnerships_follow_the_seeds(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    listed = (await client.get("/api/v1/partnerships", params={"limit": 100})).json()["items"]
    by_title = {p["title"].split(":")[0]: p for p in listed}
    assert {t: p["status"] for t, p in by_title.items()} == {
        "Alingsås - Chililabombwe": "terminated",
        "Jönköping - Stellenbosch": "draft",
        "Karlstad - Makueni": "inception",
        "Region Gotland - Kibaha": "draft",
    }
    alingsas = by_title["Alingsås - Chililabombwe"]["id"]
    inception, project = (await client.get(f"/api/v1/partnerships/{alingsas}/phases")).json()
    assert (inception["actual_start"], inception["status"]) == ("2014-09-01", "completed")
    assert (project["planned_end"], project["actual_end"]) == ("2023-11-30", "2023-03-31")
    decisions = (await client.get(f"/api/v1/partnerships/{alingsas}/decisions")).json()
    assert [d["action"] for d in decisions] == [
        "start",
        "complete",
        "start",
        "extend",
        "extend",
        "postpone",
        "terminate",
    ]
