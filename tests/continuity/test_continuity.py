"""The continuity view of a partnership and across the programme, on the seed cases of issue 18
(docs/continuity.md): Karlstad - Makueni's inception spans no Swedish election; a project of
2022-2024 spans 2022-09-11, and a steering group whose only Swedish opposition politician's
mandate ends there breaks the majority/opposition rule the day after."""

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import (
    PARTNERSHIPS_PATH,
    create_organisation,
    create_partnership,
    create_person,
    create_phase,
    reference_municipality,
)

Json = dict[str, Any]


async def seat(client: AsyncClient, partnership: Json, person: Json, start: str) -> None:
    added = await client.post(
        f"{PARTNERSHIPS_PATH}/{partnership['id']}/members",
        json={
            "person_id": person["id"],
            "team": "steering_group",
            "role": "member",
            "start_date": start,
        },
    )
    assert added.status_code == 201, added.text


async def politician(client: AsyncClient, org: Json, side: str, **fields: Any) -> Json:
    return await create_person(client, org["id"], kind="politician", political_side=side, **fields)


def view_url(partnership: Json) -> str:
    return f"{PARTNERSHIPS_PATH}/{partnership['id']}/continuity"


async def project_2022(client: AsyncClient) -> tuple[Json, Json, Json]:
    """Karlstad and a Zambian municipality (no Zambian election entered), a project from
    2022-01-01 to 2024-12-31, and a steering group of four: the Swedish majority politician
    re-elected to 2026, the only Swedish opposition politician with no recorded mandate."""
    zambian = await create_organisation(client)
    partnership = await create_partnership(client, zambian["id"], title="Karlstad - Zambia")
    await create_phase(client, partnership["id"], "project", "2022-01-01", "2024-12-31")
    karlstad = await reference_municipality(client, "1780")
    majority = await politician(client, karlstad, "majority", mandate_ends="2026-10-14")
    opposition = await politician(client, karlstad, "opposition")
    for person in (
        majority,
        opposition,
        await politician(client, zambian, "majority"),
        await politician(client, zambian, "opposition"),
    ):
        await seat(client, partnership, person, "2021-11-01")
    return partnership, majority, opposition


async def test_karlstad_makuenis_inception_spans_no_swedish_election(client: AsyncClient) -> None:
    makueni = await create_organisation(
        client, type="county", country_code="KE", name="Makueni County"
    )
    partnership = await create_partnership(client, makueni["id"], title="Karlstad - Makueni")
    await create_phase(client, partnership["id"], "inception", "2020-02-01", "2021-01-31")
    view = await client.get(view_url(partnership), params={"as_of": "2020-03-01"})
    assert view.status_code == 200, view.text
    body = view.json()
    [phase] = body["phases"]
    assert (phase["kind"], phase["starts"], phase["ends"]) == (
        "inception",
        "2020-02-01",
        "2021-01-31",
    )
    assert phase["elections"] == []
    assert body["risk"]["level"] == "none"
    assert body["risk"]["rule"] == "continuity.no-election"


