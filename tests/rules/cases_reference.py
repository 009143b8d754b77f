"""Matrix rows of the reference data's rules (app/rules/reference.py) and access control's
(app/rules/access.py): countries, organisations, people, API keys."""

from tests.rules.matrix import CONFLICT, Attempt, exempt, row
from tests.rules.world import World

ORGS, PEOPLE, KEYS = "/api/v1/organisations", "/api/v1/people", "/api/v1/api-keys"
NOBODY = "00000000-0000-4000-8000-000000000000"
SWEDISH_ORG_NUMBER = "556000-1231"

DELETED = "DELETE removes the row: what is left holds no value the rule could refuse"

# swedish-reference-organisation


@row("swedish-reference-organisation", "create_organisation")
async def a_swedish_municipality_created(w: World) -> Attempt:
    body = {"type": "municipality", "country_code": "SE", "name": "Nya kommunen"}
    return Attempt("POST", ORGS, body, watch=(f"{ORGS}?q=Nya+kommunen",))


@row("swedish-reference-organisation", "update_organisation")
async def a_swedish_company_re_typed_as_a_municipality(w: World) -> Attempt:
    company = await w.org("SE", "municipal_company", name="Karlstads Energi AB")
    return Attempt("PATCH", f"{ORGS}/{company['id']}", {"type": "municipality"})


exempt(DELETED, ["swedish-reference-organisation"], ["delete_organisation"])

# reference-organisation-fixed


@row("reference-organisation-fixed", "update_organisation")
async def a_reference_municipality_renamed(w: World) -> Attempt:
    karlstad = await w.ref("1780")
    return Attempt("PATCH", f"{ORGS}/{karlstad['id']}", {"name": "Karlstad stad"})


@row("reference-organisation-fixed", "delete_organisation")
async def a_reference_municipality_deleted(w: World) -> Attempt:
    karlstad = await w.ref("1780")
    return Attempt("DELETE", f"{ORGS}/{karlstad['id']}", status=409, code=CONFLICT)


exempt(
    "a created organisation is never reference data (is_reference is no field of the request)",
    ["reference-organisation-fixed"],
    ["create_organisation"],
)

# organisation-number-swedish-only


@row("organisation-number-swedish-only", "create_organisation")
async def a_zambian_council_with_an_organisation_number(w: World) -> Attempt:
    body = {
        "type": "municipality",
        "country_code": "ZM",
        "name": "Kitwe City Council",
        "org_number": SWEDISH_ORG_NUMBER,
    }
    return Attempt("POST", ORGS, body, watch=(f"{ORGS}?country=ZM",))


@row("organisation-number-swedish-only", "update_organisation")
async def a_swedish_company_with_its_number_moved_abroad(w: World) -> Attempt:
    company = await w.org(
        "SE", "municipal_company", name="Karlstads Energi AB", org_number=SWEDISH_ORG_NUMBER
    )
    return Attempt("PATCH", f"{ORGS}/{company['id']}", {"country_code": "NO"})


exempt(DELETED, ["organisation-number-swedish-only"], ["delete_organisation"])

# unknown-country (programmes, study visits, networks and workshops too)


@row("unknown-country", "create_organisation")
async def an_organisation_in_no_country(w: World) -> Attempt:
    body = {"type": "municipality", "country_code": "XX", "name": "Nowhere"}
    return Attempt("POST", ORGS, body)


@row("unknown-country", "update_organisation")
async def an_organisation_moved_to_no_country(w: World) -> Attempt:
    partner = await w.org("ZM")
    return Attempt("PATCH", f"{ORGS}/{partner['id']}", {"country_code": "XX"})


@row("unknown-country", "create_training_programme")
async def a_programme_segment_in_no_country(w: World) -> Attempt:
    lead = await w.org("SE", "government_agency", name="Arbetsförmedlingen")
    body = {
        "title": "A programme",
        "funder": "Sida",
        "starts": "2019-01-01",
        "ends": "2020-12-31",
        "implementers": [{"organisation_id": lead["id"], "role": "lead"}],
        "segments": [{"country_code": "XX", "weeks": 2}],
    }
    return Attempt("POST", "/api/v1/training-programmes", body)


@row("unknown-country", "update_training_programme")
async def a_programme_for_people_of_no_country(w: World) -> Attempt:
    programme = await w.programme()
    body = {"participant_countries": [{"country_code": "XX"}]}
    return Attempt("PATCH", f"/api/v1/training-programmes/{programme['id']}", body)


@row("unknown-country", "create_study_visit")
async def a_visit_from_no_country(w: World) -> Attempt:
    host = await w.ref("0139")
    body = {
        "visit_on": "2019-09-24",
        "host_organisation_id": host["id"],
        "visiting_countries": ["XX"],
    }
    return Attempt("POST", "/api/v1/study-visits", body)


