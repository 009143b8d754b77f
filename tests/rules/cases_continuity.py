"""Matrix rows of election continuity (app/rules/continuity.py, and the reference rules an
election and a politician's mandate are held to; docs/continuity.md)."""

from tests.rules.cases_reference import DELETED
from tests.rules.matrix import Attempt, exempt, row
from tests.rules.world import Json, World

ELECTIONS, ORGS, PEOPLE = "/api/v1/elections", "/api/v1/organisations", "/api/v1/people"
NOBODY = "00000000-0000-4000-8000-000000000000"
SOURCE = "Electoral commission notice"


def election(country: str = "ZM", **fields: str) -> Json:
    return {
        "country_code": country,
        "level": "municipal",
        "held_on": "2031-08-14",
        "source": SOURCE,
        **fields,
    }


async def entered(w: World, **fields: str) -> Json:
    return await w.post(ELECTIONS, election(**fields))


# official-has-no-mandate


@row("official-has-no-mandate", "create_person")
async def an_official_with_a_mandate(w: World) -> Attempt:
    org = await w.org()
    body = {
        "organisation_id": org["id"],
        "kind": "official",
        "given_name": "A",
        "family_name": "B",
        "mandate_ends": "2026-09-13",
    }
    return Attempt("POST", PEOPLE, body, watch=(f"{PEOPLE}?organisation_id={org['id']}",))


@row("official-has-no-mandate", "update_person")
async def a_politician_with_a_mandate_turned_official(w: World) -> Attempt:
    person = await w.person(
        (await w.org())["id"], "politician", "majority", mandate_ends="2026-09-13"
    )
    return Attempt(
        "PATCH", f"{PEOPLE}/{person['id']}", {"kind": "official", "political_side": None}
    )


exempt(DELETED, ["official-has-no-mandate"], ["delete_person"])

# election-organisation-country


@row("election-organisation-country", "create_election")
async def a_zambian_councils_own_election_in_kenya(w: World) -> Attempt:
    org = await w.org("ZM")
    return Attempt("POST", ELECTIONS, election("KE", organisation_id=org["id"]))


@row("election-organisation-country", "update_election")
async def an_own_election_moved_to_another_country(w: World) -> Attempt:
    org = await w.org("ZM")
    own = await entered(w, organisation_id=org["id"])
    return Attempt("PATCH", f"{ELECTIONS}/{own['id']}", {"country_code": "KE"})


@row("election-organisation-country", "update_organisation")
async def a_council_with_its_own_election_moved_to_another_country(w: World) -> Attempt:
    org = await w.org("ZM")
    await entered(w, organisation_id=org["id"])
    return Attempt(
        "PATCH",
        f"{ORGS}/{org['id']}",
        {"country_code": "KE"},
        watch=(f"{ELECTIONS}?organisation_id={org['id']}",),
    )


exempt(
    "a new organisation has no election of its own yet",
    ["election-organisation-country"],
    ["create_organisation"],
)
exempt(DELETED, ["election-organisation-country"], ["delete_election", "delete_organisation"])

# unknown-country, unknown-organisation (an election's country and organisation)


@row("unknown-country", "create_election")
async def an_election_in_no_country(w: World) -> Attempt:
    return Attempt("POST", ELECTIONS, election("XX"))


@row("unknown-country", "update_election")
async def an_election_moved_to_no_country(w: World) -> Attempt:
    made = await entered(w)
    return Attempt("PATCH", f"{ELECTIONS}/{made['id']}", {"country_code": "XX"})


@row("unknown-organisation", "create_election")
async def an_election_of_no_organisation(w: World) -> Attempt:
    return Attempt("POST", ELECTIONS, election(organisation_id=NOBODY))


@row("unknown-organisation", "update_election")
async def an_election_given_to_no_organisation(w: World) -> Attempt:
    made = await entered(w)
    return Attempt("PATCH", f"{ELECTIONS}/{made['id']}", {"organisation_id": NOBODY})


exempt(DELETED, ["unknown-country", "unknown-organisation"], ["delete_election"])
