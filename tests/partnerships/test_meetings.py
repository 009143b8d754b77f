"""Meetings and visits: the activity-plan rules at a phase's start, and the compliance view
checked against hand-computed figures."""

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_phase
from tests.partnerships.test_phases import act, meeting, partnership, rule, steering_group


async def cancel(
    client: AsyncClient, p: dict[str, Any], m: dict[str, Any], reason: str = "Elections moved"
) -> Any:
    """Cancel the meeting `m` as read (its ETag): a cancellation has its reason (issue 22: no
    longer a PATCH of `status`)."""
    response = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{m['id']}/cancel",
        json={"reason": reason},
        headers={"If-Match": f'"v{m.get("version", 1)}"'},
    )
    assert response.status_code == 200, response.text
    return response


async def test_a_project_plans_two_meetings_in_each_year(client: AsyncClient) -> None:
    p = await partnership(client)
    project = await create_phase(client, p["id"], "project", "2016-01-01", "2017-06-30")
    await steering_group(client, p, "2016-01-01")
    await meeting(client, p, "2016-03-01", "swedish")
    await meeting(client, p, "2016-09-01", "partner")
    await meeting(client, p, "2017-03-01", "partner", kind="digital_meeting")
    refused = await act(client, p, project, "start", actual_start="2016-01-01")
    assert await rule(refused) == "rule.meetings-per-project-year"
    assert refused.json()["detail"] == (
        "The plan holds fewer than 2 meetings in year 2 (2017-01-01..2017-06-30): 1."
    )
    cancelled = await meeting(client, p, "2017-05-01", "swedish", kind="workshop")
    assert (await cancel(client, p, cancelled)).json()["status"] == "cancelled"
    assert await rule(await act(client, p, project, "start", actual_start="2016-01-01")) == (
        "rule.meetings-per-project-year"  # a cancelled meeting does not count
    )
    await meeting(client, p, "2017-05-02", "swedish", kind="digital_meeting")
    started = await act(client, p, project, "start", actual_start="2016-01-01")
    assert started.status_code == 200, started.text


async def test_each_side_hosts_a_visit_in_the_phase(client: AsyncClient) -> None:
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    await meeting(client, p, "2020-04-20", "swedish")
    await meeting(client, p, "2020-10-12", "partner", kind="digital_meeting")
    refused = await act(client, p, inception, "start", actual_start="2020-02-01")
    assert await rule(refused) == "rule.reciprocal-visits"
    assert "partner side" in refused.json()["detail"]
    await meeting(client, p, "2020-10-13", "partner", kind="study_visit")
    assert (await act(client, p, inception, "start", actual_start="2020-02-01")).status_code == 200


async def test_meetings_are_hosted_by_parties_and_their_state_moves_forward(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    outsider = await create_organisation(client, name="Another council")
    response = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings",
        json={
            "kind": "visit",
            "host_organisation_id": outsider["id"],
            "place": "x",
            "start_date": "2020-01-01",
            "end_date": "2020-01-02",
        },
    )
    assert await rule(response) == "rule.host-is-a-party"
    future = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings",
        json={
            "kind": "visit",
            "host_organisation_id": p["swedish_party_id"],
            "place": "Alingsås",
            "start_date": "2999-01-01",
            "end_date": "2999-01-02",
            "status": "held",
        },
    )
    assert await rule(future) == "rule.meeting-transition"
    held = await meeting(client, p, "2020-05-01", "swedish", status="held")
    url = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{held['id']}"
    back = await client.patch(url, json={"status": "planned"}, headers={"If-Match": '"v1"'})
    assert await rule(back) == "rule.meeting-transition"
    outcome = await client.patch(
        url, json={"outcome": "Letter of intent signed"}, headers={"If-Match": '"v1"'}
    )
    assert outcome.json()["outcome"] == "Letter of intent signed"
    assert (await client.delete(url, headers={"If-Match": '"v2"'})).status_code == 409


