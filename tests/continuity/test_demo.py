"""The demo data shows continuity (docs/continuity.md): Alingsås - Chililabombwe's project spans
the Swedish elections of 2018 and 2022, and its opposition politician's recorded mandate ends at
the first; Karlstad - Makueni's inception spans none; Kenya's elections are entered with their
source, Zambia's are not, so Chililabombwe's politicians' mandates are unknown."""

from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.principal import system_principal
from app.demo.seeds import load_demo_data


async def by_title(client: AsyncClient) -> dict[str, Any]:
    partnerships = (await client.get("/api/v1/partnerships", params={"limit": 100})).json()
    return {p["title"]: p for p in partnerships["items"]}


async def test_the_demo_partnerships_continuity(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    kenya = (await client.get("/api/v1/elections", params={"country": "KE"})).json()["items"]
    assert [(e["held_on"], e["level"], e["generated"]) for e in kenya] == [
        ("2022-08-09", "regional", False),
        ("2027-08-10", "regional", False),
    ]
    assert (await client.get("/api/v1/elections", params={"country": "ZM"})).json()["items"] == []

    titles = await by_title(client)
    [alingsas] = [p for t, p in titles.items() if t.startswith("Alingsås")]
    [karlstad] = [p for t, p in titles.items() if t.startswith("Karlstad")]
    view = (
        await client.get(
            f"/api/v1/partnerships/{alingsas['id']}/continuity", params={"as_of": "2018-06-01"}
        )
    ).json()
    inception, project = view["phases"]
    assert [e["held_on"] for e in inception["elections"]] == ["2014-09-14"]
    assert inception["elections"][0]["risk"]["level"] == "low"
    assert [e["held_on"] for e in project["elections"]] == ["2018-09-09", "2022-09-11"]
    in_2018, in_2022 = project["elections"]
    assert [
        (m["political_side"], m["mandate_ends"], m["recorded"]) for m in in_2018["mandates_ending"]
    ] == [("opposition", "2018-10-14", True)]
    assert (in_2018["holds_after"], in_2018["risk"]["level"]) == (
        {"swedish": False, "partner": True},
        "high",
    )
    # Nobody recorded a new opposition politician: the side still lacks one in 2022, which the
    # compliance view warns of; no mandate ends then.
    assert (in_2022["mandates_ending"], in_2022["holds_after"]["swedish"]) == ([], False)
    assert in_2022["risk"]["level"] == "low"
    assert view["risk"]["level"] == "high"
    assert len(view["mandates_unknown"]) == 2  # Chililabombwe's: no Zambian election entered

    makueni = (
        await client.get(
            f"/api/v1/partnerships/{karlstad['id']}/continuity", params={"as_of": "2020-03-01"}
        )
    ).json()
    assert [p["elections"] for p in makueni["phases"]] == [[]]
    assert makueni["risk"]["level"] == "none"
