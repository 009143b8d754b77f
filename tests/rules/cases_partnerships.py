"""Matrix rows of the partnerships' rules (app/rules/partnerships.py): parties, phases, groups
and documents. The meetings' rules are in `cases_meetings.py`."""

from tests.rules.matrix import CONFLICT, Attempt, exempt, row
from tests.rules.world import DECISION, Json, World, line, sek

ORGS, PEOPLE = "/api/v1/organisations", "/api/v1/people"
PARTNERSHIPS, APPLICATIONS, GRANTS = (
    "/api/v1/partnerships",
    "/api/v1/applications",
    "/api/v1/grants",
)
NOBODY = "00000000-0000-4000-8000-000000000000"
DELETED = "DELETE removes the row: what is left holds no value the rule could refuse"
NEW_ORGANISATION = "a new organisation is party to no partnership and member of no network"
NEW_PERSON = "a new person sits in no team, takes part in nothing and is no one's contact"
NEW_PARTNERSHIP = "a new partnership has no phases, members, meetings or applications yet"


def action(w: World, p: Json, phase: Json, verb: str, **body: str) -> Attempt:
    return Attempt("POST", w.url(p, "phases", phase["id"], verb), {**DECISION, **body})


# unknown-partnership


@row("unknown-partnership", "create_application")
async def an_application_of_no_partnership(w: World) -> Attempt:
    body = w.inception_application({"id": NOBODY})
    return Attempt("POST", APPLICATIONS, body)


@row("unknown-partnership", "create_grant")
async def a_grant_to_no_partnership(w: World) -> Attempt:
    return Attempt("POST", GRANTS, w.grant_body({"id": NOBODY}))


@row("unknown-partnership", "create_study_visit")
async def a_visit_of_no_partnership(w: World) -> Attempt:
    host = await w.ref("0139")
    body = {"visit_on": "2019-09-24", "host_organisation_id": host["id"], "partnership_id": NOBODY}
    return Attempt("POST", "/api/v1/study-visits", body)


@row("unknown-partnership", "update_study_visit")
async def a_visit_moved_to_no_partnership(w: World) -> Attempt:
    visit = await w.visit()
    return Attempt("PATCH", f"/api/v1/study-visits/{visit['id']}", {"partnership_id": NOBODY})


exempt(
    "a created partnership exists: it is what the others name",
    ["unknown-partnership"],
    ["create_partnership"],
)
exempt(DELETED, ["unknown-partnership"], ["delete_study_visit"])

# The parties: swedish-applicant-eligible, partner-country-eligible, third-party-in-eu


def partnership_body(swedish_id: str, partner_id: str, **fields: str) -> Json:
    return {
        "title": "A partnership",
        "principles": ["participation"],
        "swedish_party_id": swedish_id,
        "partner_ids": [partner_id],
        "applied_on": "2019-10-15",
        **fields,
    }


@row("swedish-applicant-eligible", "create_partnership")
async def a_swedish_association_as_the_swedish_party(w: World) -> Attempt:
    association = await w.org("SE", "civil_society", name="Föreningen")
    partner = await w.org()
    body = partnership_body(association["id"], partner["id"])
    return Attempt(
        "POST", PARTNERSHIPS, body, watch=(f"{PARTNERSHIPS}?partner_id={partner['id']}",)
    )


async def company_as_swedish_party(w: World) -> Json:
    company = await w.org("SE", "municipal_company", name="Karlstads Energi AB")
    partner = await w.org()
    await w.post(PARTNERSHIPS, partnership_body(company["id"], partner["id"]))
    return company


@row("swedish-applicant-eligible", "update_organisation")
async def the_swedish_party_re_typed_as_an_association(w: World) -> Attempt:
    company = await company_as_swedish_party(w)
    return Attempt("PATCH", f"{ORGS}/{company['id']}", {"type": "civil_society"})


