"""Phases, their changes of plan and the lifecycle actions, with the rules that bind them."""

from typing import Any

from httpx import AsyncClient

from tests.factories import (
    PARTNERSHIPS_PATH,
    create_organisation,
    create_partnership,
    create_person,
    create_phase,
    reference_municipality,
)

DECISION = {"decision_reference": "ICLD 2020/1", "reason": "Approved"}


async def partnership(client: AsyncClient, **fields: Any) -> dict[str, Any]:
    partner = await create_organisation(client)  # Chililabombwe, Zambia
    return await create_partnership(client, partner["id"], swedish_code="1489", **fields)


def phases_url(p: dict[str, Any]) -> str:
    return f"{PARTNERSHIPS_PATH}/{p['id']}/phases"


async def act(
    client: AsyncClient, p: dict[str, Any], phase: dict[str, Any], action: str, **body: Any
) -> Any:
    return await client.post(f"{phases_url(p)}/{phase['id']}/{action}", json={**DECISION, **body})


async def rule(response: Any) -> str:
    assert response.status_code == 422, response.text
    return str(response.json()["code"])


async def test_a_project_is_planned_for_one_to_three_years(client: AsyncClient) -> None:
    p = await partnership(client)
    for end in ("2020-12-30", "2023-01-01"):  # one day short of 1 year; one day over 3
        response = await client.post(
            phases_url(p),
            json={"kind": "project", "planned_start": "2020-01-01", "planned_end": end},
        )
        assert await rule(response) == "rule.project-duration", end
        assert response.json()["errors"][0]["pointer"] == "/planned_end"
    for end in ("2020-12-31", "2022-12-31"):  # exactly 1 and exactly 3 years
        made = await client.post(
            phases_url(p),
            json={"kind": "project", "planned_start": "2020-01-01", "planned_end": end},
        )
        assert made.status_code == 201, end
        await client.request("DELETE", "/nowhere")  # (no delete route: the next uses a new one)
        p = await partnership(client, title=f"another {end}")


async def test_an_inception_lasts_at_most_twelve_months(client: AsyncClient) -> None:
    p = await partnership(client)
    too_long = await client.post(
        phases_url(p),
        json={"kind": "inception", "planned_start": "2020-02-01", "planned_end": "2021-02-01"},
    )
    assert await rule(too_long) == "rule.inception-duration"
    karlstad = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    assert (karlstad["status"], karlstad["actual_start"]) == ("planned", None)


async def test_phases_do_not_overlap_and_projects_follow_inceptions(client: AsyncClient) -> None:
    p = await partnership(client)
    await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    overlap = await client.post(
        phases_url(p),
        json={"kind": "project", "planned_start": "2021-01-01", "planned_end": "2022-12-31"},
    )
    assert await rule(overlap) == "rule.phases-do-not-overlap"
    before = await client.post(
        phases_url(p),
        json={"kind": "project", "planned_start": "2018-01-01", "planned_end": "2019-12-31"},
    )
    assert await rule(before) == "rule.project-after-inception"
    after = await client.post(
        phases_url(p),
        json={"kind": "project", "planned_start": "2021-02-01", "planned_end": "2023-01-31"},
    )
    assert after.status_code == 201
    listed = await client.get(phases_url(p))
    assert [ph["kind"] for ph in listed.json()] == ["inception", "project"]