async def test_the_rule_breaks_the_day_after_2022_09_11_if_the_opposition_does_not_return(
    client: AsyncClient,
) -> None:
    partnership, _, opposition = await project_2022(client)
    view = await client.get(view_url(partnership), params={"as_of": "2022-03-01"})
    assert view.status_code == 200, view.text
    body = view.json()
    [phase] = body["phases"]
    [election] = phase["elections"]  # Karlstad is a municipality: the municipal election only
    assert (election["held_on"], election["level"], election["side"]) == (
        "2022-09-11",
        "municipal",
        "swedish",
    )
    assert [
        (m["person_id"], m["political_side"], m["mandate_ends"], m["recorded"])
        for m in election["mandates_ending"]
    ] == [(opposition["id"], "opposition", "2022-09-11", False)]
    assert election["holds_after"] == {"swedish": False, "partner": True}
    assert election["missing_after"] == ["a Swedish opposition politician"]
    assert election["reconfirm_by"] == "2022-12-10"  # 90 days on
    assert (election["risk"]["level"], election["risk"]["rule"]) == (
        "high",
        "continuity.group-lapses",
    )
    assert "rule.steering-group-composition" in election["risk"]["reason"]
    assert body["risk"]["level"] == "high"
    # No Zambian election is entered: the partner side's mandates' ends are unknown.
    assert len(body["mandates_unknown"]) == 2
    # Judged after the re-confirmation date, the election is settled: outside the window.
    later = (await client.get(view_url(partnership), params={"as_of": "2023-01-15"})).json()
    assert later["phases"][0]["elections"][0]["risk"]["level"] == "high"
    assert later["risk"]["level"] == "none"
    # Too far ahead: not in the window of 30 days from March.
    near = await client.get(
        view_url(partnership), params={"as_of": "2022-03-01", "within_days": 30}
    )
    assert near.json()["risk"]["level"] == "none"

    # Re-elected: the recorded mandate outlasts the election, and nobody's ends there.
    recorded = await client.patch(
        f"/api/v1/people/{opposition['id']}",
        json={"mandate_ends": "2026-10-14"},
        headers={"If-Match": '"v1"'},
    )
    assert recorded.status_code == 200, recorded.text
    after = (await client.get(view_url(partnership), params={"as_of": "2022-03-01"})).json()
    [election] = after["phases"][0]["elections"]
    assert election["mandates_ending"] == []
    assert election["holds_after"] == {"swedish": True, "partner": True}
    assert (election["risk"]["level"], after["risk"]["level"]) == ("low", "low")


async def test_a_second_opposition_politician_keeps_the_rule_and_the_risk_is_medium(
    client: AsyncClient,
) -> None:
    partnership, _, opposition = await project_2022(client)
    karlstad = await reference_municipality(client, "1780")
    other = await politician(client, karlstad, "opposition", mandate_ends="2026-10-14")
    await seat(client, partnership, other, "2022-01-10")
    body = (await client.get(view_url(partnership), params={"as_of": "2022-03-01"})).json()
    [election] = body["phases"][0]["elections"]
    assert [m["person_id"] for m in election["mandates_ending"]] == [opposition["id"]]
    assert election["holds_after"] == {"swedish": True, "partner": True}
    assert (election["risk"]["level"], election["risk"]["rule"]) == (
        "medium",
        "continuity.reconfirmation-due",
    )


async def test_a_partner_countrys_election_entered_by_an_admin_is_judged_on_its_side(
    client: AsyncClient,
) -> None:
    partnership, _, _ = await project_2022(client)
    made = await client.post(
        "/api/v1/elections",
        json={
            "country_code": "ZM",
            "level": "municipal",
            "held_on": "2021-08-12",
            "source": "Constitution of Zambia (Amendment) Act 2016, art. 56(1)",
        },
    )
    assert made.status_code == 201, made.text
    later = await client.post(
        "/api/v1/elections",
        json={
            "country_code": "ZM",
            "level": "municipal",
            "held_on": "2026-08-13",
            "source": "Constitution of Zambia (Amendment) Act 2016, art. 56(1)",
        },
    )
    assert later.status_code == 201, later.text
    body = (await client.get(view_url(partnership), params={"as_of": "2022-03-01"})).json()
    # The partner-side politicians joined 2021-11-01: their mandates run to the next Zambian
    # election, 2026, after the project; the 2021 one was before it began.
    assert body["mandates_unknown"] == []
    assert [e["held_on"] for e in body["phases"][0]["elections"]] == ["2022-09-11"]


