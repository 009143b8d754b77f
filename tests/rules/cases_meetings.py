"""Matrix rows of the meetings' rules (app/rules/partnerships.py, "Meetings"), and of the other
rules on the meeting routes.

MEETINGS BLOCK: written against the meetings life cycle as it is on main before issue 21's
rebuild (a meeting's status set by merge patch; a held or cancelled one kept as recorded; a
delete only of a planned one). When the rebuilt life cycle is merged, update the rows and
exemptions of this file (and WRITES' meeting operations in `writes.py`): the matrix names each
new meeting route and each changed column until they have a row or a reason.
"""

from datetime import timedelta

from app.clock import today
from tests.rules.matrix import CONFLICT, Attempt, exempt, known_gap, row
from tests.rules.world import DECISION, Json, World

NOBODY = "00000000-0000-4000-8000-000000000000"
DELETED = "DELETE removes the row: what is left holds no value the rule could refuse"
RUNNING = "2016-06-30"  # a day the project of `World.project` runs
AFTER_THE_END = "2016-12-31"  # a day after the early end in `ended_early`


def meeting_url(w: World, p: Json, meeting: Json) -> str:
    return w.url(p, "meetings", meeting["id"])


# meetings-per-project-year (reported)


@row("meetings-per-project-year", "update_meeting")
async def a_meeting_of_the_first_year_cancelled(w: World) -> Attempt:
    project = await w.project()
    first = project["meetings"][0]
    return Attempt(
        "PATCH",
        meeting_url(w, project, first),
        {"status": "cancelled"},
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("meetings-per-project-year", "delete_meeting")
async def a_meeting_of_the_first_year_deleted(w: World) -> Attempt:
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
async def the_partners_visit_hosted_in_sweden_instead(w: World) -> Attempt:
    p, visit = await one_visit_each_way(w)
    return Attempt(
        "PATCH",
        meeting_url(w, p, visit),
        {"host_organisation_id": p["swedish_party_id"], "place": "Alingsås"},
        partnership_id=p["id"],
        as_of=RUNNING,
    )


@row("reciprocal-visits", "delete_meeting")
async def the_partners_visit_deleted(w: World) -> Attempt:
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


@row("host-is-a-party", "update_meeting")
async def a_meeting_moved_to_an_outsider(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10")
    outsider = await w.org("KE")
    return Attempt("PATCH", meeting_url(w, p, meeting), {"host_organisation_id": outsider["id"]})


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


@row("unknown-organisation", "update_meeting")
async def a_meeting_moved_to_no_organisation(w: World) -> Attempt:
    """Refused as rule.host-is-a-party, as above."""
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10")
    return Attempt(
        "PATCH",
        meeting_url(w, p, meeting),
        {"host_organisation_id": NOBODY},
        code="rule.host-is-a-party",
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

# meeting-transition


@row("meeting-transition", "create_meeting")
async def a_meeting_still_to_come_recorded_as_held(w: World) -> Attempt:
    p = await w.partnership()
    body = {
        "kind": "visit",
        "host_organisation_id": p["swedish_party_id"],
        "place": "Alingsås",
        "start_date": "2099-05-10",
        "end_date": "2099-05-10",
        "status": "held",
    }
    return Attempt("POST", w.url(p, "meetings"), body)


@row("meeting-transition", "update_meeting")
async def a_held_meeting_planned_again(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10", status="held")
    return Attempt("PATCH", meeting_url(w, p, meeting), {"status": "planned"})


@row("meeting-transition", "delete_meeting")
async def a_held_meeting_deleted(w: World) -> Attempt:
    p = await w.partnership()
    meeting = await w.meeting(p, "2016-05-10", status="held")
    return Attempt("DELETE", meeting_url(w, p, meeting), status=409, code=CONFLICT)


@known_gap(
    "meeting-transition",
    "terminate_phase",
    "an early end cancels the phase's planned meetings still to come, which the meeting routes "
    "refuse to store (check_not_held_ahead: a meeting still to come is planned); the rebuilt "
    "meetings life cycle settles which of the two holds",
)
async def a_project_ended_early_cancels_its_meetings_still_to_come(w: World) -> Attempt:
    p = await w.partnership()
    starts = today() - timedelta(days=300)
    ends = starts + timedelta(days=729)  # two project years
    phase = await w.phase(p, "project", str(starts), str(ends))
    await w.steering_group(p)
    for days, host in ((30, "swedish"), (120, "partner"), (400, "swedish"), (500, "partner")):
        await w.meeting(p, str(starts + timedelta(days=days)), host)
    await w.act(p, phase, "start", actual_start=str(starts))
    body = {**DECISION, "effective_date": str(today() + timedelta(days=1))}
    return Attempt("POST", w.url(p, "phases", phase["id"], "terminate"), body)
