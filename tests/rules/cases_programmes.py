"""Matrix rows of the training programmes' and study visits' rules (app/rules/programmes.py)."""

from tests.rules.matrix import CONFLICT, Attempt, exempt, row
from tests.rules.world import Json, World

PROGRAMMES, VISITS, PEOPLE = "/api/v1/training-programmes", "/api/v1/study-visits", "/api/v1/people"
NOBODY = "00000000-0000-4000-8000-000000000000"
DELETED = "DELETE removes the visit: what is left holds no value the rule could refuse"
NEW_PROGRAMME = "a new programme has no study visits yet"


async def programme_body(w: World, **fields: object) -> Json:
    lead = await w.org("SE", "government_agency", name="Arbetsförmedlingen")
    return {
        "title": "A programme",
        "funder": "Sida",
        "starts": "2019-01-01",
        "ends": "2020-12-31",
        "implementers": [{"organisation_id": lead["id"], "role": "lead"}],
        **fields,
    }


async def programme_visit(w: World) -> tuple[Json, Json]:
    """ITP 322 and its study visit of people from Kenya and Zambia."""
    programme = await w.programme()
    visit = await w.visit(programme_id=programme["id"], visiting_countries=["KE", "ZM"])
    return programme, visit


# programme-period, programme-lead, one-entry-per-country


@row("programme-period", "create_training_programme")
async def a_programme_that_ends_before_it_starts(w: World) -> Attempt:
    body = await programme_body(w, ends="2018-12-31")
    return Attempt("POST", PROGRAMMES, body)


@row("programme-period", "update_training_programme")
async def a_programme_made_to_end_before_it_starts(w: World) -> Attempt:
    programme = await w.programme()
    return Attempt("PATCH", f"{PROGRAMMES}/{programme['id']}", {"ends": "2018-12-31"})


@row("programme-lead", "create_training_programme")
async def a_programme_of_two_leads(w: World) -> Attempt:
    body = await programme_body(w)
    other = await w.org("ZA", "research_institute", name="EPRI")
    body["implementers"].append({"organisation_id": other["id"], "role": "lead"})
    return Attempt("POST", PROGRAMMES, body)


@row("one-entry-per-country", "create_training_programme")
async def a_programme_with_sweden_twice_among_its_segments(w: World) -> Attempt:
    segments = [{"country_code": "SE", "weeks": 2}, {"country_code": "SE", "weeks": 1}]
    return Attempt("POST", PROGRAMMES, await programme_body(w, segments=segments))


@row("one-entry-per-country", "update_training_programme")
async def a_programme_given_kenya_twice(w: World) -> Attempt:
    programme = await w.programme()
    body = {"participant_countries": [{"country_code": "KE"}, {"country_code": "KE"}]}
    return Attempt("PATCH", f"{PROGRAMMES}/{programme['id']}", body)


# visit-within-programme, visiting-countries-take-part, visit-from-one-source, unknown-programme


@row("visit-within-programme", "update_training_programme")
async def a_programme_moved_after_its_visit(w: World) -> Attempt:
    programme, visit = await programme_visit(w)
    return Attempt(
        "PATCH",
        f"{PROGRAMMES}/{programme['id']}",
        {"starts": "2020-01-01"},
        watch=(f"{VISITS}/{visit['id']}",),
    )


@row("visit-within-programme", "create_study_visit")
async def a_programme_visit_after_the_programme(w: World) -> Attempt:
    programme = await w.programme()
    host = await w.ref("0139")
    body = {
        "visit_on": "2021-05-04",
        "host_organisation_id": host["id"],
        "programme_id": programme["id"],
    }
    return Attempt("POST", VISITS, body, watch=(f"{VISITS}?programme_id={programme['id']}",))


@row("visit-within-programme", "update_study_visit")
async def a_programme_visit_moved_after_the_programme(w: World) -> Attempt:
    _, visit = await programme_visit(w)
    return Attempt("PATCH", f"{VISITS}/{visit['id']}", {"visit_on": "2021-05-04"})


@row("visiting-countries-take-part", "update_training_programme")
async def a_programme_that_drops_a_visiting_country(w: World) -> Attempt:
    programme, visit = await programme_visit(w)
    body = {"participant_countries": [{"country_code": c} for c in ("ET", "TZ", "UG", "ZM")]}
    return Attempt(
        "PATCH", f"{PROGRAMMES}/{programme['id']}", body, watch=(f"{VISITS}/{visit['id']}",)
    )


