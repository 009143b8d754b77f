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
    assert first == {"organisations": len(ORGANISATIONS), "people": len(PEOPLE)}
    assert second == {"organisations": 0, "people": 0}

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