@row("unknown-country", "update_study_visit")
async def a_visit_changed_to_come_from_no_country(w: World) -> Attempt:
    visit = await w.visit()
    return Attempt("PATCH", f"/api/v1/study-visits/{visit['id']}", {"visiting_countries": ["XX"]})


@row("unknown-country", "create_network")
async def a_network_of_no_country(w: World) -> Attempt:
    body = {
        "title": "A network",
        "theme": "gender equality",
        "country_codes": ["SE", "XX"],
        "starts": "2024-01-01",
        "ends": "2026-12-31",
    }
    return Attempt("POST", "/api/v1/networks", body)


@row("unknown-country", "update_network")
async def a_network_widened_to_no_country(w: World) -> Attempt:
    network = await w.network()
    return Attempt("PATCH", f"/api/v1/networks/{network['id']}", {"country_codes": ["SE", "XX"]})


@row("unknown-country", "create_workshop")
async def a_workshop_in_no_country(w: World) -> Attempt:
    host = await w.ref("0761")
    body = {
        "title": "A workshop",
        "host_organisation_id": host["id"],
        "country_code": "XX",
        "city": "Nowhere",
        "starts": "2024-06-03",
        "ends": "2024-06-07",
    }
    return Attempt("POST", "/api/v1/workshops", body)


