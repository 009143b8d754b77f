"""A meeting's life cycle as coordinators live it (issue 22): cancel or move a visit with its
reason, hold it once started, delete only what was entered by mistake; every transition of the
table in docs/partnerships.md through HTTP, the refused ones included, and what the calendar
feeds, the compliance view and the history make of them."""

import uuid
from datetime import date, timedelta
from typing import Any

from httpx import AsyncClient, Response
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import today
from app.core.periods import last_day_within
from app.models.enums import Role
from app.rules.partnerships import CHANGE_REASON_MAX_CHARS
from tests.conftest import api_key, authorised
from tests.factories import PARTNERSHIPS_PATH, create_organisation, create_person, create_phase
from tests.partnerships.test_phases import act, meeting, partnership, rule, steering_group


def url(p: dict[str, Any], m: dict[str, Any] | None = None, action: str = "") -> str:
    base = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings"
    if m is None:
        return base
    return f"{base}/{m['id']}/{action}" if action else f"{base}/{m['id']}"


async def post(
    client: AsyncClient,
    p: dict[str, Any],
    m: dict[str, Any],
    action: str,
    body: dict[str, Any] | None = None,
    etag: str | None = '"v1"',
) -> Response:
    headers = {"If-Match": etag} if etag else {}
    return await client.post(url(p, m, action), json=body or {}, headers=headers)


async def history(client: AsyncClient, p: dict[str, Any], m: dict[str, Any]) -> list[Any]:
    response = await client.get(url(p, m, "history"))
    assert response.status_code == 200, response.text
    return list(response.json()["items"])


def events(feed: bytes) -> dict[str, Any]:
    """The feed's events by UID."""
    return {str(e["uid"]): e for e in Calendar.from_ical(feed).walk("VEVENT")}


def uid(m: dict[str, Any]) -> str:
    return f"meeting-{m['id']}@partnership-api"


def day(offset: int) -> str:
    return str(today() + timedelta(days=offset))