async def meeting(
    client: AsyncClient,
    p: dict[str, Any],
    day: str,
    host: str,
    kind: str = "visit",
    status: str = "planned",
) -> dict[str, Any]:
    host_id = p["swedish_party_id"] if host == "swedish" else p["partner_ids"][0]
    response = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings",
        json={
            "kind": kind,
            "host_organisation_id": host_id,
            "place": host,
            "start_date": day,
            "end_date": day,
            "status": status,
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def visits(client: AsyncClient, p: dict[str, Any], *days: str) -> None:
    """A visit on each day, hosted by the sides in turn (Swedish first)."""
    for i, day in enumerate(days):
        await meeting(client, p, day, ("swedish", "partner")[i % 2])


async def steering_group(client: AsyncClient, p: dict[str, Any], start: str) -> None:
    """A majority and an opposition politician from each side."""
    sides = [p["swedish_party_id"], p["partner_ids"][0]]
    for organisation_id in sides:
        for side in ("majority", "opposition"):
            person = await create_person(
                client,
                organisation_id,
                kind="politician",
                political_side=side,
                given_name=side.title(),
                family_name=organisation_id[:6],
            )
            response = await client.post(
                f"{PARTNERSHIPS_PATH}/{p['id']}/members",
                json={
                    "person_id": person["id"],
                    "team": "steering_group",
                    "role": "member",
                    "start_date": start,
                },
            )
            assert response.status_code == 201, response.text


async def test_a_project_starts_only_with_a_full_steering_group(client: AsyncClient) -> None:
    p = await partnership(client)
    project = await create_phase(client, p["id"], "project", "2016-01-01", "2017-12-31")
    lacking = await act(client, p, project, "start", actual_start="2016-01-01")
    assert await rule(lacking) == "rule.steering-group-composition"
    assert lacking.json()["detail"] == (
        "On 2016-01-01 the steering group lacks a Swedish majority politician, a Swedish "
        "opposition politician, a partner-side majority politician, a partner-side opposition "
        "politician."
    )
    await steering_group(client, p, "2015-12-01")
    await visits(client, p, "2016-05-10", "2016-10-10", "2017-05-10", "2017-10-10")
    started = await act(client, p, project, "start", actual_start="2016-01-01")
    assert started.status_code == 200, started.text
    assert (started.json()["status"], started.json()["actual_start"]) == ("active", "2016-01-01")
    assert (await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}")).json()["status"] == "project"


async def test_alingsas_chililabombwe_extended_postponed_and_ended_early(
    client: AsyncClient,
) -> None:
    """Seed 004: extended twice by new grant decisions, postponed two years in the pandemic,
    planned to end 2023-11-30, ended early with effect from 2023-04-01."""
    p = await partnership(client, title="Alingsås - Chililabombwe", applied_on="2015-09-30")
    project = await create_phase(client, p["id"], "project", "2016-01-01", "2017-12-31")
    await steering_group(client, p, "2016-01-01")
    # Seed 004: three visits each way held, one left each way when the project ended.
    for day, host in (
        ("2016-05-10", "swedish"),
        ("2016-10-10", "partner"),
        ("2017-04-10", "partner"),
        ("2017-09-10", "swedish"),
        ("2019-05-10", "swedish"),
        ("2019-10-10", "partner"),
    ):
        await meeting(client, p, day, host, status="held")
    left = [
        await meeting(client, p, day, host)
        for day, host in (("2023-05-10", "swedish"), ("2023-09-10", "partner"))
    ]
    assert (await act(client, p, project, "start", actual_start="2016-01-01")).status_code == 200
    first = await act(client, p, project, "extend", new_planned_end="2019-11-30")
    assert first.json()["planned_end"] == "2019-11-30"
    second = await act(client, p, project, "extend", new_planned_end="2021-11-30")
    assert second.json()["planned_end"] == "2021-11-30"
    paused = await act(
        client, p, project, "postpone", paused_from="2020-03-01", paused_until="2022-02-28"
    )
    assert paused.json()["planned_end"] == "2023-11-30"  # 730 days later
    ended = await act(
        client,
        p,
        project,
        "terminate",
        effective_date="2023-04-01",
        decision_reference="KUN 2023/12",
        reason="Goals met, ICLD informed",
    )
    assert ended.status_code == 200, ended.text
    assert (ended.json()["status"], ended.json()["actual_end"], ended.json()["planned_end"]) == (
        "terminated",
        "2023-03-31",
        "2023-11-30",
    )
    assert (await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}")).json()["status"] == "terminated"
    for planned in left:  # cancelled, not deleted
        after = await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{planned['id']}")
        assert after.json()["status"] == "cancelled"

    history = (await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}/decisions")).json()
    assert [d["action"] for d in history] == ["start", "extend", "extend", "postpone", "terminate"]
    assert history[3]["details"] == {
        "paused_from": "2020-03-01",
        "paused_until": "2022-02-28",
        "days": 730,
        "old_planned_end": "2021-11-30",
        "new_planned_end": "2023-11-30",
    }
    assert history[4]["decision_reference"] == "KUN 2023/12"
    assert history[4]["details"]["meetings_cancelled"] == 2
    assert all(d["decided_by"] == "test admin" for d in history)


async def test_actions_refuse_dates_and_states_that_do_not_fit(client: AsyncClient) -> None:
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    await visits(client, p, "2020-04-20", "2020-10-12")
    assert await rule(await act(client, p, inception, "complete", actual_end="2021-01-31")) == (
        "rule.phase-transition"
    )
    assert (
        await rule(await act(client, p, inception, "terminate", effective_date="2020-06-01"))
        == "rule.phase-transition"
    )
    assert (await act(client, p, inception, "start", actual_start="2020-02-01")).status_code == 200
    assert (
        await rule(await act(client, p, inception, "start", actual_start="2020-02-01"))
        == "rule.phase-transition"
    )
    assert (
        await rule(await act(client, p, inception, "extend", new_planned_end="2021-01-31"))
        == "rule.extension-later-end"
    )
    assert (
        await rule(
            await act(
                client,
                p,
                inception,
                "postpone",
                paused_from="2020-05-01",
                paused_until="2020-04-30",
            )
        )
        == "rule.postponement-length"
    )
    assert (
        await rule(
            await act(
                client,
                p,
                inception,
                "postpone",
                paused_from="2019-05-01",
                paused_until="2019-06-30",
            )
        )
        == "rule.postponement-length"
    )
    for effective in ("2020-01-31", "2021-01-31"):  # before the start; on the planned end
        assert (
            await rule(await act(client, p, inception, "terminate", effective_date=effective))
            == "rule.early-termination-date"
        )
    done = await act(client, p, inception, "complete", actual_end="2021-01-31")
    assert done.json()["status"] == "completed"
    assert (await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}")).json()["status"] == "completed"
    assert (
        await rule(await act(client, p, inception, "extend", new_planned_end="2021-06-30"))
        == "rule.phase-transition"
    )


async def test_members_act_for_a_party(client: AsyncClient) -> None:
    p = await partnership(client)
    stranger = await create_person(client, (await reference_municipality(client, "1780"))["id"])
    response = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/members",
        json={
            "person_id": stranger["id"],
            "team": "project_group",
            "role": "member",
            "start_date": "2020-01-01",
        },
    )
    assert await rule(response) == "rule.member-of-a-party"
    official = await create_person(client, p["partner_ids"][0])
    made = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/members",
        json={
            "person_id": official["id"],
            "team": "project_group",
            "role": "project_manager",
            "start_date": "2020-01-01",
        },
    )
    assert made.status_code == 201
    assert made.json()["side"] == "partner"
    ended = await client.patch(
        made.headers["location"], json={"end_date": "2019-12-31"}, headers={"If-Match": '"v1"'}
    )
    assert ended.status_code == 422
    listed = await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}/members")
    assert [(m["team"], m["role"], m["side"]) for m in listed.json()["items"]] == [
        ("project_group", "project_manager", "partner")
    ]