@row("unknown-country", "update_workshop")
async def a_workshop_moved_to_no_country(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    workshop = await w.workshop(lessebo, [lessebo["id"]])
    return Attempt("PATCH", f"/api/v1/workshops/{workshop['id']}", {"country_code": "XX"})


exempt(DELETED, ["unknown-country"], ["delete_organisation", "delete_study_visit"])

# unknown-organisation


@row("unknown-organisation", "create_person")
async def a_person_of_no_organisation(w: World) -> Attempt:
    body = {"organisation_id": NOBODY, "kind": "official", "given_name": "A", "family_name": "B"}
    return Attempt("POST", PEOPLE, body, watch=(f"{PEOPLE}?organisation_id={NOBODY}",))


@row("unknown-organisation", "update_person")
async def a_person_moved_to_no_organisation(w: World) -> Attempt:
    person = await w.person((await w.org())["id"])
    return Attempt("PATCH", f"{PEOPLE}/{person['id']}", {"organisation_id": NOBODY})


@row("unknown-organisation", "create_partnership")
async def a_partnership_with_no_partner(w: World) -> Attempt:
    body = {
        "title": "Karlstad - nobody",
        "principles": ["participation"],
        "swedish_party_id": (await w.ref("1780"))["id"],
        "partner_ids": [NOBODY],
        "applied_on": "2019-10-15",
    }
    return Attempt("POST", "/api/v1/partnerships", body)


@row("unknown-organisation", "create_training_programme")
async def a_programme_led_by_no_organisation(w: World) -> Attempt:
    body = {
        "title": "A programme",
        "funder": "Sida",
        "starts": "2019-01-01",
        "ends": "2020-12-31",
        "implementers": [{"organisation_id": NOBODY, "role": "lead"}],
    }
    return Attempt("POST", "/api/v1/training-programmes", body)


@row("unknown-organisation", "create_study_visit")
async def a_visit_to_no_organisation(w: World) -> Attempt:
    body = {"visit_on": "2019-09-24", "host_organisation_id": NOBODY}
    return Attempt("POST", "/api/v1/study-visits", body)


@row("unknown-organisation", "update_study_visit")
async def a_visit_moved_to_no_organisation(w: World) -> Attempt:
    visit = await w.visit()
    return Attempt("PATCH", f"/api/v1/study-visits/{visit['id']}", {"host_organisation_id": NOBODY})


@row("unknown-organisation", "add_network_member")
async def no_organisation_joins_a_network(w: World) -> Attempt:
    network = await w.network()
    body = {"organisation_id": NOBODY, "joined_on": "2024-02-01"}
    return Attempt("POST", f"/api/v1/networks/{network['id']}/members", body)


@row("unknown-organisation", "create_workshop")
async def a_workshop_hosted_by_no_organisation(w: World) -> Attempt:
    body = {
        "title": "A workshop",
        "host_organisation_id": NOBODY,
        "country_code": "SE",
        "city": "Lessebo",
        "starts": "2024-06-03",
        "ends": "2024-06-07",
    }
    return Attempt("POST", "/api/v1/workshops", body)


@row("unknown-organisation", "create_workshop")
async def a_workshop_of_no_organisation(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    body = {
        "title": "A workshop",
        "host_organisation_id": lessebo["id"],
        "country_code": "SE",
        "city": "Lessebo",
        "starts": "2024-06-03",
        "ends": "2024-06-07",
        "organisation_ids": [lessebo["id"], NOBODY],
    }
    return Attempt("POST", "/api/v1/workshops", body)


@row("unknown-organisation", "update_workshop")
async def a_workshop_opened_to_no_organisation(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    workshop = await w.workshop(lessebo, [lessebo["id"]])
    body = {"organisation_ids": [lessebo["id"], NOBODY]}
    return Attempt("PATCH", f"/api/v1/workshops/{workshop['id']}", body)


@row("unknown-organisation", "create_network")
async def a_network_coordinated_by_no_organisation(w: World) -> Attempt:
    body = {
        "title": "A network",
        "theme": "gender equality",
        "country_codes": ["SE"],
        "starts": "2024-01-01",
        "ends": "2026-12-31",
        "coordinator_id": NOBODY,
    }
    return Attempt("POST", "/api/v1/networks", body)


@row("unknown-organisation", "update_network")
async def a_network_handed_to_no_coordinator(w: World) -> Attempt:
    network = await w.network()
    return Attempt("PATCH", f"/api/v1/networks/{network['id']}", {"coordinator_id": NOBODY})


@row("unknown-organisation", "create_api_key")
async def a_key_for_no_organisation(w: World) -> Attempt:
    body = {"name": "Intranet", "role": "coordinator", "organisation_ids": [NOBODY]}
    return Attempt("POST", KEYS, body)


@row("unknown-organisation", "delete_organisation")
async def an_organisation_a_workshop_names_deleted(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    guest = await w.org("GT", name="Municipalidad de Ejemplo")
    workshop = await w.workshop(lessebo, [lessebo["id"], guest["id"]])
    return Attempt(
        "DELETE",
        f"{ORGS}/{guest['id']}",
        status=409,
        code=CONFLICT,
        watch=(f"/api/v1/workshops/{workshop['id']}",),
    )


@row("unknown-organisation", "delete_organisation")
async def an_organisation_a_key_acts_for_deleted(w: World) -> Attempt:
    partner = await w.org()
    body = {"name": "Intranet", "role": "viewer", "organisation_ids": [partner["id"]]}
    key = await w.post(KEYS, body)
    return Attempt(
        "DELETE",
        f"{ORGS}/{partner['id']}",
        status=409,
        code=CONFLICT,
        watch=(f"{KEYS}/{key['id']}",),
    )


@row("unknown-organisation", "delete_organisation")
async def a_partner_deleted(w: World) -> Attempt:
    p = await w.partnership()
    return Attempt("DELETE", f"{ORGS}/{p['partner_ids'][0]}", status=409, code=CONFLICT)


exempt(
    "a created organisation exists: it is what the others name",
    ["unknown-organisation"],
    ["create_organisation"],
)
exempt(DELETED, ["unknown-organisation"], ["delete_person", "delete_study_visit"])

# politician-political-side, official-has-no-party


@row("politician-political-side", "create_person")
async def a_politician_of_no_side(w: World) -> Attempt:
    org = await w.org()
    body = {
        "organisation_id": org["id"],
        "kind": "politician",
        "given_name": "A",
        "family_name": "B",
    }
    return Attempt("POST", PEOPLE, body, watch=(f"{PEOPLE}?organisation_id={org['id']}",))


@row("politician-political-side", "update_person")
async def an_official_turned_politician_of_no_side(w: World) -> Attempt:
    person = await w.person((await w.org())["id"])
    return Attempt("PATCH", f"{PEOPLE}/{person['id']}", {"kind": "politician"})


@row("official-has-no-party", "create_person")
async def an_official_of_a_party(w: World) -> Attempt:
    org = await w.org()
    body = {
        "organisation_id": org["id"],
        "kind": "official",
        "given_name": "A",
        "family_name": "B",
        "party": "S",
    }
    return Attempt("POST", PEOPLE, body, watch=(f"{PEOPLE}?organisation_id={org['id']}",))


@row("official-has-no-party", "update_person")
async def a_politician_turned_official_keeping_the_party(w: World) -> Attempt:
    person = await w.person((await w.org())["id"], "politician", "majority", party="S")
    return Attempt("PATCH", f"{PEOPLE}/{person['id']}", {"kind": "official"})


exempt(DELETED, ["politician-political-side", "official-has-no-party"], ["delete_person"])
exempt(
    "erasure clears the party and keeps the kind and political side: it sets no party",
    ["official-has-no-party"],
    ["erase_person"],
)

# scoped-role-needs-organisations


@row("scoped-role-needs-organisations", "create_api_key")
async def a_coordinators_key_for_no_organisation(w: World) -> Attempt:
    return Attempt("POST", KEYS, {"name": "Intranet", "role": "coordinator"})