async def test_a_coordinator_cancels_next_months_visit_and_moves_another(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    # An active two-year project that started half a year ago: a visit each way in each year.
    p = await partnership(client, title="Alingsås - Chililabombwe")
    start = today() - timedelta(days=180)
    project = await create_phase(
        client, p["id"], "project", str(start), str(last_day_within(start, 2))
    )
    await steering_group(client, p, str(start))
    await meeting(client, p, str(start + timedelta(days=30)), "swedish", status="held")
    next_month = await meeting(client, p, day(30), "partner")
    await meeting(client, p, str(start + timedelta(days=400)), "swedish")
    later = await meeting(client, p, str(start + timedelta(days=500)), "partner")
    started = await act(client, p, project, "start", actual_start=str(start))
    assert started.status_code == 200, started.text
    feed_url = f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics"
    before = events((await client.get(feed_url)).content)
    assert [int(e["sequence"]) for e in before.values()] == [0, 0, 0, 0]

    coordinator = await api_key(connection, Role.coordinator, [uuid.UUID(p["swedish_party_id"])])
    async with authorised(client, coordinator) as alingsas:
        why = "The partner municipality's council was dissolved after the election."
        cancelled = await post(alingsas, p, next_month, "cancel", {"reason": why})
        assert cancelled.status_code == 200, cancelled.text
        assert cancelled.headers["etag"] == '"v2"'
        body = cancelled.json()
        assert (body["status"], body["sequence"]) == ("cancelled", 1)
        assert (body["start_date"], body["host_organisation_id"]) == (day(30), p["partner_ids"][0])
        assert body["cancellation"]["reason"] == why
        assert body["cancellation"]["cancelled_by"] == "test coordinator"
        assert "in_calendar_since" not in body

        new_start = start + timedelta(days=530)
        moved = await post(
            alingsas,
            p,
            later,
            "reschedule",
            {
                "start_date": str(new_start),
                "end_date": str(new_start + timedelta(days=3)),
                "place": "Chililabombwe civic centre",
                "reason": "Flooding: the visit moves a month later.",
            },
        )
        assert moved.status_code == 200, moved.text
        assert moved.headers["etag"] == '"v2"'
        assert (moved.json()["id"], moved.json()["status"], moved.json()["sequence"]) == (
            later["id"],
            "planned",
            1,
        )
        assert moved.json()["place"] == "Chililabombwe civic centre"

        # The feed: the same four events, one cancelled and one moved, each with a higher SEQUENCE.
        after = events((await alingsas.get(feed_url)).content)
        assert set(after) == set(before)
        gone, shifted = after[uid(next_month)], after[uid(later)]
        assert (str(gone["status"]), int(gone["sequence"])) == ("CANCELLED", 1)
        assert str(gone["description"]) == f"Cancelled: {why}"
        assert gone.decoded("dtstart") == today() + timedelta(days=30)  # keeps its dates
        assert (str(shifted["status"]), int(shifted["sequence"])) == ("CONFIRMED", 1)
        assert shifted.decoded("dtstart") == new_start
        assert shifted.decoded("dtend") == new_start + timedelta(days=4)

        # The compliance view: year 1 now plans one meeting.
        view = await alingsas.get(f"{PARTNERSHIPS_PATH}/{p['id']}/compliance")
        year_1, year_2 = view.json()["phases"][0]["years"]
        assert (year_1["planned"], year_1["cancelled"], year_1["planned_ok"]) == (1, 1, False)
        assert (year_2["planned"], year_2["planned_ok"]) == (2, True)
        short = [
            w for w in view.json()["warnings"] if w["code"] == "rule.meetings-per-project-year"
        ]
        assert [w["message"] for w in short] == [
            f"Project year 1 ({year_1['starts']}..{year_1['ends']}) plans 1 meetings."
        ]
        assert view.json()["phases"][0]["hosting"] == {
            "swedish": {"planned": 2, "held": 1},
            "partner": {"planned": 1, "held": 0},
        }

        # The history: both changes, who made them and why.
        steps = await history(alingsas, p, next_month)
        assert [(s["action"], s["changed_by"], s["reason"], s["sequence"]) for s in steps] == [
            ("create", "test admin", None, 0),
            ("cancel", "test coordinator", why, 1),
        ]
        assert steps[1]["details"] == {
            "start_date": day(30),
            "end_date": day(30),
            "host_organisation_id": p["partner_ids"][0],
        }
        steps = await history(alingsas, p, later)
        assert [(s["action"], s["changed_by"]) for s in steps] == [
            ("create", "test admin"),
            ("reschedule", "test coordinator"),
        ]
        assert steps[1]["reason"] == "Flooding: the visit moves a month later."
        old = str(start + timedelta(days=500))
        assert steps[1]["details"] == {
            "old_start_date": old,
            "old_end_date": old,
            "old_host_organisation_id": p["partner_ids"][0],
            "new_start_date": str(new_start),
            "new_end_date": str(new_start + timedelta(days=3)),
            "new_host_organisation_id": p["partner_ids"][0],
            "old_place": "partner",
            "new_place": "Chililabombwe civic centre",
        }

    # The audit trail has both actions with their actor.
    trail = await client.get(
        "/api/v1/audit-events", params={"object_type": "meetings", "object_id": next_month["id"]}
    )
    assert [(e["action"], e["actor_name"]) for e in trail.json()["items"]] == [
        ("create", "test admin"),
        ("cancel", "test coordinator"),
    ]


async def test_a_planned_meeting_is_held_once_its_first_day_has_come(client: AsyncClient) -> None:
    p = await partnership(client)
    ahead = await meeting(client, p, day(1), "swedish")
    early = await post(client, p, ahead, "hold")
    assert await rule(early) == "rule.meeting-transition"
    assert early.json()["detail"].startswith(f"The meeting starts {day(1)}")
    begun = await client.post(
        url(p),
        json={
            "kind": "visit",
            "host_organisation_id": p["swedish_party_id"],
            "place": "Alingsås",
            "start_date": day(0),  # started today, ends in three days
            "end_date": day(3),
        },
    )
    held = await post(client, p, begun.json(), "hold", {"outcome": "Letter of intent signed"})
    assert held.status_code == 200, held.text
    assert (held.json()["status"], held.json()["outcome"], held.json()["sequence"]) == (
        "held",
        "Letter of intent signed",
        0,  # nothing moved in anyone's calendar
    )
    assert held.headers["etag"] == '"v2"'
    steps = await history(client, p, begun.json())
    assert [(s["action"], s["details"]) for s in steps] == [
        (
            "create",
            {
                "status": "planned",
                "start_date": day(0),
                "end_date": day(3),
                "host_organisation_id": p["swedish_party_id"],
            },
        ),
        ("hold", {"outcome": "Letter of intent signed"}),
    ]
    # Created held once started (recorded afterwards); not ahead of its first day.
    recorded = await meeting(client, p, day(0), "partner", status="held")
    assert [s["action"] for s in await history(client, p, recorded)] == ["create"]
    ahead_held = await client.post(
        url(p),
        json={
            "kind": "visit",
            "host_organisation_id": p["swedish_party_id"],
            "place": "Alingsås",
            "start_date": day(1),
            "end_date": day(1),
            "status": "held",
        },
    )
    assert await rule(ahead_held) == "rule.meeting-transition"


async def test_a_meeting_is_held_without_a_body(client: AsyncClient) -> None:
    p = await partnership(client)
    begun = await meeting(client, p, day(0), "swedish")
    held = await client.post(url(p, begun, "hold"), headers={"If-Match": '"v1"'})
    assert held.status_code == 200, held.text
    assert (held.json()["status"], held.json()["outcome"]) == ("held", None)


async def test_only_a_planned_meeting_is_held_cancelled_or_moved(client: AsyncClient) -> None:
    p = await partnership(client)
    moving = {"start_date": "2020-06-01", "end_date": "2020-06-02", "reason": "Visa refused"}
    held = await meeting(client, p, "2020-05-01", "swedish", status="held")
    cancelled = await meeting(client, p, "2020-05-02", "partner")
    assert (await post(client, p, cancelled, "cancel", {"reason": "Flood"})).status_code == 200
    for m, etag in ((held, '"v1"'), (cancelled, '"v2"')):
        for action, body in (("hold", {}), ("cancel", {"reason": "Again"}), ("reschedule", moving)):
            refused = await post(client, p, m, action, body, etag)
            assert await rule(refused) == "rule.meeting-transition", (m["status"], action)
            assert f"`{action}` applies to a planned meeting only" in refused.json()["detail"]
    assert [s["action"] for s in await history(client, p, held)] == ["create"]
    assert [s["action"] for s in await history(client, p, cancelled)] == ["create", "cancel"]
    reread = await client.get(url(p, cancelled))
    assert (reread.headers["etag"], reread.json()["cancellation"]["reason"]) == ('"v2"', "Flood")


async def test_a_move_changes_dates_or_host_to_a_party(client: AsyncClient) -> None:
    p = await partnership(client)
    m = await meeting(client, p, "2030-05-06", "swedish")
    same = await post(
        client,
        p,
        m,
        "reschedule",
        {"start_date": "2030-05-06", "end_date": "2030-05-06", "reason": "No change"},
    )
    assert await rule(same) == "rule.meeting-transition"
    assert same.json()["errors"][0]["pointer"] == "/start_date"
    outsider = await create_organisation(client, name="Another council")
    elsewhere = await post(
        client,
        p,
        m,
        "reschedule",
        {
            "start_date": "2030-05-06",
            "end_date": "2030-05-06",
            "host_organisation_id": outsider["id"],
            "reason": "Hosted abroad",
        },
    )
    assert await rule(elsewhere) == "rule.host-is-a-party"
    backwards = await post(
        client,
        p,
        m,
        "reschedule",
        {"start_date": "2030-05-08", "end_date": "2030-05-07", "reason": "Typo"},
    )
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "validation-error"
    # Another host on the same dates is a move: the partner hosts now.
    swapped = await post(
        client,
        p,
        m,
        "reschedule",
        {
            "start_date": "2030-05-06",
            "end_date": "2030-05-06",
            "host_organisation_id": p["partner_ids"][0],
            "reason": "The Swedish town hall is being renovated",
        },
    )
    assert swapped.status_code == 200, swapped.text
    assert (swapped.json()["host_side"], swapped.json()["sequence"]) == ("partner", 1)
    again = await post(
        client,
        p,
        swapped.json(),
        "reschedule",
        {"start_date": "2030-09-01", "end_date": "2030-09-03", "reason": "Elections"},
        '"v2"',
    )
    assert (again.json()["sequence"], again.json()["start_date"]) == (2, "2030-09-01")
    assert [s["sequence"] for s in await history(client, p, m)] == [0, 1, 2]


async def test_a_cancellation_and_a_move_need_their_reason(client: AsyncClient) -> None:
    p = await partnership(client)
    m = await meeting(client, p, "2030-05-06", "swedish")
    missing = await post(client, p, m, "cancel", {})
    assert missing.json()["code"] == "validation-error"
    assert missing.json()["errors"][0]["pointer"] == "/reason"
    for reason in ("   ", "x" * (CHANGE_REASON_MAX_CHARS + 1)):
        refused = await post(client, p, m, "cancel", {"reason": reason})
        assert await rule(refused) == "rule.meeting-change-reason"
        assert refused.json()["errors"][0]["pointer"] == "/reason"
        moved = await post(
            client,
            p,
            m,
            "reschedule",
            {"start_date": "2030-06-01", "end_date": "2030-06-01", "reason": reason},
        )
        assert await rule(moved) == "rule.meeting-change-reason"
    longest = await post(client, p, m, "cancel", {"reason": "x" * CHANGE_REASON_MAX_CHARS})
    assert longest.status_code == 200, longest.text
    problem = await client.get("/problems/rule.meeting-change-reason")
    assert f"to {CHANGE_REASON_MAX_CHARS} characters" in problem.json()["description"]


async def test_a_patch_neither_cancels_nor_moves(client: AsyncClient) -> None:
    """Changed by issue 22: `PATCH {"status": "cancelled"}` used to cancel a past meeting, and a
    PATCH moved a planned one silently; both carry no reason now."""
    p = await partnership(client)
    m = await meeting(client, p, "2020-05-04", "swedish")
    patch = {"If-Match": '"v1"'}
    cancelled = await client.patch(url(p, m), json={"status": "cancelled"}, headers=patch)
    assert await rule(cancelled) == "rule.meeting-change-reason"
    assert cancelled.json()["errors"][0]["pointer"] == "/status"
    assert "/cancel" in cancelled.json()["detail"]
    for change, pointer in (
        ({"start_date": "2020-05-05", "end_date": "2020-05-05"}, "/start_date"),
        ({"end_date": "2020-05-06"}, "/end_date"),
        ({"host_organisation_id": p["partner_ids"][0]}, "/host_organisation_id"),
    ):
        moved = await client.patch(url(p, m), json=change, headers=patch)
        assert await rule(moved) == "rule.meeting-change-reason", change
        assert moved.json()["errors"][0]["pointer"] == pointer
        assert "/reschedule" in moved.json()["detail"]
    created_cancelled = await client.post(
        url(p),
        json={
            "kind": "visit",
            "host_organisation_id": p["swedish_party_id"],
            "place": "Alingsås",
            "start_date": "2020-05-04",
            "end_date": "2020-05-04",
            "status": "cancelled",
        },
    )
    assert await rule(created_cancelled) == "rule.meeting-change-reason"
    # What does not move it in a calendar changes by PATCH, and keeps the SEQUENCE.
    kind = await client.patch(
        url(p, m), json={"kind": "digital_meeting", "place": "Online"}, headers=patch
    )
    assert (kind.json()["kind"], kind.json()["sequence"]) == ("digital_meeting", 0)
    held = await client.patch(url(p, m), json={"status": "held"}, headers={"If-Match": '"v2"'})
    assert held.json()["status"] == "held"  # PATCH still records a past meeting as held
    assert [s["action"] for s in await history(client, p, m)] == ["create", "hold"]


async def test_actions_need_the_current_etag_and_change_nothing_without(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    m = await meeting(client, p, "2030-05-06", "swedish")
    reason = {"reason": "Elections"}
    unnamed = await post(client, p, m, "cancel", reason, etag=None)
    assert unnamed.status_code == 428
    stale = await post(client, p, m, "cancel", reason, etag='"v7"')
    assert (stale.status_code, stale.json()["current_etag"]) == (412, '"v1"')
    elsewhere = await client.post(
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings/{uuid.uuid4()}/cancel",
        json=reason,
        headers={"If-Match": '"v1"'},
    )
    assert elsewhere.status_code == 404
    reread = await client.get(url(p, m))
    assert (reread.json()["status"], reread.headers["etag"]) == ("planned", '"v1"')
    assert [s["action"] for s in await history(client, p, m)] == ["create"]


async def test_only_a_meeting_entered_by_mistake_is_deleted(client: AsyncClient) -> None:
    p = await partnership(client)
    mistake = await meeting(client, p, "2030-05-06", "swedish")
    gone = await client.delete(url(p, mistake), headers={"If-Match": '"v1"'})
    assert gone.status_code == 204
    assert (await client.get(url(p, mistake))).status_code == 404
    trail = await client.get(
        "/api/v1/audit-events", params={"object_type": "meetings", "object_id": mistake["id"]}
    )
    assert [(e["action"], e["actor_name"]) for e in trail.json()["items"]] == [
        ("create", "test admin"),
        ("delete", "test admin"),
    ]
    assert trail.json()["items"][1]["changes"]["start_date"] == ["2030-05-06", None]

    # With participants recorded: cancel instead.
    person = await create_person(client, p["swedish_party_id"])
    attended = await client.post(
        url(p),
        json={
            "kind": "visit",
            "host_organisation_id": p["swedish_party_id"],
            "place": "Alingsås",
            "start_date": "2030-05-06",
            "end_date": "2030-05-06",
            "participant_ids": [person["id"]],
        },
    )
    kept = await client.delete(url(p, attended.json()), headers={"If-Match": '"v1"'})
    assert kept.status_code == 409
    assert (kept.json()["code"], kept.json()["instead"]) == ("conflict", "cancel")
    assert kept.json()["detail"].startswith("The meeting has 1 participant recorded")
    assert "/cancel" in kept.json()["detail"]

    # Listed by a feed someone was served (the partnership's, or an organisation's).
    for feed in (
        f"{PARTNERSHIPS_PATH}/{p['id']}/meetings.ics",
        f"/api/v1/organisations/{p['partner_ids'][0]}/meetings.ics",
        f"/api/v1/organisations/{p['partner_ids'][0]}/calendar.ics",
    ):
        published = await meeting(client, p, "2030-06-01", "partner")
        assert (await client.get(feed)).status_code == 200
        listed = await client.delete(url(p, published), headers={"If-Match": '"v1"'})
        assert listed.status_code == 409, feed
        assert f"been in a calendar feed since {today()}" in listed.json()["detail"]
        assert (await client.get(url(p, published))).headers["etag"] == '"v1"'  # no new version
        cancelled = await post(client, p, published, "cancel", {"reason": "Entered twice"})
        assert cancelled.status_code == 200
        again = await client.delete(url(p, published), headers={"If-Match": '"v2"'})
        assert (again.status_code, again.json()["detail"]) == (
            409,
            "A meeting that was cancelled stays in the record.",
        )
        assert "instead" not in again.json()


async def test_an_early_termination_cancels_with_the_decision_as_reason(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    inception = await create_phase(client, p["id"], "inception", "2020-02-01", "2021-01-31")
    await meeting(client, p, "2020-04-20", "swedish")
    inside = await meeting(client, p, "2020-10-12", "partner")
    assert (await act(client, p, inception, "start", actual_start="2020-02-01")).status_code == 200
    ended = await act(
        client,
        p,
        inception,
        "terminate",
        effective_date="2020-09-01",
        decision_reference="ICLD 2020/99",
        reason="The partner withdrew",
    )
    assert ended.status_code == 200, ended.text
    after = (await client.get(url(p, inside))).json()
    assert (after["status"], after["sequence"]) == ("cancelled", 1)
    assert after["cancellation"]["reason"] == (
        "The inception phase was terminated from 2020-09-01 (decision ICLD 2020/99)."
    )
    assert after["cancellation"]["cancelled_by"] == "test admin"
    assert [s["action"] for s in await history(client, p, inside)] == ["create", "cancel"]


async def test_reciprocal_hosting_counts_what_remains_planned_or_held(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    start = today() - timedelta(days=60)
    inception = await create_phase(
        client, p["id"], "inception", str(start), str(last_day_within(start, 1))
    )
    await meeting(client, p, str(start + timedelta(days=10)), "swedish", status="held")
    partners = await meeting(client, p, day(60), "partner")
    assert (await act(client, p, inception, "start", actual_start=str(start))).status_code == 200

    async def reciprocal() -> tuple[bool, list[str]]:
        view = (await client.get(f"{PARTNERSHIPS_PATH}/{p['id']}/compliance")).json()
        codes = [w["code"] for w in view["warnings"] if w["code"] == "rule.reciprocal-visits"]
        return view["phases"][0]["reciprocal_hosting_planned"], codes

    assert await reciprocal() == (True, [])
    # Moved past the phase's end, the partner's visit no longer counts for this phase ...
    beyond = last_day_within(start, 1) + timedelta(days=30)
    moved = await post(
        client,
        p,
        partners,
        "reschedule",
        {"start_date": str(beyond), "end_date": str(beyond), "reason": "Visa refused"},
    )
    assert moved.status_code == 200, moved.text
    assert await reciprocal() == (False, ["rule.reciprocal-visits"])
    # ... back inside it counts again, and cancelled it does not.
    back = await post(
        client,
        p,
        moved.json(),
        "reschedule",
        {"start_date": day(90), "end_date": day(91), "reason": "Visa granted"},
        '"v2"',
    )
    assert await reciprocal() == (True, [])
    cancelled = await post(client, p, back.json(), "cancel", {"reason": "Flood"}, '"v3"')
    assert cancelled.status_code == 200
    assert await reciprocal() == (False, ["rule.reciprocal-visits"])


async def test_who_may_act_on_a_meeting(client: AsyncClient, connection: AsyncConnection) -> None:
    p = await partnership(client)
    m = await meeting(client, p, "2030-05-06", "swedish")
    reason = {"reason": "Elections"}
    viewer = await api_key(connection, Role.viewer, [uuid.UUID(p["swedish_party_id"])])
    async with authorised(client, viewer) as someone:
        assert (await post(someone, p, m, "cancel", reason)).status_code == 403
        assert (await post(someone, p, m, "hold")).status_code == 403
        assert len(await history(someone, p, m)) == 1  # reading is open to the viewer
    outsider = await create_organisation(client, name="Another council")
    other = await api_key(connection, Role.coordinator, [uuid.UUID(outsider["id"])])
    async with authorised(client, other) as stranger:
        assert (await post(stranger, p, m, "cancel", reason)).status_code == 404
        assert (await stranger.get(url(p, m, "history"))).status_code == 404
    partner = await api_key(connection, Role.coordinator, [uuid.UUID(p["partner_ids"][0])])
    async with authorised(client, partner) as chililabombwe:
        assert (await post(chililabombwe, p, m, "cancel", reason)).status_code == 200


async def test_the_history_is_paged_oldest_first(client: AsyncClient) -> None:
    p = await partnership(client)
    m = await meeting(client, p, "2030-05-06", "swedish")
    for n, start in enumerate(("2030-06-01", "2030-07-01", "2030-08-01"), start=1):
        moved = await post(
            client,
            p,
            m,
            "reschedule",
            {"start_date": start, "end_date": start, "reason": f"Move {n}"},
            f'"v{n}"',
        )
        assert moved.status_code == 200, moved.text
    first = await client.get(url(p, m, "history"), params={"limit": 2})
    assert [s["reason"] for s in first.json()["items"]] == [None, "Move 1"]
    rest = await client.get(
        url(p, m, "history"), params={"limit": 2, "cursor": first.json()["next_cursor"]}
    )
    assert [s["reason"] for s in rest.json()["items"]] == ["Move 2", "Move 3"]
    assert rest.json()["next_cursor"] is None
    assert [s["details"]["new_start_date"] for s in rest.json()["items"]] == [
        "2030-07-01",
        "2030-08-01",
    ]
    assert date.fromisoformat(rest.json()["items"][0]["details"]["old_start_date"]) == date(
        2030, 6, 1
    )