async def test_a_coordinator_sees_the_continuity_of_its_partnerships_only(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    partnership, _, _ = await project_2022(client)
    karlstad = await reference_municipality(client, "1780")
    lessebo = await reference_municipality(client, "0761")
    mine = await api_key(connection, Role.coordinator, [uuid.UUID(karlstad["id"])])
    theirs = await api_key(connection, Role.coordinator, [uuid.UUID(lessebo["id"])])
    async with authorised(client, mine) as coordinator:
        assert (await coordinator.get(view_url(partnership))).status_code == 200
        # The programme-wide list is ICLD staff's.
        assert (await coordinator.get("/api/v1/continuity")).status_code == 403
    async with authorised(client, theirs) as other:
        hidden = await other.get(view_url(partnership))
        assert hidden.status_code == 404
    assert (await client.get(f"{PARTNERSHIPS_PATH}/{uuid.uuid4()}/continuity")).status_code == 404


async def test_the_programme_lists_partnerships_facing_an_election_by_country(
    client: AsyncClient,
) -> None:
    zambian, _, _ = await project_2022(client)
    makueni = await create_organisation(
        client, type="county", country_code="KE", name="Makueni County"
    )
    kenyan = await create_partnership(client, makueni["id"], title="Karlstad - Makueni")
    await create_phase(client, kenyan["id"], "project", "2022-01-01", "2023-12-31")
    inception = await create_partnership(client, makueni["id"], title="An inception of 2020")
    await create_phase(client, inception["id"], "inception", "2020-02-01", "2021-01-31")

    listed = await client.get("/api/v1/continuity", params={"as_of": "2022-03-01"})
    assert listed.status_code == 200, listed.text
    items = listed.json()["items"]
    # By the first partner country (KE before ZM); the inception of 2020 faces no election.
    assert [(i["title"], i["country_code"], i["risk"]["level"]) for i in items] == [
        ("Karlstad - Makueni", "KE", "low"),
        ("Karlstad - Zambia", "ZM", "high"),
    ]
    assert [e["held_on"] for e in items[1]["elections"]] == ["2022-09-11"]
    assert items[1]["elections"][0]["mandates_ending"] == 1
    paged = await client.get("/api/v1/continuity", params={"as_of": "2022-03-01", "limit": 1})
    cursor = paged.json()["next_cursor"]
    rest = await client.get(
        "/api/v1/continuity", params={"as_of": "2022-03-01", "limit": 1, "cursor": cursor}
    )
    assert [i["title"] for i in rest.json()["items"]] == ["Karlstad - Zambia"]
    only = await client.get("/api/v1/continuity", params={"as_of": "2022-03-01", "country": "zm"})
    assert [i["partnership_id"] for i in only.json()["items"]] == [zambian["id"]]
    high = await client.get(
        "/api/v1/continuity", params={"as_of": "2022-03-01", "min_risk": "high"}
    )
    assert [i["title"] for i in high.json()["items"]] == ["Karlstad - Zambia"]
    # Nothing faces an election in 2028 (none is entered there, Sweden's next is 2030).
    none = await client.get("/api/v1/continuity", params={"as_of": "2027-06-01"})
    assert [i["title"] for i in none.json()["items"]] == []

    # Beside the funding alerts: the one at risk, within the alerts' days.
    alerts = await client.get(
        "/api/v1/funding/alerts", params={"on": "2022-06-01", "within_days": 120}
    )
    assert alerts.status_code == 200, alerts.text
    [alert] = alerts.json()["continuity_at_risk"]
    assert (alert["partnership_id"], alert["held_on"], alert["days_left"]) == (
        zambian["id"],
        "2022-09-11",
        102,
    )
    assert (alert["risk"]["level"], alert["holds_after"]) == (
        "high",
        {"swedish": False, "partner": True},
    )
    early = await client.get("/api/v1/funding/alerts", params={"on": "2022-03-01"})
    assert early.json()["continuity_at_risk"] == []  # 90 days: not yet


async def test_the_calendars_ends_are_judged_without_overflow(client: AsyncClient) -> None:
    partnership, _, _ = await project_2022(client)
    last = await client.post(
        "/api/v1/elections",
        json={
            "country_code": "ZM",
            "level": "municipal",
            "held_on": "9999-12-31",
            "source": "A far future",
        },
    )
    assert last.status_code == 201, last.text
    for day in ("0001-01-01", "9999-12-31"):
        params = {"as_of": day, "within_days": 3650}
        view = await client.get(view_url(partnership), params=params)
        assert view.status_code == 200, view.text
        listed = await client.get("/api/v1/continuity", params=params)
        assert listed.status_code == 200, listed.text
