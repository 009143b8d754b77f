"""The demo data loads, is idempotent, and holds the seeds' organisations."""

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.principal import system_principal
from app.demo.seeds import ORGANISATIONS, PEOPLE, load_demo_data


async def test_demo_data_loads_once(client: AsyncClient, connection: AsyncConnection) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        first = await load_demo_data(session)
        second = await load_demo_data(session)
        await session.commit()
    assert first == {
        "organisations": len(ORGANISATIONS),
        "people": len(PEOPLE),
        "partnerships": 5,
        "programmes": 1,
        "networks": 1,
        "rounds": 8,
        "applications": 1,
        "grants": 5,
        "partner_interests": 6,
        "elections": 2,
    }
    assert second == {
        "organisations": 0,
        "people": 0,
        "partnerships": 0,
        "programmes": 0,
        "networks": 0,
        "rounds": 0,
        "applications": 0,
        "grants": 0,
        "partner_interests": 0,
        "elections": 0,
    }

    workshops = (await client.get("/api/v1/workshops")).json()["items"]
    assert [(w["country_code"], w["starts"]) for w in workshops] == [
        ("GT", "2024-06-03"),
        ("SE", "2024-09-16"),
    ]
    lessebo = (await client.get("/api/v1/organisations", params={"official_code": "0761"})).json()
    lessebo_people = await client.get(
        "/api/v1/people", params={"organisation_id": lessebo["items"][0]["id"]}
    )
    participants = await client.get(f"/api/v1/workshops/{workshops[0]['id']}/participants")
    from_lessebo = {p["id"] for p in lessebo_people.json()["items"]} & {
        p["person_id"] for p in participants.json()["participants"]
    }
    assert len(from_lessebo) == 3  # seed 001: three from Lessebo go to Guatemala
    [visit] = (await client.get("/api/v1/study-visits")).json()["items"]
    assert (visit["visit_on"], visit["visiting_countries"]) == (
        "2019-09-24",
        ["ET", "KE", "TZ", "UG", "ZM"],
    )
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
        "Lessebo - Municipalidad Ejemplo A": "draft",
        "Region Gotland - Kibaha": "draft",
    }
    grown = by_title["Lessebo - Municipalidad Ejemplo A"]
    network = (await client.get(f"/api/v1/networks/{grown['network_id']}")).json()
    assert network["title"] == "Network for gender equality"
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


async def test_compliance_of_the_alingsas_demo_against_hand_computed_figures(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    listed = (await client.get("/api/v1/partnerships", params={"q": "Chililabombwe"})).json()
    [alingsas] = listed["items"]
    view = (
        await client.get(
            f"/api/v1/partnerships/{alingsas['id']}/compliance", params={"as_of": "2026-01-01"}
        )
    ).json()
    inception, project = view["phases"]
    assert (inception["starts"], inception["ends"]) == ("2014-09-01", "2015-08-31")
    assert inception["hosting"] == {
        "swedish": {"planned": 1, "held": 1},
        "partner": {"planned": 1, "held": 1},
    }
    assert (project["starts"], project["ends"]) == ("2016-01-01", "2023-03-31")
    # Year: (held, paused days, minimum, held_ok). The pause 2020-03-01..2022-02-28 covers 306
    # days of 2020 and all of 2021 (minimum lifted), 59 days of 2022 (minimum kept).
    assert [
        (y["year"], y["held"], y["paused_days"], y["minimum"], y["held_ok"])
        for y in project["years"]
    ] == [
        (1, 2, 0, 2, True),
        (2, 2, 0, 2, True),
        (3, 0, 0, 2, False),
        (4, 2, 0, 2, True),
        (5, 0, 306, 0, True),
        (6, 0, 365, 0, True),
        (7, 0, 59, 2, False),
        (8, 0, 0, 2, False),
    ]
    assert project["hosting"] == {
        "swedish": {"planned": 2, "held": 2},
        "partner": {"planned": 2, "held": 2},
    }
    assert project["reciprocal_hosting_held"] is True
    assert view["steering_group_missing"] == []
    assert [w["code"] for w in view["warnings"]] == ["rule.meetings-per-project-year"] * 3 + [
        "rule.letter-of-intent"
    ]


async def test_compliance_of_the_karlstad_demo_against_hand_computed_figures(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    [karlstad] = (await client.get("/api/v1/partnerships", params={"q": "Makueni"})).json()["items"]
    view = (
        await client.get(
            f"/api/v1/partnerships/{karlstad['id']}/compliance", params={"as_of": "2026-01-01"}
        )
    ).json()
    [inception] = view["phases"]
    assert (inception["kind"], inception["status"]) == ("inception", "active")
    assert (inception["starts"], inception["ends"]) == ("2020-02-01", "2021-01-31")
    assert inception["years"] == []
    # Seed 000: a visit planned each way (spring in Karlstad, autumn in Kenya), never recorded as
    # held; the inception team holds both sides' majority and opposition politicians.
    assert inception["hosting"] == {
        "swedish": {"planned": 1, "held": 0},
        "partner": {"planned": 1, "held": 0},
    }
    assert (inception["reciprocal_hosting_planned"], inception["reciprocal_hosting_held"]) == (
        True,
        False,
    )
    # The inception grant's final report (due 2021-04-30, three months after its end) is not in.
    assert [w["code"] for w in view["warnings"]] == ["rule.reciprocal-visits", "rule.report-due"]
    assert [(r["kind"], r["due_on"]) for r in view["overdue_reports"]] == [("final", "2021-04-30")]
    assert view["letter_of_intent_signed"] is False


async def test_demo_funding_against_hand_computed_figures(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    listed = (await client.get("/api/v1/partnerships", params={"limit": 100})).json()["items"]
    by_title = {p["title"].split(":")[0]: p["id"] for p in listed}
    grants = (
        await client.get(
            "/api/v1/grants", params={"partnership_id": by_title["Alingsås - Chililabombwe"]}
        )
    ).json()["items"]
    assert [(g["reference"], g["kind"], g["status"]) for g in grants] == [
        ("KP 2014/30", "inception", "active"),
        ("KP 2015/21", "project", "active"),
        ("KP 2017/40", "extension", "active"),
        ("KP 2019/38", "extension", "closed"),
    ]
    last = grants[-1]
    # Postponed two years (to 2023-11-30), then closed out on 2023-03-31.
    assert (last["original"]["ends"], last["current"]["ends"]) == ("2021-11-30", "2023-03-31")
    paid = []
    for grant in grants:
        balance = (await client.get(f"/api/v1/grants/{grant['id']}/balance")).json()
        paid.append(balance["paid"]["amount"])
    # Inception: 158,240.00 + 55,112.40 + 2,800 ZMW at 10.5 (29,400.00) = 242,752.40; project:
    # 427,650 + 437,150; first extension: 458,500 + 471,550; second: 129,600 before the pause.
    assert paid == ["242752.40", "864800.00", "930050.00", "129600.00"]
    karlstad = (
        await client.get(
            "/api/v1/grants", params={"partnership_id": by_title["Karlstad - Makueni"]}
        )
    ).json()["items"]
    assert [(d["kind"], d["due_on"], d["report_id"]) for d in karlstad[0]["reports_due"]] == [
        ("final", "2021-04-30", None)
    ]