async def compliance(client: AsyncClient, p: dict[str, Any], as_of: str) -> dict[str, Any]:
    response = await client.get(
        f"{PARTNERSHIPS_PATH}/{p['id']}/compliance", params={"as_of": as_of}
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_compliance_counts_meetings_per_project_year_and_hosting(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    project = await create_phase(client, p["id"], "project", "2016-01-01", "2017-12-31")
    await steering_group(client, p, "2016-01-01")
    # Year 1: two visits held (one each way). Year 2: one held, one cancelled, one planned.
    await meeting(client, p, "2016-04-01", "swedish", status="held")
    await meeting(client, p, "2016-10-01", "partner", status="held")
    await meeting(client, p, "2017-03-01", "swedish", kind="digital_meeting", status="held")
    late = await meeting(client, p, "2017-09-01", "partner")
    await meeting(client, p, "2017-11-01", "swedish")
    assert (await act(client, p, project, "start", actual_start="2016-01-01")).status_code == 200
    await cancel(client, p, late)

    during = await compliance(client, p, "2017-06-30")
    [phase] = during["phases"]
    assert [
        (y["year"], y["planned"], y["held"], y["cancelled"], y["planned_ok"], y["held_ok"])
        for y in phase["years"]
    ] == [(1, 2, 2, 0, True, True), (2, 2, 1, 1, True, None)]
    # Visits only: Swedish 2016-04 (held) and 2017-11 (planned); partner 2016-10 (held), its
    # 2017-09 visit was cancelled.
    assert phase["hosting"] == {
        "swedish": {"planned": 2, "held": 1},
        "partner": {"planned": 1, "held": 1},
    }
    assert (phase["reciprocal_hosting_planned"], phase["reciprocal_hosting_held"]) == (True, None)
    assert during["steering_group_missing"] == []
    assert during["letter_of_intent_signed"] is False
    assert [w["code"] for w in during["warnings"]] == ["rule.project-group-size"] * 2 + [
        "rule.letter-of-intent"
    ]
    letter = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/documents",
        json={
            "kind": "letter_of_intent",
            "title": "Avsiktsförklaring",
            "swedish_signed_on": "2015-11-02",
            "partner_signed_on": "2015-11-20",
        },
    )
    assert letter.status_code == 201, letter.text
    unsigned_yet = await compliance(client, p, "2017-06-30")
    assert unsigned_yet["letter_of_intent_signed"] is False  # no file on record yet
    uploaded = await client.put(
        f"{PARTNERSHIPS_PATH}/{p['id']}/documents/{letter.json()['id']}/file",
        content=b"%PDF-1.4 letter of intent",
        headers={"content-type": "application/pdf"},
    )
    assert uploaded.status_code == 200, uploaded.text
    assert (await compliance(client, p, "2015-11-10"))["letter_of_intent_signed"] is False
    signed = await compliance(client, p, "2017-06-30")
    assert signed["letter_of_intent_signed"] is True
    assert "rule.letter-of-intent" not in [w["code"] for w in signed["warnings"]]

    after = await compliance(client, p, "2018-01-15")
    years = after["phases"][0]["years"]
    assert years[1]["held_ok"] is False
    assert after["warnings"][0]["code"] == "rule.meetings-per-project-year"
    assert after["warnings"][0]["message"] == (
        "Project year 2 (2017-01-01..2017-12-31) held 1 meetings."
    )


async def test_programme_officers_see_every_partnerships_compliance(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client, title="A with a project")
    await create_phase(client, p["id"], "project", "2016-01-01", "2017-12-31")
    await partnership(client, title="B still a draft")
    async with authorised(client, await api_key(connection, Role.programme_officer)) as officer:
        everything = (await officer.get("/api/v1/compliance", params={"limit": 25})).json()
        assert [(i["title"], [w["code"] for w in i["warnings"]]) for i in everything["items"]] == [
            ("A with a project", ["rule.letter-of-intent"]),
            ("B still a draft", []),
        ]
        flagged = await officer.get("/api/v1/compliance", params={"with_warnings": "true"})
        assert [i["title"] for i in flagged.json()["items"]] == ["A with a project"]
        assert (await officer.get("/api/v1/compliance", params={"limit": 26})).status_code == 422
    viewer = await api_key(connection, Role.viewer, [uuid.UUID(p["partner_ids"][0])])
    async with authorised(client, viewer) as someone:
        assert (await someone.get("/api/v1/compliance")).status_code == 403


async def test_a_meeting_record_stays_as_it_happened(client: AsyncClient) -> None:
    p = await partnership(client)
    ahead = await meeting(client, p, "2999-05-01", "swedish")
    url = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings"
    faked = await client.patch(
        f"{url}/{ahead['id']}", json={"status": "held"}, headers={"If-Match": '"v1"'}
    )
    assert await rule(faked) == "rule.meeting-transition"
    held = await meeting(client, p, "2020-05-01", "swedish", status="held")
    moved = await client.patch(
        f"{url}/{held['id']}", json={"start_date": "2020-04-01"}, headers={"If-Match": '"v1"'}
    )
    assert await rule(moved) == "rule.meeting-transition"
    cancelled = await meeting(client, p, "2020-06-01", "partner")
    await cancel(client, p, cancelled)
    assert (
        await client.delete(f"{url}/{cancelled['id']}", headers={"If-Match": '"v2"'})
    ).status_code == 409


async def test_ending_one_phase_early_leaves_the_next_phases_meetings(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    await meeting(client, p, "2020-04-20", "swedish")
    inside = await meeting(client, p, "2020-10-12", "partner")
    later = await meeting(client, p, "2021-04-12", "partner")  # the project's, after the inception
    assert (await act(client, p, inception, "start", actual_start="2020-02-01")).status_code == 200
    ended = await act(client, p, inception, "terminate", effective_date="2020-09-01")
    assert ended.json()["status"] == "terminated"
    statuses = {
        m["id"]: m["status"]
        for m in (await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}/meetings")).json()["items"]
    }
    assert (statuses[inside["id"]], statuses[later["id"]]) == ("cancelled", "planned")


async def test_the_plan_is_judged_from_the_actual_start(client: AsyncClient) -> None:
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    await meeting(client, p, "2020-03-01", "swedish")
    await meeting(client, p, "2020-04-01", "partner")
    late = await act(client, p, inception, "start", actual_start="2020-06-01")
    assert await rule(late) == "rule.reciprocal-visits"  # both visits were before the start


async def test_a_meeting_is_read_as_its_changes_answer_it(client: AsyncClient) -> None:
    """A meeting read alone or in a page (its row's values serialised without the model,
    app/api/answers.py, with its host's side and participants from the same statement) is the
    answer of its last change, byte for byte, a cancellation's too; and not found through
    another partnership or one outside the caller's reach."""
    p = await partnership(client)
    url = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings"
    planned = await client.post(
        url,
        json={
            "kind": "visit",
            "host_organisation_id": p["partner_ids"][0],
            "place": "Makueni",
            "start_date": "2999-05-01",
            "end_date": "2999-05-03",
        },
    )
    assert planned.status_code == 201, planned.text
    early = await meeting(client, p, "2999-03-01", "swedish")
    cancelled = await cancel(client, p, early)
    for answer in (planned, cancelled):
        read = await client.get(f"{url}/{answer.json()['id']}")
        assert (read.content, read.headers["etag"]) == (answer.content, answer.headers["etag"])
    assert planned.json()["host_side"] == "partner"
    assert cancelled.json()["cancellation"]["reason"] == "Elections moved"
    page = await client.get(url)
    assert page.json()["items"] == [cancelled.json(), planned.json()]

    other = await partnership(client)
    elsewhere = f"{PARTNERSHIPS_PATH}/{other['id']}/meetings"
    assert (await client.get(elsewhere)).json()["items"] == []
    assert (await client.get(f"{elsewhere}/{early['id']}")).status_code == 404
    nowhere = f"{PARTNERSHIPS_PATH}/{uuid.uuid4()}/meetings"
    assert (await client.get(nowhere)).status_code == 404
    assert (await client.get(f"{nowhere}/{early['id']}")).status_code == 404
