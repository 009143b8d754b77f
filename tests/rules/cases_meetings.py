"""Matrix rows of the meetings' rules (app/rules/partnerships.py, "Meetings"), and of the other
rules on the meeting routes.

The meeting life cycle (docs/partnerships.md, "Meetings"): a meeting is created planned (or held,
recorded after the fact), and changes by its actions only: `hold`, `cancel` and `reschedule`
(POST .../meetings/{meeting_id}/hold|cancel|reschedule, with If-Match), a cancellation and a move
with their reason. A merge patch changes what does not move a meeting in anyone's calendar (kind,
place, participants, outcome; `status` `held` as `hold` does). A delete is only of a meeting
entered by mistake; any other answers 409, pointing at `cancel`.
"""

from typing import Any

from app.rules.partnerships import CHANGE_REASON_MAX_CHARS
from tests.rules.matrix import CONFLICT, Attempt, exempt, row
from tests.rules.world import ANY_VERSION, DECISION, Json, World

NOBODY = "00000000-0000-4000-8000-000000000000"
DELETED = "DELETE removes the row: what is left holds no value the rule could refuse"
RUNNING = "2016-06-30"  # a day the project of `World.project` runs
AFTER_THE_END = "2016-12-31"  # a day after the early end in `ended_early`
STILL_TO_COME = "2099-05-10"
REASON = {"reason": "The partner municipality's council was dissolved by decree."}


def meeting_url(w: World, p: Json, meeting: Json) -> str:
    return w.url(p, "meetings", meeting["id"])


def action_url(w: World, p: Json, meeting: Json, action: str) -> str:
    return w.url(p, "meetings", meeting["id"], action)


def history(w: World, p: Json, meeting: Json) -> tuple[str, ...]:
    """What a refused write must leave as it was besides the meeting: its history."""
    return (w.url(p, "meetings", meeting["id"], "history"),)


