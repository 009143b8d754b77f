"""Matrix rows of the networks' and workshops' rules (app/rules/networks.py)."""

from tests.rules.matrix import CONFLICT, Attempt, exempt, row
from tests.rules.world import Json, World

ORGS, PEOPLE = "/api/v1/organisations", "/api/v1/people"
NETWORKS, WORKSHOPS, PARTNERSHIPS = "/api/v1/networks", "/api/v1/workshops", "/api/v1/partnerships"
NOBODY = "00000000-0000-4000-8000-000000000000"
NEW_ORGANISATION = "a new organisation is member of no network and party to no partnership"
NEW_NETWORK = "a new network has no members, partnerships or workshops yet"


def network_url(network: Json, *parts: str) -> str:
    return "/".join([NETWORKS, network["id"], *parts])


# network-period


@row("network-period", "create_network")
async def a_network_that_ends_before_it_starts(w: World) -> Attempt:
    body = {
        "title": "Backwards",
        "theme": "gender equality",
        "country_codes": ["SE"],
        "starts": "2024-01-01",
        "ends": "2023-01-01",
    }
    return Attempt("POST", NETWORKS, body)


@row("network-period", "update_network")
async def a_network_made_to_end_before_it_starts(w: World) -> Attempt:
    network = await w.network()
    return Attempt("PATCH", network_url(network), {"ends": "2023-12-31"})


# network-member-country


async def guatemalan_member(w: World, network: Json) -> Json:
    guatemalan = await w.org("GT", name="Municipalidad de Ejemplo")
    await w.join(network, guatemalan["id"])
    return guatemalan


@row("network-member-country", "add_network_member")
async def a_kenyan_county_joins_the_gender_network(w: World) -> Attempt:
    network = await w.network()
    kenyan = await w.org("KE", "county", name="Kitui")
    body = {"organisation_id": kenyan["id"], "joined_on": "2024-02-01"}
    return Attempt("POST", network_url(network, "members"), body)


@row("network-member-country", "update_organisation")
async def a_member_moves_to_a_country_outside_the_network(w: World) -> Attempt:
    network = await w.network()
    guatemalan = await guatemalan_member(w, network)
    return Attempt(
        "PATCH",
        f"{ORGS}/{guatemalan['id']}",
        {"country_code": "KE"},
        watch=(network_url(network, "members"),),
    )


@row("network-member-country", "delete_organisation")
@row("network-partner-eligible", "delete_organisation")
async def a_member_deleted(w: World) -> Attempt:
    network = await w.network()
    guatemalan = await guatemalan_member(w, network)
    return Attempt(
        "DELETE",
        f"{ORGS}/{guatemalan['id']}",
        status=409,
        code=CONFLICT,
        watch=(network_url(network, "members"),),
    )


@row("network-member-country", "create_partnership")
async def a_partnership_with_a_kenyan_partner_joins_the_gender_network(w: World) -> Attempt:
    network = await w.network()
    kenyan = await w.org("KE", "county", name="Kitui")
    body = {
        "title": "Umeå - Kitui",
        "principles": ["participation"],
        "swedish_party_id": (await w.ref("2480"))["id"],
        "partner_ids": [kenyan["id"]],
        "applied_on": "2025-03-01",
        "network_id": network["id"],
    }
    return Attempt("POST", PARTNERSHIPS, body, watch=(network_url(network, "partnerships"),))


@row("network-member-country", "update_partnership")
async def a_partnership_with_a_kenyan_partner_patched_into_the_network(w: World) -> Attempt:
    network = await w.network()
    p = await w.partnership("KE", swedish="2480", applied_on="2025-03-01")
    return Attempt(
        "PATCH",
        f"{PARTNERSHIPS}/{p['id']}",
        {"network_id": network["id"]},
        watch=(network_url(network, "partnerships"),),
    )


@row("network-member-country", "update_network")
async def a_network_narrowed_past_a_member(w: World) -> Attempt:
    network = await w.network()
    await guatemalan_member(w, network)
    return Attempt("PATCH", network_url(network), {"country_codes": ["SE", "CO"]})


exempt(
    NEW_ORGANISATION,
    ["network-member-country", "network-partner-eligible"],
    ["create_organisation"],
)
exempt(NEW_NETWORK, ["network-member-country", "network-partner-eligible"], ["create_network"])

