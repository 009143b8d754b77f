"""Matrix rows of partner search (app/rules/partner_interests.py, and the parties' rules a
declaration of interest and a match are held to)."""

from typing import Any

from tests.rules.matrix import Attempt, exempt, row
from tests.rules.world import Json, World

INTERESTS, PARTNERSHIPS = "/api/v1/partner-interests", "/api/v1/partnerships"
NOBODY = "00000000-0000-4000-8000-000000000000"
ANY_VERSION = {"If-Match": "*"}
MATCH = "create_partnership_from_match"


def declaration(organisation_id: str, **fields: Any) -> Json:
    return {
        "organisation_id": organisation_id,
        "themes": ["gender equality"],
        "principles": ["equality_non_discrimination"],
        "local_challenge": "Few women in the municipal council.",
        "earliest_start": "2026-03-01",
        **fields,
    }


async def declared(w: World, organisation_id: str, **fields: Any) -> Json:
    return await w.post(INTERESTS, declaration(organisation_id, **fields))


async def pair(w: World, **partner_fields: Any) -> tuple[Json, Json]:
    """An open declaration of Lessebo and one of a Guatemalan municipality."""
    swedish = await declared(w, (await w.ref("0761"))["id"], countries=["GT"])
    guatemalan = await w.org("GT", name="Municipalidad de Ejemplo")
    return swedish, await declared(w, guatemalan["id"], **partner_fields)


def match(swedish: Json, partner: Json, body: Json | None = None) -> Attempt:
    """The match made into a partnership, watching both declarations and the partner's
    partnerships."""
    return Attempt(
        "POST",
        f"{INTERESTS}/{swedish['id']}/matches/{partner['id']}/partnership",
        body,
        watch=(
            f"{INTERESTS}/{swedish['id']}",
            f"{INTERESTS}/{partner['id']}",
            f"{PARTNERSHIPS}?partner_id={partner['organisation_id']}",
        ),
    )


def url(interest: Json, *parts: str) -> str:
    return "/".join([INTERESTS, interest["id"], *parts])


# Who may declare: the parties' rules


@row("swedish-applicant-eligible", "create_partner_interest")
async def a_swedish_agency_declares(w: World) -> Attempt:
    agency = await w.org("SE", "government_agency", name="Myndigheten")
    return Attempt("POST", INTERESTS, declaration(agency["id"]))


@row("partner-country-eligible", "create_partner_interest")
async def a_norwegian_municipality_declares(w: World) -> Attempt:
    norwegian = await w.org("NO", name="Lillestrøm kommune")
    return Attempt("POST", INTERESTS, declaration(norwegian["id"]))


@row("partner-country-eligible", "update_partner_interest")
async def a_guatemalan_declaration_moved_to_start_before_2023(w: World) -> Attempt:
    guatemalan = await w.org("GT", name="Municipalidad de Ejemplo")
    interest = await declared(w, guatemalan["id"])
    return Attempt("PATCH", url(interest), {"earliest_start": "2020-01-01"})


@row("partner-country-eligible", MATCH)
async def a_match_applied_for_before_the_partner_country_was_one(w: World) -> Attempt:
    swedish, partner = await pair(w)
    return match(swedish, partner, {"applied_on": "2020-01-01"})


exempt(
    "the declaration's organisation was judged when it declared, and on every change of its "
    "country or type while the declaration is open (only an open one is matched)",
    ["swedish-applicant-eligible"],
    [MATCH],
)


# partner-interest-countries