async def act(w: World, p: Json, meeting: Json, action: str, body: Json) -> Json:
    """A life-cycle action taken in a scene (it needs If-Match)."""
    response = await w.client.post(
        action_url(w, p, meeting, action), json=body, headers=ANY_VERSION
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def taken(w: World, p: Json, meeting: Json, action: str, body: Json, **fields: Any) -> Attempt:
    """The row's request: the life-cycle `action` on `meeting`, with If-Match."""
    return Attempt(
        "POST",
        action_url(w, p, meeting, action),
        body,
        headers=dict(ANY_VERSION),
        **fields,
    )


# meetings-per-project-year (reported)


@row("meetings-per-project-year", "cancel_meeting")
async def a_meeting_of_the_first_year_cancelled(w: World) -> Attempt:
    project = await w.project()
    first = project["meetings"][0]
    return taken(w, project, first, "cancel", REASON, partnership_id=project["id"], as_of=RUNNING)


@row("meetings-per-project-year", "reschedule_meeting")
async def a_meeting_of_the_first_year_moved_into_the_second(w: World) -> Attempt:
    project = await w.project()
    first = project["meetings"][0]
    body = {**REASON, "start_date": "2017-03-10", "end_date": "2017-03-10"}
    return taken(w, project, first, "reschedule", body, partnership_id=project["id"], as_of=RUNNING)


@row("meetings-per-project-year", "delete_meeting")
async def a_meeting_of_the_first_year_deleted(w: World) -> Attempt:
    """Still deletable, as entered by mistake: planned, no participants, in no calendar feed."""
    project = await w.project()
    return Attempt(
        "DELETE",
        meeting_url(w, project, project["meetings"][1]),
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("meetings-per-project-year", "postpone_phase")
async def a_project_postponed_into_a_third_year_without_meetings(w: World) -> Attempt:
    project = await w.project()
    body = {**DECISION, "paused_from": "2016-06-01", "paused_until": "2016-06-30"}
    return Attempt(
        "POST",
        w.url(project, "phases", project["phase"]["id"], "postpone"),
        body,
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("meetings-per-project-year", "extend_phase")
async def a_project_extended_by_a_year_without_meetings(w: World) -> Attempt:
    project = await w.project()
    body = {**DECISION, "new_planned_end": "2018-12-31"}
    return Attempt(
        "POST",
        w.url(project, "phases", project["phase"]["id"], "extend"),
        body,
        partnership_id=project["id"],
        as_of=RUNNING,
    )


async def ended_early(w: World) -> Attempt:
    """The project of `World.project` with its first visit held, terminated from 2016-09-01:
    judged after that, the year held one meeting and the partner side hosted none."""
    project = await w.project()
    await w.patch(meeting_url(w, project, project["meetings"][0]), {"status": "held"})
    body = {**DECISION, "effective_date": "2016-09-01"}
    return Attempt(
        "POST",
        w.url(project, "phases", project["phase"]["id"], "terminate"),
        body,
        partnership_id=project["id"],
        as_of=AFTER_THE_END,
    )


row("meetings-per-project-year", "terminate_phase")(ended_early)
row("reciprocal-visits", "terminate_phase")(ended_early)

exempt(
    "a new phase is planned: its plan is judged when it starts (start_phase refuses a plan "
    "short of meetings or visits)",
    ["meetings-per-project-year", "reciprocal-visits"],
    ["create_phase"],
)
exempt(
    "a new meeting adds to the plan: it takes no meeting or visit away",
    ["meetings-per-project-year", "reciprocal-visits"],
    ["create_meeting"],
)
exempt(
    "a hold keeps the meeting in the plan, on its dates, with its host and kind (and a merge "
    "patch neither cancels nor moves a meeting: rule.meeting-change-reason)",
    ["meetings-per-project-year"],
    ["hold_meeting", "update_meeting"],
)
exempt(
    "a hold keeps the meeting in the plan, on its dates, with its host and kind",
    ["reciprocal-visits"],
    ["hold_meeting"],
)

# reciprocal-visits (reported)


async def one_visit_each_way(w: World) -> tuple[Json, Json]:
    """A running project whose only partner-hosted visit is its second meeting (the others are
    digital meetings and a Swedish visit)."""
    p = await w.partnership()
    phase = await w.phase(p, "project", "2016-01-01", "2017-12-31")
    await w.steering_group(p)
    await w.meeting(p, "2016-05-10", "swedish")
    partner_visit = await w.meeting(p, "2016-10-10", "partner")
    await w.meeting(p, "2017-05-10", "swedish", kind="digital_meeting")
    await w.meeting(p, "2017-10-10", "swedish", kind="digital_meeting")
    await w.act(p, phase, "start", actual_start="2016-01-01")
    return p, partner_visit


@row("reciprocal-visits", "update_meeting")
async def the_partners_visit_held_digitally_instead(w: World) -> Attempt:
    p, visit = await one_visit_each_way(w)
    return Attempt(
        "PATCH",
        meeting_url(w, p, visit),
        {"kind": "digital_meeting"},
        partnership_id=p["id"],
        as_of=RUNNING,
    )


@row("reciprocal-visits", "cancel_meeting")
async def the_partners_visit_cancelled(w: World) -> Attempt:
    p, visit = await one_visit_each_way(w)
    return taken(w, p, visit, "cancel", REASON, partnership_id=p["id"], as_of=RUNNING)


@row("reciprocal-visits", "reschedule_meeting")
async def the_partners_visit_hosted_in_sweden_instead(w: World) -> Attempt:
    p, visit = await one_visit_each_way(w)
    body = {
        **REASON,
        "start_date": visit["start_date"],
        "end_date": visit["end_date"],
        "host_organisation_id": p["swedish_party_id"],
        "place": "Alingsås",
    }
    return taken(w, p, visit, "reschedule", body, partnership_id=p["id"], as_of=RUNNING)


@row("reciprocal-visits", "delete_meeting")
async def the_partners_visit_deleted(w: World) -> Attempt:
    """Still deletable, as above."""
    p, visit = await one_visit_each_way(w)
    return Attempt("DELETE", meeting_url(w, p, visit), partnership_id=p["id"], as_of=RUNNING)


exempt(
    "a later end keeps every visit of the phase within it",
    ["reciprocal-visits"],
    ["postpone_phase", "extend_phase"],
)

# host-is-a-party (and unknown-organisation, member-of-a-party on the meeting routes)


@row("host-is-a-party", "create_meeting")
async def a_meeting_hosted_by_an_outsider(w: World) -> Attempt:
    p = await w.partnership()
    outsider = await w.org("KE")
    body = {
        "kind": "visit",
        "host_organisation_id": outsider["id"],
        "place": "Kitui",
        "start_date": "2016-05-10",
        "end_date": "2016-05-10",
    }
    return Attempt("POST", w.url(p, "meetings"), body)


@row("host-is-a-party", "reschedule_meeting")
async def a_meeting_moved_to_an_outsider(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10")
    outsider = await w.org("KE")
    body = {
        **REASON,
        "start_date": "2016-05-10",
        "end_date": "2016-05-10",
        "host_organisation_id": outsider["id"],
        "place": "Kitui",
    }
    return taken(w, p, meeting, "reschedule", body, watch=history(w, p, meeting))


@row("unknown-organisation", "create_meeting")
async def a_meeting_hosted_by_no_organisation(w: World) -> Attempt:
    """No organisation is no party: refused as rule.host-is-a-party, which names the field."""
    p = await w.partnership()
    body = {
        "kind": "visit",
        "host_organisation_id": NOBODY,
        "place": "Nowhere",
        "start_date": "2016-05-10",
        "end_date": "2016-05-10",
    }
    return Attempt("POST", w.url(p, "meetings"), body, code="rule.host-is-a-party")


@row("unknown-organisation", "reschedule_meeting")
async def a_meeting_moved_to_no_organisation(w: World) -> Attempt:
    """Refused as rule.host-is-a-party, as above."""
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10")
    body = {**REASON, "start_date": "2016-06-10", "end_date": "2016-06-10"}
    body["host_organisation_id"] = NOBODY
    return taken(
        w, p, meeting, "reschedule", body, watch=history(w, p, meeting), code="rule.host-is-a-party"
    )


@row("member-of-a-party", "create_meeting")
async def an_outsider_among_the_participants(w: World) -> Attempt:
    p = await w.partnership()
    outsider = await w.person((await w.org("KE"))["id"])
    body = {
        "kind": "visit",
        "host_organisation_id": p["swedish_party_id"],
        "place": "Alingsås",
        "start_date": "2016-05-10",
        "end_date": "2016-05-10",
        "participant_ids": [outsider["id"]],
    }
    return Attempt("POST", w.url(p, "meetings"), body)


@row("member-of-a-party", "update_person")
async def a_meeting_participant_moves_to_another_organisation(w: World) -> Attempt:
    p = await w.partnership()
    official = await w.person(p["swedish_party_id"])
    await w.meeting(p, "2016-05-10", participant_ids=[official["id"]])
    elsewhere = await w.org("KE")
    return Attempt(
        "PATCH",
        f"/api/v1/people/{official['id']}",
        {"organisation_id": elsewhere["id"]},
        watch=(w.url(p, "meetings"),),
    )


exempt(
    "a new partnership has no meetings",
    ["host-is-a-party"],
    ["create_partnership"],
)
exempt(DELETED, ["host-is-a-party", "unknown-organisation"], ["delete_meeting"])

# meeting-transition (refused)


@row("meeting-transition", "create_meeting")
async def a_meeting_still_to_come_recorded_as_held(w: World) -> Attempt:
    p = await w.partnership()
    body = {
        "kind": "visit",
        "host_organisation_id": p["swedish_party_id"],
        "place": "Alingsås",
        "start_date": STILL_TO_COME,
        "end_date": STILL_TO_COME,
        "status": "held",
    }
    return Attempt("POST", w.url(p, "meetings"), body)


@row("meeting-transition", "update_meeting")
async def a_held_meeting_planned_again(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10", status="held")
    return Attempt(
        "PATCH", meeting_url(w, p, meeting), {"status": "planned"}, watch=history(w, p, meeting)
    )


@row("meeting-transition", "update_meeting")
async def a_held_visits_kind_changed(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10", status="held")
    return Attempt(
        "PATCH",
        meeting_url(w, p, meeting),
        {"kind": "digital_meeting"},
        watch=history(w, p, meeting),
    )


@row("meeting-transition", "update_meeting")
async def a_cancelled_meeting_recorded_as_held(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await act(w, p, await w.meeting(p, "2016-05-10"), "cancel", REASON)
    return Attempt(
        "PATCH", meeting_url(w, p, meeting), {"status": "held"}, watch=history(w, p, meeting)
    )


@row("meeting-transition", "hold_meeting")
async def a_meeting_still_to_come_held(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    return taken(w, p, meeting, "hold", {}, watch=history(w, p, meeting))


@row("meeting-transition", "hold_meeting")
async def a_cancelled_meeting_held(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await act(w, p, await w.meeting(p, "2016-05-10"), "cancel", REASON)
    return taken(w, p, meeting, "hold", {"outcome": "Met after all"}, watch=history(w, p, meeting))


@row("meeting-transition", "cancel_meeting")
async def a_held_meeting_cancelled(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10", status="held")
    return taken(w, p, meeting, "cancel", REASON, watch=history(w, p, meeting))


@row("meeting-transition", "cancel_meeting")
async def a_cancelled_meeting_cancelled_again(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await act(w, p, await w.meeting(p, "2016-05-10"), "cancel", REASON)
    body = {"reason": "Cancelled twice over."}
    return taken(w, p, meeting, "cancel", body, watch=history(w, p, meeting))


@row("meeting-transition", "reschedule_meeting")
async def a_held_meeting_moved(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10", status="held")
    body = {**REASON, "start_date": "2016-06-10", "end_date": "2016-06-10"}
    return taken(w, p, meeting, "reschedule", body, watch=history(w, p, meeting))


@row("meeting-transition", "reschedule_meeting")
async def a_move_that_changes_nothing(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    body = {
        **REASON,
        "start_date": STILL_TO_COME,
        "end_date": STILL_TO_COME,
        "host_organisation_id": p["swedish_party_id"],
    }
    return taken(w, p, meeting, "reschedule", body, watch=history(w, p, meeting))


@row("meeting-transition", "delete_meeting")
async def a_held_meeting_deleted(w: World) -> Attempt:
    """A held meeting stays in the record: the delete answers 409 `conflict` (a meeting is
    deleted only when entered by mistake, not a rule of the programme), nothing removed."""
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10", status="held")
    return Attempt(
        "DELETE",
        meeting_url(w, p, meeting),
        watch=history(w, p, meeting),
        status=409,
        code=CONFLICT,
    )


exempt(
    "an early end cancels the phase's planned meetings from its effective date, the planned -> "
    "cancelled transition the life cycle allows (cancel_after, as `cancel` does)",
    ["meeting-transition"],
    ["terminate_phase"],
)

# meeting-change-reason (refused)


@row("meeting-change-reason", "create_meeting")
async def a_meeting_created_cancelled(w: World) -> Attempt:
    p = await w.partnership()
    body = {
        "kind": "visit",
        "host_organisation_id": p["swedish_party_id"],
        "place": "Alingsås",
        "start_date": "2016-05-10",
        "end_date": "2016-05-10",
        "status": "cancelled",
    }
    return Attempt("POST", w.url(p, "meetings"), body)


@row("meeting-change-reason", "update_meeting")
async def a_meeting_cancelled_by_merge_patch(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    return Attempt(
        "PATCH", meeting_url(w, p, meeting), {"status": "cancelled"}, watch=history(w, p, meeting)
    )


@row("meeting-change-reason", "update_meeting")
async def a_meeting_moved_to_other_dates_by_merge_patch(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    body = {"start_date": "2099-06-10", "end_date": "2099-06-12"}
    return Attempt("PATCH", meeting_url(w, p, meeting), body, watch=history(w, p, meeting))


@row("meeting-change-reason", "update_meeting")
async def a_meeting_moved_to_another_host_by_merge_patch(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    body = {"host_organisation_id": p["partner_ids"][0]}
    return Attempt("PATCH", meeting_url(w, p, meeting), body, watch=history(w, p, meeting))


@row("meeting-change-reason", "cancel_meeting")
async def a_meeting_cancelled_without_a_reason(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    return taken(w, p, meeting, "cancel", {"reason": "  "}, watch=history(w, p, meeting))


@row("meeting-change-reason", "cancel_meeting")
async def a_meeting_cancelled_with_an_over_long_reason(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    body = {"reason": "x" * (CHANGE_REASON_MAX_CHARS + 1)}
    return taken(w, p, meeting, "cancel", body, watch=history(w, p, meeting))


@row("meeting-change-reason", "reschedule_meeting")
async def a_meeting_moved_without_a_reason(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    body = {"reason": "", "start_date": "2099-06-10", "end_date": "2099-06-10"}
    return taken(w, p, meeting, "reschedule", body, watch=history(w, p, meeting))


@row("meeting-change-reason", "reschedule_meeting")
async def a_meeting_moved_with_an_over_long_reason(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, STILL_TO_COME)
    body = {
        "reason": "x" * (CHANGE_REASON_MAX_CHARS + 1),
        "start_date": "2099-06-10",
        "end_date": "2099-06-10",
    }
    return taken(w, p, meeting, "reschedule", body, watch=history(w, p, meeting))


exempt(
    "a hold needs no reason: it neither cancels nor moves the meeting",
    ["meeting-change-reason"],
    ["hold_meeting"],
)
exempt(
    "an early end's cancellations carry the decision as their reason (cancel_after: its "
    "reference, at most 100 characters, in a sentence well within the limit)",
    ["meeting-change-reason"],
    ["terminate_phase"],
)
exempt(DELETED, ["meeting-change-reason"], ["delete_meeting"])