# network-partner-eligible (Colombia and Guatemala are partner countries from 2023)


@row("network-partner-eligible", "add_network_member")
async def a_colombian_member_of_a_network_that_starts_in_2020(w: World) -> Attempt:
    network = await w.network(starts="2020-01-01", title="Too early")
    colombian = await w.org("CO", name="Municipio de Ejemplo")
    body = {"organisation_id": colombian["id"], "joined_on": "2024-02-01"}
    return Attempt("POST", network_url(network, "members"), body)


@row("network-partner-eligible", "update_network")
async def a_network_with_a_guatemalan_member_moved_to_2020(w: World) -> Attempt:
    network = await w.network()
    await guatemalan_member(w, network)
    return Attempt("PATCH", network_url(network), {"starts": "2020-01-01"})


@row("network-partner-eligible", "update_organisation")
async def a_member_moves_to_norway_among_the_networks_countries(w: World) -> Attempt:
    network = await w.network(("SE", "CO", "GT", "NO"))
    guatemalan = await guatemalan_member(w, network)
    return Attempt("PATCH", f"{ORGS}/{guatemalan['id']}", {"country_code": "NO"})


# unknown-network


@row("unknown-network", "create_partnership")
async def a_partnership_of_no_network(w: World) -> Attempt:
    partner = await w.org()
    body = {
        "title": "A partnership",
        "principles": ["participation"],
        "swedish_party_id": (await w.ref("1780"))["id"],
        "partner_ids": [partner["id"]],
        "applied_on": "2019-10-15",
        "network_id": NOBODY,
    }
    return Attempt(
        "POST", PARTNERSHIPS, body, watch=(f"{PARTNERSHIPS}?partner_id={partner['id']}",)
    )


@row("unknown-network", "update_partnership")
async def a_partnership_patched_into_no_network(w: World) -> Attempt:
    p = await w.partnership()
    return Attempt("PATCH", f"{PARTNERSHIPS}/{p['id']}", {"network_id": NOBODY})