async def test_actual_dates_cannot_get_round_the_order_of_phases(client: AsyncClient) -> None:
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    project = await create_phase(client, p["id"], "project", "2021-02-01", "2023-01-31")
    await steering_group(client, p, "2019-01-01")
    await visits(
        client,
        p,
        "2020-04-20",
        "2020-10-12",
        "2021-04-20",
        "2021-10-12",
        "2022-04-20",
        "2022-10-12",
    )
    too_late = await act(client, p, inception, "start", actual_start="2021-03-01")
    assert await rule(too_late) == "rule.phase-transition"
    assert (await act(client, p, inception, "start", actual_start="2020-02-01")).status_code == 200
    overrun = await act(client, p, inception, "complete", actual_end="2021-06-30")
    assert await rule(overrun) == "rule.phases-do-not-overlap"
    assert (await act(client, p, inception, "complete", actual_end="2021-01-31")).status_code == 200
    early = await act(client, p, project, "start", actual_start="2019-06-01")
    assert await rule(early) == "rule.phases-do-not-overlap"
    assert (await act(client, p, project, "start", actual_start="2021-02-01")).status_code == 200
    assert [
        e["action"]
        for e in (
            await client.get("/api/v1/audit-events", params={"object_id": project["id"]})
        ).json()["items"]
    ] == ["create", "start"]