@row("swedish-applicant-eligible", "delete_organisation")
async def the_swedish_party_deleted(w: World) -> Attempt:
    company = await company_as_swedish_party(w)
    return Attempt("DELETE", f"{ORGS}/{company['id']}", status=409, code=CONFLICT)


@row("partner-country-eligible", "create_partnership")
async def a_partner_in_norway(w: World) -> Attempt:
    norwegian = await w.org("NO", name="Lillestrøm kommune")
    body = partnership_body((await w.ref("1780"))["id"], norwegian["id"])
    return Attempt(
        "POST", PARTNERSHIPS, body, watch=(f"{PARTNERSHIPS}?partner_id={norwegian['id']}",)
    )


@row("partner-country-eligible", "update_organisation")
async def a_partner_moved_to_norway(w: World) -> Attempt:
    p = await w.partnership("KE")
    return Attempt("PATCH", f"{ORGS}/{p['partner_ids'][0]}", {"country_code": "NO"})


@row("partner-country-eligible", "delete_organisation")
async def the_partner_deleted(w: World) -> Attempt:
    p = await w.partnership()
    return Attempt("DELETE", f"{ORGS}/{p['partner_ids'][0]}", status=409, code=CONFLICT)


@row("third-party-in-eu", "create_partnership")
async def a_norwegian_third_party(w: World) -> Attempt:
    norwegian = await w.org("NO", name="Lillestrøm kommune")
    partner = await w.org()
    body = partnership_body(
        (await w.ref("1780"))["id"], partner["id"], third_party_id=norwegian["id"]
    )
    return Attempt(
        "POST", PARTNERSHIPS, body, watch=(f"{PARTNERSHIPS}?partner_id={partner['id']}",)
    )


async def german_third_party(w: World) -> Json:
    german = await w.org("DE", name="Stadt Beispiel")
    await w.partnership(third_party_id=german["id"])
    return german


@row("third-party-in-eu", "update_organisation")
async def the_third_party_moved_to_norway(w: World) -> Attempt:
    german = await german_third_party(w)
    return Attempt("PATCH", f"{ORGS}/{german['id']}", {"country_code": "NO"})


@row("third-party-in-eu", "delete_organisation")
async def the_third_party_deleted(w: World) -> Attempt:
    german = await german_third_party(w)
    return Attempt("DELETE", f"{ORGS}/{german['id']}", status=409, code=CONFLICT)


exempt(
    NEW_ORGANISATION,
    ["swedish-applicant-eligible", "partner-country-eligible", "third-party-in-eu"],
    ["create_organisation"],
)

# project-duration, inception-duration (of phases, applications and grants)

POSTPONED = (
    "a postponement pauses the phase: the time it adds is not counted in its duration "
    "(DOMAIN.md §7, [004])"
)


@row("project-duration", "create_phase")
async def a_project_of_three_years_and_a_day(w: World) -> Attempt:
    p = await w.partnership()
    body = {"kind": "project", "planned_start": "2020-01-01", "planned_end": "2023-01-01"}
    return Attempt("POST", w.url(p, "phases"), body)