@row("visiting-countries-take-part", "create_study_visit")
async def a_programme_visit_from_norway(w: World) -> Attempt:
    programme = await w.programme()
    host = await w.ref("0139")
    body = {
        "visit_on": "2019-09-24",
        "host_organisation_id": host["id"],
        "programme_id": programme["id"],
        "visiting_countries": ["NO"],
    }
    return Attempt("POST", VISITS, body, watch=(f"{VISITS}?programme_id={programme['id']}",))


@row("visiting-countries-take-part", "update_study_visit")
async def a_programme_visit_said_to_come_from_norway(w: World) -> Attempt:
    _, visit = await programme_visit(w)
    return Attempt("PATCH", f"{VISITS}/{visit['id']}", {"visiting_countries": ["KE", "NO"]})


exempt(
    NEW_PROGRAMME,
    ["visit-within-programme", "visiting-countries-take-part", "unknown-programme"],
    ["create_training_programme"],
)


@row("visit-from-one-source", "create_study_visit")
async def a_visit_of_a_programme_and_a_partnership(w: World) -> Attempt:
    programme = await w.programme()
    p = await w.partnership()
    host = await w.ref("0139")
    body = {
        "visit_on": "2019-09-24",
        "host_organisation_id": host["id"],
        "programme_id": programme["id"],
        "partnership_id": p["id"],
    }
    return Attempt("POST", VISITS, body, watch=(f"{VISITS}?programme_id={programme['id']}",))


@row("visit-from-one-source", "update_study_visit")
async def a_programme_visit_given_a_partnership_too(w: World) -> Attempt:
    _, visit = await programme_visit(w)
    p = await w.partnership()
    return Attempt("PATCH", f"{VISITS}/{visit['id']}", {"partnership_id": p["id"]})


@row("unknown-programme", "create_study_visit")
async def a_visit_of_no_programme(w: World) -> Attempt:
    host = await w.ref("0139")
    body = {"visit_on": "2019-09-24", "host_organisation_id": host["id"], "programme_id": NOBODY}
    return Attempt("POST", VISITS, body)


@row("unknown-programme", "update_study_visit")
async def a_visit_moved_to_no_programme(w: World) -> Attempt:
    visit = await w.visit()
    return Attempt("PATCH", f"{VISITS}/{visit['id']}", {"programme_id": NOBODY})


exempt(
    DELETED,
    [
        "visit-within-programme",
        "visiting-countries-take-part",
        "visit-from-one-source",
        "unknown-programme",
        "contacts-of-the-host",
    ],
    ["delete_study_visit"],
)

# contacts-of-the-host


async def visit_with_a_contact(w: World) -> tuple[Json, Json]:
    """A study visit to Upplands-Bro with one of its officials as the contact."""
    host = await w.ref("0139")
    contact = await w.person(host["id"])
    visit = await w.visit(contact_ids=[contact["id"]])
    return visit, contact


@row("contacts-of-the-host", "create_study_visit")
async def a_visit_whose_contact_works_elsewhere(w: World) -> Attempt:
    host = await w.ref("0139")
    stranger = await w.person((await w.ref("1780"))["id"])
    body = {
        "visit_on": "2019-09-24",
        "host_organisation_id": host["id"],
        "contact_ids": [stranger["id"]],
    }
    return Attempt("POST", VISITS, body, watch=(f"{VISITS}?host_organisation_id={host['id']}",))


@row("contacts-of-the-host", "update_study_visit")
async def a_visit_moved_to_another_host_keeping_its_contact(w: World) -> Attempt:
    visit, _ = await visit_with_a_contact(w)
    karlstad = await w.ref("1780")
    return Attempt("PATCH", f"{VISITS}/{visit['id']}", {"host_organisation_id": karlstad["id"]})


@row("contacts-of-the-host", "update_person")
async def a_contact_moves_to_another_organisation(w: World) -> Attempt:
    visit, contact = await visit_with_a_contact(w)
    karlstad = await w.ref("1780")
    return Attempt(
        "PATCH",
        f"{PEOPLE}/{contact['id']}",
        {"organisation_id": karlstad["id"]},
        watch=(f"{VISITS}/{visit['id']}",),
    )


@row("contacts-of-the-host", "delete_person")
async def a_contact_deleted(w: World) -> Attempt:
    visit, contact = await visit_with_a_contact(w)
    return Attempt(
        "DELETE",
        f"{PEOPLE}/{contact['id']}",
        status=409,
        code=CONFLICT,
        watch=(f"{VISITS}/{visit['id']}",),
    )


exempt("a new person is no visit's contact", ["contacts-of-the-host"], ["create_person"])