@row("partner-interest-countries", "create_partner_interest")
async def a_swedish_declaration_names_norway(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    return Attempt("POST", INTERESTS, declaration(lessebo["id"], countries=["GT", "NO"]))


@row("partner-interest-countries", "update_partner_interest")
async def a_partner_side_declaration_given_countries(w: World) -> Attempt:
    guatemalan = await w.org("GT", name="Municipalidad de Ejemplo")
    interest = await declared(w, guatemalan["id"])
    return Attempt("PATCH", url(interest), {"funding_regions": ["latin_america"]})


# partner-interest-closed


async def withdrawn(w: World) -> Json:
    guatemalan = await w.org("GT", name="Municipalidad de Ejemplo")
    interest = await declared(w, guatemalan["id"])
    await w.client.post(url(interest, "withdraw"), headers=ANY_VERSION)
    return interest


@row("partner-interest-closed", "withdraw_partner_interest")
async def a_withdrawn_declaration_withdrawn_again(w: World) -> Attempt:
    interest = await withdrawn(w)
    return Attempt("POST", url(interest, "withdraw"), headers=ANY_VERSION)


@row("partner-interest-closed", "renew_partner_interest")
async def a_withdrawn_declaration_renewed(w: World) -> Attempt:
    interest = await withdrawn(w)
    return Attempt("POST", url(interest, "renew"), headers=ANY_VERSION)


@row("partner-interest-closed", "update_partner_interest")
async def a_withdrawn_declaration_changed(w: World) -> Attempt:
    interest = await withdrawn(w)
    return Attempt("PATCH", url(interest), {"listed": True})


@row("partner-interest-closed", MATCH)
async def a_matched_declaration_matched_again(w: World) -> Attempt:
    swedish, partner = await pair(w)
    await w.post(match(swedish, partner).path)
    other = await declared(w, (await w.org("CO", name="Alcaldía de Ejemplo"))["id"])
    return match(swedish, other)


exempt("a new declaration is open", ["partner-interest-closed"], ["create_partner_interest"])


# partner-interest-match


@row("partner-interest-match", MATCH)
async def two_swedish_declarations_matched(w: World) -> Attempt:
    lessebo = await declared(w, (await w.ref("0761"))["id"])
    karlstad = await declared(w, (await w.ref("1780"))["id"])
    return match(lessebo, karlstad)


exempt(
    "a declaration is made open for a year from today: being made matches nothing",
    ["partner-interest-match"],
    ["create_partner_interest"],
)
exempt(
    "a renewal moves the expiry later: it makes a declaration matchable, never the reverse",
    ["partner-interest-match"],
    ["renew_partner_interest"],
)


# What a declaration names, and the partnership a match makes


@row("unknown-organisation", "create_partner_interest")
async def a_declaration_of_no_organisation(w: World) -> Attempt:
    return Attempt("POST", INTERESTS, declaration(NOBODY))


@row("unknown-network", "create_partner_interest")
async def a_declaration_from_no_network(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    return Attempt("POST", INTERESTS, declaration(lessebo["id"], network_id=NOBODY))


@row("unknown-network", "update_partner_interest")
async def a_declaration_moved_to_no_network(w: World) -> Attempt:
    interest = await declared(w, (await w.ref("0761"))["id"])
    return Attempt("PATCH", url(interest), {"network_id": NOBODY})


@row("network-member-country", MATCH)
async def a_match_whose_partner_is_outside_the_network_both_name(w: World) -> Attempt:
    network = await w.network()  # Sweden, Colombia, Guatemala
    lessebo = await declared(w, (await w.ref("0761"))["id"], network_id=network["id"])
    kitui = await w.org("KE", "county", name="Kitui County")
    kenyan = await declared(w, kitui["id"], network_id=network["id"])
    return match(lessebo, kenyan)


exempt(
    "the parties are the two declarations' organisations, and the network the one both name: "
    "rows a foreign key holds",
    ["unknown-organisation", "unknown-network"],
    [MATCH],
)
exempt(
    "a created partnership exists: it is what the others name",
    ["unknown-partnership"],
    [MATCH],
)
exempt("a partnership made from a match has no third party", ["third-party-in-eu"], [MATCH])
exempt(
    "a new partnership has no applications, meetings or members",
    ["budget-ceiling", "host-is-a-party", "member-of-a-party"],
    [MATCH],
)