@row("project-duration", "extend_phase")
async def a_project_extended_by_more_than_three_years(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.phase(p, "project", "2016-01-01", "2017-12-31")
    return action(w, p, phase, "extend", new_planned_end="2021-12-31")


@row("project-duration", "create_application")
async def a_project_applied_for_four_years(w: World) -> Attempt:
    p = await w.partnership()
    round_ = await w.open_round()
    body = w.project_application(p, round_["id"], planned_end="2031-08-31")
    return Attempt("POST", APPLICATIONS, body, watch=(f"{APPLICATIONS}?partnership_id={p['id']}",))


@row("project-duration", "update_application")
async def a_project_application_lengthened_to_four_years(w: World) -> Attempt:
    p = await w.partnership()
    round_ = await w.open_round()
    draft = await w.post(APPLICATIONS, w.project_application(p, round_["id"]))
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", {"planned_end": "2031-08-31"})


@row("project-duration", "create_grant")
async def a_project_granted_for_four_years(w: World) -> Attempt:
    p = await w.partnership()
    return Attempt(
        "POST",
        GRANTS,
        w.grant_body(p, ends="2023-08-31"),
        watch=(f"{GRANTS}?partnership_id={p['id']}",),
    )


@row("project-duration", "amend_grant")
async def a_project_grant_extended_beyond_three_years(w: World) -> Attempt:
    """A longer project is a new grant of kind extension: refused as rule.amendment."""
    grant = await w.grant()
    body = {
        "kind": "extension",
        "reference": "KP 2021/1",
        "decided_on": "2021-06-01",
        "new_end": "2022-12-31",
    }
    return Attempt(
        "POST",
        f"{GRANTS}/{grant['id']}/amendments",
        body,
        code="rule.amendment",
        watch=(f"{GRANTS}/{grant['id']}",),
    )


exempt(POSTPONED, ["project-duration"], ["postpone_phase"])


@row("inception-duration", "create_phase")
async def an_inception_of_a_year_and_a_day(w: World) -> Attempt:
    p = await w.partnership()
    body = {"kind": "inception", "planned_start": "2020-02-01", "planned_end": "2021-02-01"}
    return Attempt("POST", w.url(p, "phases"), body)


@row("inception-duration", "extend_phase")
async def an_inception_extended_beyond_twelve_months(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.phase(p, "inception", "2020-02-01", "2020-12-31")
    return action(w, p, phase, "extend", new_planned_end="2021-03-31")


@row("inception-duration", "postpone_phase")
async def an_inception_postponed_beyond_twelve_months(w: World) -> Attempt:
    """Reported, as the compliance view does: the pause is allowed (DOMAIN.md §7), an inception
    that runs over its months with it is warned about."""
    p = await w.partnership()
    phase = await w.phase(p, "inception", "2020-02-01", "2021-01-31")
    attempt = action(w, p, phase, "postpone", paused_from="2020-04-01", paused_until="2020-06-30")
    return Attempt(
        attempt.method, attempt.path, attempt.body, partnership_id=p["id"], reported=True
    )


@row("inception-duration", "create_application")
async def an_inception_applied_for_thirteen_months(w: World) -> Attempt:
    p = await w.partnership()
    body = w.inception_application(p, planned_end="2028-03-31")
    return Attempt("POST", APPLICATIONS, body, watch=(f"{APPLICATIONS}?partnership_id={p['id']}",))


@row("inception-duration", "update_application")
async def an_inception_application_lengthened(w: World) -> Attempt:
    draft = await w.application(await w.partnership())
    return Attempt("PATCH", f"{APPLICATIONS}/{draft['id']}", {"planned_end": "2028-03-31"})


def inception_grant(p: Json, **fields: str) -> Json:
    return {
        "partnership_id": p["id"],
        "kind": "inception",
        "reference": "KP 2019/7",
        "decided_on": "2019-06-10",
        "starts": "2019-09-01",
        "ends": "2020-08-31",
        "amount": sek(200000),
        "budget": [line("travel", 1, 150000), line("venue", 1, 50000)],
        **fields,
    }


@row("inception-duration", "create_grant")
async def an_inception_granted_for_thirteen_months(w: World) -> Attempt:
    p = await w.partnership()
    return Attempt(
        "POST",
        GRANTS,
        inception_grant(p, ends="2020-09-30"),
        watch=(f"{GRANTS}?partnership_id={p['id']}",),
    )


@row("inception-duration", "amend_grant")
async def an_inception_grant_extended_beyond_twelve_months(w: World) -> Attempt:
    """Refused as rule.amendment: the extension rule says how long a grant may run."""
    p = await w.partnership()
    grant = await w.post(GRANTS, inception_grant(p, ends="2020-05-31"))
    body = {
        "kind": "extension",
        "reference": "KP 2020/1",
        "decided_on": "2020-05-01",
        "new_end": "2020-09-30",
    }
    return Attempt(
        "POST",
        f"{GRANTS}/{grant['id']}/amendments",
        body,
        code="rule.amendment",
        watch=(f"{GRANTS}/{grant['id']}",),
    )


# phases-do-not-overlap, project-after-inception


@row("phases-do-not-overlap", "create_phase")
async def a_project_over_the_inception(w: World) -> Attempt:
    p = await w.partnership()
    await w.phase(p, "inception", "2020-02-01", "2021-01-31")
    body = {"kind": "project", "planned_start": "2021-01-01", "planned_end": "2022-12-31"}
    return Attempt("POST", w.url(p, "phases"), body)


@row("phases-do-not-overlap", "start_phase")
async def an_inception_started_inside_the_one_before(w: World) -> Attempt:
    p = await w.partnership()
    await w.phase(p, "inception", "2014-01-01", "2014-12-31")
    second = await w.phase(p, "inception", "2015-01-01", "2015-12-31")
    await w.meeting(p, "2015-03-10", "swedish")
    await w.meeting(p, "2015-09-10", "partner")
    return action(w, p, second, "start", actual_start="2014-12-01")


@row("phases-do-not-overlap", "postpone_phase")
async def a_phase_postponed_into_the_next(w: World) -> Attempt:
    p = await w.partnership()
    first = await w.phase(p, "inception", "2014-01-01", "2014-12-31")
    await w.phase(p, "inception", "2015-01-01", "2015-12-31")
    return action(w, p, first, "postpone", paused_from="2014-06-01", paused_until="2014-06-10")


@row("phases-do-not-overlap", "extend_phase")
async def a_project_extended_into_the_next(w: World) -> Attempt:
    p = await w.partnership()
    first = await w.phase(p, "project", "2014-01-01", "2014-12-31")
    await w.phase(p, "project", "2015-01-01", "2015-12-31")
    return action(w, p, first, "extend", new_planned_end="2015-03-31")


@row("phases-do-not-overlap", "complete_phase")
async def an_inception_completed_inside_the_next(w: World) -> Attempt:
    p = await w.partnership()
    first = await w.inception(p, "2014-01-01", "2014-12-31")
    await w.phase(p, "inception", "2015-01-01", "2015-12-31")
    return action(w, p, first, "complete", actual_end="2015-01-15")


exempt(
    "a termination ends the phase before its planned end: a shorter phase overlaps nothing new",
    ["phases-do-not-overlap", "project-after-inception"],
    ["terminate_phase"],
)


@row("project-after-inception", "create_phase")
async def a_project_before_the_inception(w: World) -> Attempt:
    p = await w.partnership()
    await w.phase(p, "inception", "2020-02-01", "2021-01-31")
    body = {"kind": "project", "planned_start": "2018-01-01", "planned_end": "2019-12-31"}
    return Attempt("POST", w.url(p, "phases"), body)


@row("project-after-inception", "start_phase")
async def a_project_started_before_the_inception_ended(w: World) -> Attempt:
    p = await w.partnership()
    await w.phase(p, "inception", "2020-02-01", "2021-01-31")
    project = await w.phase(p, "project", "2021-02-01", "2023-01-31")
    return action(w, p, project, "start", actual_start="2021-02-01")


exempt(
    "an inception that ends later runs into the project after it: refused first as "
    "rule.phases-do-not-overlap (its rows); a project that ends later stays after the inception",
    ["project-after-inception"],
    ["postpone_phase", "extend_phase", "complete_phase"],
)

# postponement-length, extension-later-end, early-termination-date, phase-transition


@row("postponement-length", "postpone_phase")
async def a_pause_that_starts_after_the_phase(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.phase(p, "project", "2016-01-01", "2017-12-31")
    return action(w, p, phase, "postpone", paused_from="2018-02-01", paused_until="2018-03-01")


@row("postponement-length", "amend_grant")
async def a_grant_postponed_by_no_days(w: World) -> Attempt:
    grant = await w.grant()
    body = {
        "kind": "postponement",
        "reference": "KP 2020/88",
        "decided_on": "2020-04-01",
        "days": 0,
    }
    return Attempt(
        "POST", f"{GRANTS}/{grant['id']}/amendments", body, watch=(f"{GRANTS}/{grant['id']}",)
    )


exempt(
    "a new phase or grant has no postponement: its end is as decided (postponed_days 0)",
    ["postponement-length"],
    ["create_phase", "create_grant"],
)
exempt(
    "an extension moves the end by a grant decision, not by a pause",
    ["postponement-length"],
    ["extend_phase"],
)


@row("extension-later-end", "extend_phase")
async def an_extension_that_ends_sooner(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.phase(p, "project", "2016-01-01", "2017-12-31")
    return action(w, p, phase, "extend", new_planned_end="2017-06-30")


exempt("a new phase has not been extended", ["extension-later-end"], ["create_phase"])
exempt(
    "a postponement moves the end later, by its pause of a day or more (postponement-length)",
    ["extension-later-end"],
    ["postpone_phase"],
)


@row("early-termination-date", "terminate_phase")
async def a_termination_after_the_planned_end(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.inception(p)
    return action(w, p, phase, "terminate", effective_date="2017-02-01")


exempt(
    "the phase is not terminated: a new one is planned, a start sets its first day",
    ["early-termination-date"],
    ["create_phase", "start_phase"],
)
exempt(
    "only a planned or an active phase is postponed or extended (phase-transition): never a "
    "terminated one",
    ["early-termination-date"],
    ["postpone_phase", "extend_phase"],
)
exempt(
    "a completion is no termination: it sets the actual end of a phase that ran its course",
    ["early-termination-date"],
    ["complete_phase"],
)


@row("phase-transition", "start_phase")
async def an_active_phase_started_again(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.inception(p)
    return action(w, p, phase, "start", actual_start="2016-02-01")


@row("phase-transition", "terminate_phase")
async def a_planned_phase_terminated(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.phase(p, "inception", "2016-01-01", "2016-12-31")
    return action(w, p, phase, "terminate", effective_date="2016-06-01")


@row("phase-transition", "complete_phase")
async def a_planned_phase_completed(w: World) -> Attempt:
    p = await w.partnership()
    phase = await w.phase(p, "inception", "2016-01-01", "2016-12-31")
    return action(w, p, phase, "complete", actual_end="2016-12-31")


exempt(
    "a new phase is planned, the state every phase starts in",
    ["phase-transition"],
    ["create_phase"],
)

# Groups: steering-group-composition, inception-team, project-group-size (reported);
# member-of-a-party, team-member-kind (refused)

RUNNING = "2016-06-30"  # a day the project (and the inception) of the scenes below runs


@row("steering-group-composition", "update_person")
async def a_majority_politician_goes_into_opposition(w: World) -> Attempt:
    project = await w.project()
    person = project["group"]["swedish-majority"]["person"]
    return Attempt(
        "PATCH",
        f"{PEOPLE}/{person['id']}",
        {"political_side": "opposition"},
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("steering-group-composition", "update_member")
async def a_majority_politician_leaves_the_steering_group(w: World) -> Attempt:
    project = await w.project()
    membership = project["group"]["swedish-majority"]
    return Attempt(
        "PATCH",
        w.url(project, "members", membership["id"]),
        {"end_date": "2016-03-31"},
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("steering-group-composition", "delete_member")
async def a_majority_politician_taken_off_the_steering_group(w: World) -> Attempt:
    project = await w.project()
    membership = project["group"]["partner-majority"]
    return Attempt(
        "DELETE",
        w.url(project, "members", membership["id"]),
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("steering-group-composition", "delete_person")
@row("member-of-a-party", "delete_person")
@row("team-member-kind", "delete_person")
async def a_member_of_the_steering_group_deleted(w: World) -> Attempt:
    p = await w.partnership()
    group = await w.steering_group(p)
    person = group["swedish-majority"]["person"]
    return Attempt(
        "DELETE",
        f"{PEOPLE}/{person['id']}",
        status=409,
        code=CONFLICT,
        reported=False,
        watch=(w.url(p, "members"),),
    )


exempt(
    NEW_PERSON,
    ["steering-group-composition", "inception-team", "project-group-size"],
    ["create_person"],
)
exempt(
    "a new member adds to the group: it takes no politician away",
    ["steering-group-composition", "inception-team"],
    ["create_member"],
)


@row("member-of-a-party", "create_member")
async def someone_of_another_organisation_joins_the_project_group(w: World) -> Attempt:
    p = await w.partnership()
    stranger = await w.person((await w.org("KE"))["id"])
    body = {
        "person_id": stranger["id"],
        "team": "project_group",
        "role": "member",
        "start_date": "2016-01-01",
    }
    return Attempt("POST", w.url(p, "members"), body)


@row("member-of-a-party", "update_person")
async def a_member_moves_to_another_organisation(w: World) -> Attempt:
    p = await w.partnership()
    [membership, *_] = await w.team(p, "project_group", "official", 1, 0)
    elsewhere = await w.org("KE")
    return Attempt(
        "PATCH", f"{PEOPLE}/{membership['person']['id']}", {"organisation_id": elsewhere["id"]}
    )


exempt(NEW_PERSON, ["member-of-a-party", "team-member-kind"], ["create_person"])
exempt(NEW_PARTNERSHIP, ["member-of-a-party"], ["create_partnership"])
exempt(DELETED, ["member-of-a-party", "team-member-kind"], ["delete_member"])


@row("team-member-kind", "create_member")
async def an_official_joins_the_steering_group(w: World) -> Attempt:
    p = await w.partnership()
    official = await w.person(p["swedish_party_id"])
    body = {
        "person_id": official["id"],
        "team": "steering_group",
        "role": "member",
        "start_date": "2016-01-01",
    }
    return Attempt("POST", w.url(p, "members"), body)


@row("team-member-kind", "update_person")
async def a_steering_group_politician_becomes_an_official(w: World) -> Attempt:
    p = await w.partnership()
    group = await w.steering_group(p)
    person = group["swedish-opposition"]["person"]
    body = {"kind": "official", "political_side": None, "party": None}
    return Attempt("PATCH", f"{PEOPLE}/{person['id']}", body, watch=(w.url(p, "members"),))


async def running_inception(w: World) -> tuple[Json, dict[str, Json]]:
    p = await w.partnership()
    team = await w.inception_team(p)
    await w.inception(p)
    return p, team


@row("inception-team", "update_person")
async def an_inception_politician_goes_into_opposition(w: World) -> Attempt:
    p, team = await running_inception(w)
    person = team["partner-majority"]["person"]
    return Attempt(
        "PATCH",
        f"{PEOPLE}/{person['id']}",
        {"political_side": "opposition"},
        partnership_id=p["id"],
        as_of=RUNNING,
    )


@row("inception-team", "update_member")
async def an_inception_politician_leaves(w: World) -> Attempt:
    p, team = await running_inception(w)
    membership = team["swedish-opposition"]
    return Attempt(
        "PATCH",
        w.url(p, "members", membership["id"]),
        {"end_date": "2016-02-29"},
        partnership_id=p["id"],
        as_of=RUNNING,
    )


@row("inception-team", "delete_member")
async def an_inception_politician_taken_off(w: World) -> Attempt:
    p, team = await running_inception(w)
    membership = team["swedish-majority"]
    return Attempt(
        "DELETE", w.url(p, "members", membership["id"]), partnership_id=p["id"], as_of=RUNNING
    )


@row("inception-team", "delete_person")
async def an_inception_politician_deleted(w: World) -> Attempt:
    p = await w.partnership()
    team = await w.inception_team(p)
    person = team["partner-opposition"]["person"]
    return Attempt("DELETE", f"{PEOPLE}/{person['id']}", status=409, code=CONFLICT, reported=False)


async def project_with_groups(w: World, swedish: int = 3) -> tuple[Json, list[Json]]:
    project = await w.project()
    group = await w.team(project, "project_group", "official", swedish, 3)
    return project, group


@row("project-group-size", "create_member")
async def a_sixth_official_joins_the_project_group(w: World) -> Attempt:
    project, _ = await project_with_groups(w, swedish=5)
    official = await w.person(project["swedish_party_id"], given_name="Sixth")
    body = {
        "person_id": official["id"],
        "team": "project_group",
        "role": "member",
        "start_date": "2015-12-01",
    }
    return Attempt(
        "POST", w.url(project, "members"), body, partnership_id=project["id"], as_of=RUNNING
    )


@row("project-group-size", "update_member")
async def an_official_leaves_the_project_group(w: World) -> Attempt:
    project, group = await project_with_groups(w)
    return Attempt(
        "PATCH",
        w.url(project, "members", group[0]["id"]),
        {"end_date": "2016-03-31"},
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("project-group-size", "delete_member")
async def an_official_taken_off_the_project_group(w: World) -> Attempt:
    project, group = await project_with_groups(w)
    return Attempt(
        "DELETE",
        w.url(project, "members", group[-1]["id"]),
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("project-group-size", "update_person")
async def a_swedish_official_moves_to_the_partner(w: World) -> Attempt:
    project, group = await project_with_groups(w)
    return Attempt(
        "PATCH",
        f"{PEOPLE}/{group[0]['person']['id']}",
        {"organisation_id": project["partner_ids"][0]},
        partnership_id=project["id"],
        as_of=RUNNING,
    )


@row("project-group-size", "delete_person")
async def a_project_group_official_deleted(w: World) -> Attempt:
    p = await w.partnership()
    [membership] = await w.team(p, "project_group", "official", 1, 0)
    return Attempt(
        "DELETE",
        f"{PEOPLE}/{membership['person']['id']}",
        status=409,
        code=CONFLICT,
        reported=False,
    )


# Documents: signed-only-letter-of-intent (refused), letter-of-intent (reported)


@row("signed-only-letter-of-intent", "create_document")
async def a_report_signed_by_the_swedish_side(w: World) -> Attempt:
    p = await w.partnership()
    body = {"kind": "report", "title": "Annual report", "swedish_signed_on": "2016-01-10"}
    return Attempt("POST", w.url(p, "documents"), body)


@row("signed-only-letter-of-intent", "update_document")
async def a_report_given_a_partner_signature(w: World) -> Attempt:
    p = await w.partnership()
    document = await w.document(p)
    return Attempt(
        "PATCH", w.url(p, "documents", document["id"]), {"partner_signed_on": "2016-01-10"}
    )


exempt(DELETED, ["signed-only-letter-of-intent"], ["delete_document"])


@row("letter-of-intent", "create_phase")
async def a_project_planned_without_a_letter_of_intent(w: World) -> Attempt:
    p = await w.partnership()
    body = {"kind": "project", "planned_start": "2016-01-01", "planned_end": "2017-12-31"}
    return Attempt("POST", w.url(p, "phases"), body, partnership_id=p["id"])


async def project_with_a_letter(w: World) -> tuple[Json, Json]:
    p = await w.partnership()
    letter = await w.letter(p)
    await w.phase(p, "project", "2016-01-01", "2017-12-31")
    return p, letter


@row("letter-of-intent", "update_document")
async def the_partners_signature_taken_off_the_letter(w: World) -> Attempt:
    p, letter = await project_with_a_letter(w)
    return Attempt(
        "PATCH",
        w.url(p, "documents", letter["id"]),
        {"partner_signed_on": None},
        partnership_id=p["id"],
    )


@row("letter-of-intent", "delete_document")
async def the_letter_of_intent_deleted(w: World) -> Attempt:
    p, letter = await project_with_a_letter(w)
    return Attempt("DELETE", w.url(p, "documents", letter["id"]), partnership_id=p["id"])


exempt(
    "a new document adds to the file: it takes no signed letter away",
    ["letter-of-intent"],
    ["create_document"],
)