@row("unknown-network", "create_workshop")
async def a_workshop_of_no_network(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    body = {
        "network_id": NOBODY,
        "title": "A workshop",
        "host_organisation_id": lessebo["id"],
        "country_code": "SE",
        "city": "Lessebo",
        "starts": "2024-06-03",
        "ends": "2024-06-07",
    }
    return Attempt("POST", WORKSHOPS, body)


exempt(
    "a created network exists: it is what the others name",
    ["unknown-network"],
    ["create_network"],
)

# workshop-within-network, workshop-members-only, workshop-participants, workshop-period


@row("workshop-within-network", "update_network")
async def a_network_moved_to_start_after_its_workshop(w: World) -> Attempt:
    workshop = await w.network_workshop()
    return Attempt(
        "PATCH",
        network_url(workshop["network"]),
        {"starts": "2024-07-01"},
        watch=(f"{WORKSHOPS}/{workshop['id']}",),
    )


@row("workshop-within-network", "create_workshop")
async def a_network_workshop_before_the_network(w: World) -> Attempt:
    network = await w.network()
    lessebo = await w.ref("0761")
    await w.join(network, lessebo["id"])
    body = {
        "network_id": network["id"],
        "title": "Too early",
        "host_organisation_id": lessebo["id"],
        "country_code": "SE",
        "city": "Lessebo",
        "starts": "2023-06-03",
        "ends": "2023-06-07",
        "organisation_ids": [lessebo["id"]],
    }
    return Attempt("POST", WORKSHOPS, body, watch=(f"{WORKSHOPS}?network_id={network['id']}",))


@row("workshop-within-network", "update_workshop")
async def a_network_workshop_moved_before_the_network(w: World) -> Attempt:
    workshop = await w.network_workshop()
    body = {"starts": "2023-06-03", "ends": "2023-06-07"}
    return Attempt("PATCH", f"{WORKSHOPS}/{workshop['id']}", body)


exempt(NEW_NETWORK, ["workshop-within-network"], ["create_network"])


@row("workshop-members-only", "create_workshop")
async def a_network_workshop_for_an_outsider(w: World) -> Attempt:
    network = await w.network()
    lessebo = await w.ref("0761")
    await w.join(network, lessebo["id"])
    outsider = await w.org("GT", name="Not a member")
    body = {
        "network_id": network["id"],
        "title": "A workshop",
        "host_organisation_id": lessebo["id"],
        "country_code": "SE",
        "city": "Lessebo",
        "starts": "2024-06-03",
        "ends": "2024-06-07",
        "organisation_ids": [lessebo["id"], outsider["id"]],
    }
    return Attempt("POST", WORKSHOPS, body, watch=(f"{WORKSHOPS}?network_id={network['id']}",))


@row("workshop-members-only", "update_workshop")
async def a_network_workshop_opened_to_an_outsider(w: World) -> Attempt:
    workshop = await w.network_workshop()
    outsider = await w.org("GT", name="Not a member")
    body = {"organisation_ids": [*workshop["organisation_ids"], outsider["id"]]}
    return Attempt("PATCH", f"{WORKSHOPS}/{workshop['id']}", body)


@row("workshop-members-only", "update_network_member")
async def a_member_of_a_planned_workshop_leaves(w: World) -> Attempt:
    workshop = await w.network_workshop()
    members = await w.get(network_url(workshop["network"], "members"))
    [member] = [m for m in members if m["organisation_id"] == workshop["guatemalan"]["id"]]
    return Attempt(
        "PATCH", network_url(workshop["network"], "members", member["id"]), {"status": "left"}
    )


exempt(
    "a new member widens the network: every workshop's organisations stay members",
    ["workshop-members-only"],
    ["add_network_member"],
)


async def lessebo_participant(w: World) -> tuple[Json, Json]:
    """The network workshop with a person of Lessebo taking part: the workshop, the person."""
    workshop = await w.network_workshop()
    person = await w.person(workshop["lessebo"]["id"])
    await w.participants(workshop, [person])
    return workshop, person


@row("workshop-participants", "set_workshop_participants")
async def a_participant_of_no_organisation_taking_part(w: World) -> Attempt:
    workshop = await w.network_workshop()
    outsider = await w.person((await w.org("KE"))["id"])
    body = {"participants": [{"person_id": outsider["id"]}]}
    return Attempt("PUT", f"{WORKSHOPS}/{workshop['id']}/participants", body)


@row("workshop-participants", "update_workshop")
async def a_participants_organisation_taken_off_the_workshop(w: World) -> Attempt:
    workshop, _ = await lessebo_participant(w)
    body = {"organisation_ids": [workshop["guatemalan"]["id"]]}
    return Attempt(
        "PATCH",
        f"{WORKSHOPS}/{workshop['id']}",
        body,
        watch=(f"{WORKSHOPS}/{workshop['id']}/participants",),
    )


@row("workshop-participants", "update_person")
async def a_participant_moves_to_an_organisation_not_taking_part(w: World) -> Attempt:
    workshop, person = await lessebo_participant(w)
    elsewhere = await w.org("KE")
    return Attempt(
        "PATCH",
        f"{PEOPLE}/{person['id']}",
        {"organisation_id": elsewhere["id"]},
        watch=(f"{WORKSHOPS}/{workshop['id']}/participants",),
    )


@row("workshop-participants", "delete_person")
async def a_participant_deleted(w: World) -> Attempt:
    workshop, person = await lessebo_participant(w)
    return Attempt(
        "DELETE",
        f"{PEOPLE}/{person['id']}",
        status=409,
        code=CONFLICT,
        watch=(f"{WORKSHOPS}/{workshop['id']}/participants",),
    )


exempt(
    "a new person takes part in no workshop",
    ["workshop-participants"],
    ["create_person"],
)
exempt("a new workshop has no participants", ["workshop-participants"], ["create_workshop"])


@row("workshop-period", "create_workshop")
async def a_workshop_that_ends_before_it_starts(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    body = {
        "title": "Backwards",
        "host_organisation_id": lessebo["id"],
        "country_code": "SE",
        "city": "Lessebo",
        "starts": "2024-06-07",
        "ends": "2024-06-03",
    }
    return Attempt("POST", WORKSHOPS, body)


@row("workshop-period", "update_workshop")
async def a_workshop_made_to_end_before_it_starts(w: World) -> Attempt:
    lessebo = await w.ref("0761")
    workshop = await w.workshop(lessebo, [lessebo["id"]])
    return Attempt("PATCH", f"{WORKSHOPS}/{workshop['id']}", {"ends": "2024-06-01"})