async def test_extensions_keep_to_the_duration_rules(client: AsyncClient) -> None:
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2020-10-31")
    assert (
        await rule(await act(client, p, inception, "extend", new_planned_end="2021-02-01"))
        == "rule.inception-duration"
    )
    assert (await act(client, p, inception, "extend", new_planned_end="2021-01-31")).json()[
        "planned_end"
    ] == "2021-01-31"
    project = await create_phase(client, p["id"], "project", "2021-02-01", "2022-01-31")
    assert (
        await rule(await act(client, p, project, "extend", new_planned_end="2025-02-01"))
        == "rule.project-duration"
    )
    assert (
        await act(client, p, project, "extend", new_planned_end="2025-01-31")
    ).status_code == 200


async def test_each_partner_of_a_multilateral_partnership_brings_both_sides(
    client: AsyncClient,
) -> None:
    first = await create_organisation(client, type="county", country_code="KE", name="Kitui")
    second = await create_organisation(client, type="county", country_code="KE", name="Machakos")
    p = await create_partnership(client, first["id"], partner_ids=[first["id"], second["id"]])
    project = await create_phase(client, p["id"], "project", "2020-01-01", "2020-12-31")
    members_url = f"{PARTNERSHIPS_PATH}/{p['id']}/members"
    for org, side in (
        (p["swedish_party_id"], "majority"),
        (p["swedish_party_id"], "opposition"),
        (first["id"], "majority"),
        (second["id"], "opposition"),
    ):
        person = await create_person(
            client,
            org,
            kind="politician",
            political_side=side,
            given_name=side,
            family_name=org[:8],
        )
        await client.post(
            members_url,
            json={
                "person_id": person["id"],
                "team": "steering_group",
                "role": "member",
                "start_date": "2019-01-01",
            },
        )
    await visits(client, p, "2020-03-01", "2020-09-01")
    refused = await act(client, p, project, "start", actual_start="2020-01-01")
    assert await rule(refused) == "rule.steering-group-composition"
    assert refused.json()["detail"].count("partner-side (") == 2


async def test_teams_hold_the_right_kind_of_people_and_members_stay_with_their_party(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    members_url = f"{PARTNERSHIPS_PATH}/{p['id']}/members"
    official = await create_person(client, p["partner_ids"][0])
    wrong = await client.post(
        members_url,
        json={
            "person_id": official["id"],
            "team": "steering_group",
            "role": "chair",
            "start_date": "2020-01-01",
        },
    )
    assert await rule(wrong) == "rule.team-member-kind"
    right = await client.post(
        members_url,
        json={
            "person_id": official["id"],
            "team": "project_group",
            "role": "member",
            "start_date": "2020-01-01",
        },
    )
    assert right.status_code == 201
    elsewhere = await create_organisation(client, name="Another council")
    moved = await client.patch(
        f"/api/v1/people/{official['id']}",
        json={"organisation_id": elsewhere["id"]},
        headers={"If-Match": '"v1"'},
    )
    assert await rule(moved) == "rule.member-of-a-party"
    assert (await client.get(members_url)).status_code == 200


async def test_filter_partnerships_active_in_a_year(client: AsyncClient) -> None:
    p = await partnership(client, title="Active 2020")
    await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    await partnership(client, title="Never active")

    async def titles(year: int) -> list[str]:
        response = await client.get(PARTNERSHIPS_PATH, params={"active_in": year})
        return [x["title"] for x in response.json()["items"]]

    assert await titles(2021) == ["Active 2020"]
    assert await titles(2022) == []
