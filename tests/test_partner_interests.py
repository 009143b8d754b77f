"""Partner search through HTTP (docs/partner-search.md): declarations of interest, their ranked
matches on the demo data, the public directory, expiry and renewal, and a match made into a
draft partnership that records where it came from."""

import uuid
from typing import Any

import pytest
from httpx import AsyncClient
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.clock import today
from app.core.periods import add_months
from app.core.principal import system_principal
from app.demo.seeds import load_demo_data
from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import create_organisation, reference_municipality

INTERESTS = "/api/v1/partner-interests"
DIRECTORY = "/api/v1/public/partner-interests"
Json = dict[str, Any]


@pytest.fixture
async def demo(client: AsyncClient, connection: AsyncConnection) -> AsyncClient:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    return client


async def declaration_of(client: AsyncClient, organisation_id: str) -> Json:
    listed = await client.get(INTERESTS, params={"organisation_id": organisation_id})
    [found] = listed.json()["items"]
    return dict(found)


async def organisation_named(client: AsyncClient, name: str) -> Json:
    found = await client.get("/api/v1/organisations", params={"q": name})
    [organisation] = [o for o in found.json()["items"] if o["name"] == name]
    return dict(organisation)


def body(organisation_id: str, **fields: Any) -> Json:
    return {
        "organisation_id": organisation_id,
        "themes": ["gender equality"],
        "principles": ["equality_non_discrimination"],
        "local_challenge": "Few women in the municipal council.",
        "earliest_start": "2026-03-01",
        **fields,
    }


async def declare(client: AsyncClient, organisation_id: str, **fields: Any) -> Json:
    response = await client.post(INTERESTS, json=body(organisation_id, **fields))
    assert response.status_code == 201, response.text
    return dict(response.json())


# The ranking on the demo data


async def test_lessebo_ranks_the_guatemalan_network_members_above_a_kenyan_county(
    demo: AsyncClient,
) -> None:
    lessebo = await reference_municipality(demo, "0761")
    mine = await declaration_of(demo, lessebo["id"])
    response = await demo.get(f"{INTERESTS}/{mine['id']}/matches", params={"limit": 100})
    assert response.status_code == 200, response.text
    matches = response.json()["items"]
    ranked = [(m["organisation"]["name"], m["score"]) for m in matches]
    assert ranked == [
        ("Municipalidad Ejemplo A", 95),
        ("Municipalidad Ejemplo B", 69),
        ("Alcaldía Ejemplo", 62),
        ("Makueni County", 35),
    ]
    best = matches[0]
    assert best["reasons"] == [
        {
            "signal": "themes",
            "weight": 30,
            "detail": "2 of 2 themes in common: gender equality and local democracy",
        },
        {
            "signal": "principles",
            "weight": 10,
            "detail": "2 of 2 principles in common: equality_non_discrimination and participation",
        },
        {"signal": "country", "weight": 15, "detail": "GT is a country Lessebo kommun names"},
        {
            "signal": "eligibility",
            "weight": 10,
            "detail": f"GT is an ICLD partner country on {today()}",
        },
        {"signal": "network", "weight": 15, "detail": "both come from Network for gender equality"},
        {
            "signal": "challenge",
            "weight": 10,
            "detail": "the local challenges' trigram similarity is 0.62",
        },
        {"signal": "organisation_type", "weight": 5, "detail": "both are local governments"},
        {
            "signal": "size",
            "weight": 0,
            "detail": "population not recorded: Lessebo kommun and Municipalidad Ejemplo A",
        },
        {
            "signal": "partnered_before",
            "weight": 0,
            "detail": "already partners in 'Lessebo - Municipalidad Ejemplo A: gender equality' "
            "(draft)",
        },
    ]
    assert sum(r["weight"] for r in best["reasons"]) == best["score"]
    # Existing partnerships are flagged, not hidden: the demo's draft of the two.
    draft = await demo.get("/api/v1/partnerships", params={"q": "Lessebo Municipalidad Ejemplo A"})
    assert best["partnerships"] == [draft.json()["items"][0]["id"]]
    assert [m["partnerships"] for m in matches[1:]] == [[], [], []]
    kenyan = matches[-1]
    assert {r["signal"]: r["weight"] for r in kenyan["reasons"]} == {
        "themes": 10,
        "principles": 10,
        "country": 0,
        "eligibility": 10,
        "network": 0,
        "challenge": 5,
        "organisation_type": 0,
        "size": 0,
    }
    assert kenyan["reasons"][2]["detail"] == (
        "KE is not among what Lessebo kommun names (GT or CO)"
    )
    # Only the other side: the Swedish declarations (Borås) are no candidates of Lessebo's.
    assert "Borås kommun" not in [name for name, _ in ranked]


async def test_the_reasons_of_a_match_are_worded_in_the_callers_language(
    demo: AsyncClient,
) -> None:
    lessebo = await reference_municipality(demo, "0761")
    mine = await declaration_of(demo, lessebo["id"])
    url = f"{INTERESTS}/{mine['id']}/matches"
    swedish = await demo.get(url, params={"limit": 100}, headers={"Accept-Language": "sv"})
    spanish = await demo.get(url, params={"limit": 100}, headers={"Accept-Language": "es-GT"})
    assert (swedish.headers["content-language"], spanish.headers["content-language"]) == (
        "sv",
        "es",
    )
    best_sv, best_es = swedish.json()["items"][0], spanish.json()["items"][0]
    assert [r["detail"] for r in best_sv["reasons"][:3]] == [
        "2 av 2 teman gemensamma: gender equality och local democracy",
        "2 av 2 principer gemensamma: equality_non_discrimination och participation",
        "GT är ett land som Lessebo kommun anger",
    ]
    assert [r["detail"] for r in best_es["reasons"][:3]] == [
        "2 de 2 temas en común: gender equality y local democracy",
        "2 de 2 principios en común: equality_non_discrimination y participation",
        "GT es un país que Lessebo kommun indica",
    ]
    kenyan_sv = swedish.json()["items"][-1]["reasons"][2]["detail"]
    kenyan_es = spanish.json()["items"][-1]["reasons"][2]["detail"]
    assert kenyan_sv == "KE är inte bland det som Lessebo kommun anger (GT eller CO)"
    assert kenyan_es == "KE no está entre lo que Lessebo kommun indica (GT o CO)"
    # Signals and weights are the same in every language: only the words change.
    assert [(r["signal"], r["weight"]) for r in best_sv["reasons"]] == [
        (r["signal"], r["weight"]) for r in best_es["reasons"]
    ]


async def test_a_partner_side_declaration_gets_the_swedish_ones(demo: AsyncClient) -> None:
    colombian = await organisation_named(demo, "Alcaldía Ejemplo")
    mine = await declaration_of(demo, colombian["id"])
    matches = (await demo.get(f"{INTERESTS}/{mine['id']}/matches")).json()["items"]
    # Borås names Latin America, its theme of violence prevention and its principles.
    assert [(m["organisation"]["name"], m["score"]) for m in matches] == [
        ("Borås kommun", 89),
        ("Lessebo kommun", 62),
    ]
    country = [r for r in matches[0]["reasons"] if r["signal"] == "country"]
    assert country == [
        {
            "signal": "country",
            "weight": 10,
            "detail": "CO is in latin_america, a region Borås kommun names",
        }
    ]


async def test_matches_are_paged_by_the_cursor(demo: AsyncClient) -> None:
    lessebo = await reference_municipality(demo, "0761")
    mine = await declaration_of(demo, lessebo["id"])
    url = f"{INTERESTS}/{mine['id']}/matches"
    whole = (await demo.get(url)).json()["items"]
    seen, cursor = [], None
    while True:
        page = await demo.get(url, params={"limit": 1, **({"cursor": cursor} if cursor else {})})
        seen += page.json()["items"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert seen == whole
    stranger = (await demo.get(INTERESTS, params={"limit": 1})).json()["next_cursor"]
    refused = await demo.get(url, params={"cursor": stranger})
    assert (refused.status_code, refused.json()["code"]) == (400, "invalid-cursor")


# Declarations through HTTP


async def test_a_declaration_is_made_read_changed_renewed_and_withdrawn(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    are = await reference_municipality(client, "2321")
    made = await client.post(INTERESTS, json=body(are["id"], countries=["co", "GT"]))
    assert made.status_code == 201, made.text
    interest = made.json()
    assert made.headers["location"] == f"{INTERESTS}/{interest['id']}"
    assert made.headers["etag"] == '"v1"'
    assert {k: interest[k] for k in ("side", "status", "countries", "listed", "expires_on")} == {
        "side": "swedish",
        "status": "open",
        "countries": ["CO", "GT"],
        "listed": False,
        "expires_on": str(add_months(today(), 12)),
    }
    url = f"{INTERESTS}/{interest['id']}"
    read = await client.get(url)
    assert (read.status_code, read.json(), read.headers["etag"]) == (200, interest, '"v1"')
    assert (await client.get(url, headers={"If-None-Match": '"v1"'})).status_code == 304

    unconditional = await client.patch(url, json={"countries": ["GT"]})
    assert (unconditional.status_code, unconditional.json()["code"]) == (
        428,
        "precondition-required",
    )
    changed = await client.patch(url, json={"countries": ["GT"]}, headers={"If-Match": '"v1"'})
    assert (changed.status_code, changed.json()["countries"]) == (200, ["GT"])
    stale = await client.post(f"{url}/renew", headers={"If-Match": '"v1"'})
    assert (stale.status_code, stale.json()["current_etag"]) == (412, '"v2"')

    await connection.execute(
        text("UPDATE partner_interests SET expires_on = '2020-01-01' WHERE id = :id"),
        {"id": interest["id"]},
    )
    expired = await client.get(INTERESTS, params={"organisation_id": are["id"], "expired": True})
    assert [i["id"] for i in expired.json()["items"]] == [interest["id"]]
    renewed = await client.post(f"{url}/renew", headers={"If-Match": '"v2"'})
    assert renewed.status_code == 200, renewed.text
    assert (renewed.json()["expires_on"], renewed.headers["etag"]) == (
        str(add_months(today(), 12)),
        '"v3"',
    )

    withdrawn = await client.post(f"{url}/withdraw", headers={"If-Match": '"v3"'})
    assert (withdrawn.status_code, withdrawn.json()["status"]) == (200, "withdrawn")
    for attempt in (
        client.patch(url, json={"listed": True}, headers={"If-Match": '"v4"'}),
        client.post(f"{url}/renew", headers={"If-Match": '"v4"'}),
        client.post(f"{url}/withdraw", headers={"If-Match": '"v4"'}),
    ):
        closed = await attempt
        assert (closed.status_code, closed.json()["code"]) == (422, "rule.partner-interest-closed")

    trail = await client.get(
        "/api/v1/audit-events",
        params={"object_type": "partner_interests", "object_id": interest["id"]},
    )
    assert [e["action"] for e in trail.json()["items"]] == ["create", "update", "renew", "withdraw"]
    events = await connection.execute(
        text(
            "SELECT type, organisation_id, payload FROM events WHERE object_id = :id "
            "ORDER BY occurred_at, id"
        ),
        {"id": interest["id"]},
    )
    rows = events.all()
    assert [(r.type, str(r.organisation_id)) for r in rows] == [
        ("partner_interest.declared", are["id"]),
        ("partner_interest.withdrawn", are["id"]),
    ]
    assert "local_challenge" not in rows[0].payload  # free text stays out


async def test_who_may_declare_is_the_parties_rule(client: AsyncClient) -> None:
    cases: list[tuple[Json, Json, str, str]] = [
        # A Swedish body that may not hold the grant.
        (
            await create_organisation(
                client, type="government_agency", country_code="SE", name="Myndigheten"
            ),
            {},
            "rule.swedish-applicant-eligible",
            "/organisation_id",
        ),
        # A partner side outside the ICLD partner countries on the day it could start.
        (
            await create_organisation(client, country_code="NO", name="Lillestrøm kommune"),
            {},
            "rule.partner-country-eligible",
            "/organisation_id",
        ),
        (
            await create_organisation(client, country_code="GT", name="Municipalidad de Prueba"),
            {"earliest_start": "2020-01-01"},
            "rule.partner-country-eligible",
            "/organisation_id",
        ),
        # A partner side names no countries: its partner is Swedish.
        (
            await create_organisation(client, country_code="GT", name="Otra Municipalidad"),
            {"countries": ["SE"]},
            "rule.partner-interest-countries",
            "/countries",
        ),
        # A Swedish one names partner countries only.
        (
            await reference_municipality(client, "1490"),
            {"countries": ["GT", "NO"]},
            "rule.partner-interest-countries",
            "/countries/1",
        ),
        (
            await reference_municipality(client, "1490"),
            {"network_id": str(uuid.uuid4())},
            "rule.unknown-network",
            "/network_id",
        ),
    ]
    for organisation, fields, code, pointer in cases:
        response = await client.post(INTERESTS, json=body(organisation["id"], **fields))
        assert response.status_code == 422, (code, response.text)
        problem = response.json()
        assert (problem["code"], problem["errors"][0]["pointer"]) == (code, pointer)
    unknown = await client.post(INTERESTS, json=body(str(uuid.uuid4())))
    assert unknown.json()["code"] == "rule.unknown-organisation"
    assert (await client.get(INTERESTS)).json()["items"] == []


async def test_an_organisation_keeps_its_declarations_rule(client: AsyncClient) -> None:
    kitui = await create_organisation(client, type="county", country_code="KE", name="Kitui County")
    await declare(client, kitui["id"])
    moved = await client.patch(
        f"/api/v1/organisations/{kitui['id']}",
        json={"country_code": "NO"},
        headers={"If-Match": '"v1"'},
    )
    assert (moved.status_code, moved.json()["code"]) == (422, "rule.partner-country-eligible")
    assert moved.json()["errors"][0]["pointer"] == "/country_code"
    sized = await client.patch(
        f"/api/v1/organisations/{kitui['id']}",
        json={"population": 1_136_187},
        headers={"If-Match": '"v1"'},
    )
    assert (sized.status_code, sized.json()["population"]) == (200, 1_136_187)


# Access


async def test_a_coordinator_declares_for_its_own_organisation_and_sees_listed_candidates(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    are = await reference_municipality(demo, "2321")
    token = await api_key(connection, Role.coordinator, [uuid.UUID(are["id"])])
    async with authorised(demo, token) as coordinator:
        made = await coordinator.post(INTERESTS, json=body(are["id"], countries=["GT"]))
        assert made.status_code == 201, made.text
        lessebo = await reference_municipality(demo, "0761")
        other = await coordinator.post(INTERESTS, json=body(lessebo["id"]))
        assert (other.status_code, other.json()["code"]) == (403, "forbidden")
        mine = (await coordinator.get(INTERESTS)).json()["items"]
        assert [i["organisation_id"] for i in mine] == [are["id"]]
        lessebos = await declaration_of(demo, lessebo["id"])
        assert (await coordinator.get(f"{INTERESTS}/{lessebos['id']}")).status_code == 404
        # Candidates: the listed declarations of the other side (the demo lists them all).
        guatemala_b = await organisation_named(demo, "Municipalidad Ejemplo B")
        unlisted = await declaration_of(demo, guatemala_b["id"])
        hidden = await demo.patch(
            f"{INTERESTS}/{unlisted['id']}", json={"listed": False}, headers={"If-Match": '"v1"'}
        )
        assert hidden.status_code == 200, hidden.text
        shown = await coordinator.get(f"{INTERESTS}/{made.json()['id']}/matches")
        names = [m["organisation"]["name"] for m in shown.json()["items"]]
        assert "Municipalidad Ejemplo B" not in names
        assert set(names) == {"Municipalidad Ejemplo A", "Alcaldía Ejemplo", "Makueni County"}
        by_staff = await demo.get(f"{INTERESTS}/{made.json()['id']}/matches")
        assert "Municipalidad Ejemplo B" in [
            m["organisation"]["name"] for m in by_staff.json()["items"]
        ]
        # Its organisation's size, the signal no shipped figure gives: a coordinator records it.
        sized = await coordinator.patch(
            f"/api/v1/organisations/{are['id']}",
            json={"population": 12_000},
            headers={"If-Match": '"v1"'},
        )
        assert (sized.status_code, sized.json()["population"]) == (200, 12_000)
        # Only ICLD staff make a match into a partnership.
        refused = await coordinator.post(
            f"{INTERESTS}/{made.json()['id']}/matches/{unlisted['id']}/partnership"
        )
        assert refused.status_code == 403


# The public directory


async def test_the_directory_lists_open_listed_declarations_without_people(
    demo: AsyncClient, anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    listed = await anonymous.get(DIRECTORY, params={"limit": 100})
    assert listed.status_code == 200, listed.text
    # Made in one transaction by the demo loader: the same time, so in the order of their ids.
    items = listed.json()["items"]
    assert [i["id"] for i in items] == sorted(i["id"] for i in items)
    assert sorted(i["organisation"]["name"] for i in items) == [
        "Alcaldía Ejemplo",
        "Borås kommun",
        "Lessebo kommun",
        "Makueni County",
        "Municipalidad Ejemplo A",
        "Municipalidad Ejemplo B",
    ]
    assert set(items[0]) == {
        "id",
        "organisation",
        "side",
        "themes",
        "principles",
        "local_challenge",
        "countries",
        "funding_regions",
        "phase_kind",
        "earliest_start",
        "network_id",
        "expires_on",
        "created_at",
    }
    assert set(items[0]["organisation"]) == {"id", "name", "country_code"}
    guatemalan = await anonymous.get(DIRECTORY, params={"country": "gt", "side": "partner"})
    assert sorted(i["organisation"]["name"] for i in guatemalan.json()["items"]) == [
        "Municipalidad Ejemplo A",
        "Municipalidad Ejemplo B",
    ]
    one = await anonymous.get(f"{DIRECTORY}/{items[0]['id']}")
    assert one.json() == items[0]
    # Withdrawn, expired or unlisted: gone from the directory.
    withdrawn = await demo.post(
        f"{INTERESTS}/{items[0]['id']}/withdraw", headers={"If-Match": '"v1"'}
    )
    assert withdrawn.status_code == 200
    await connection.execute(
        text("UPDATE partner_interests SET expires_on = :day WHERE id = :id"),
        {"day": today().replace(year=today().year - 2), "id": items[1]["id"]},
    )
    unlisted = await demo.patch(
        f"{INTERESTS}/{items[2]['id']}", json={"listed": False}, headers={"If-Match": '"v1"'}
    )
    assert unlisted.status_code == 200
    after = await anonymous.get(DIRECTORY, params={"limit": 100})
    assert [i["id"] for i in after.json()["items"]] == [i["id"] for i in items[3:]]
    gone = await anonymous.get(f"{DIRECTORY}/{items[0]['id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, "not-found")


# A match made into a draft partnership


async def test_a_match_becomes_a_draft_partnership_that_records_its_origin(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    lessebo = await declaration_of(demo, (await reference_municipality(demo, "0761"))["id"])
    guatemala_b = await declaration_of(
        demo, (await organisation_named(demo, "Municipalidad Ejemplo B"))["id"]
    )
    url = f"{INTERESTS}/{lessebo['id']}/matches/{guatemala_b['id']}/partnership"
    made = await demo.post(url, json={"applied_on": "2026-03-02"})
    assert made.status_code == 201, made.text
    partnership = made.json()
    assert made.headers["location"] == f"/api/v1/partnerships/{partnership['id']}"
    assert {
        k: partnership[k]
        for k in ("title", "themes", "principles", "status", "applied_on", "origin", "form")
    } == {
        "title": "Lessebo kommun - Municipalidad Ejemplo B",
        "themes": ["gender equality", "local democracy"],
        "principles": ["equality_non_discrimination", "participation"],
        "status": "draft",
        "applied_on": "2026-03-02",
        "origin": {
            "swedish_interest_id": lessebo["id"],
            "partner_interest_id": guatemala_b["id"],
        },
        "form": "bilateral",
    }
    assert partnership["local_challenge"] == lessebo["local_challenge"]
    assert partnership["network_id"] == lessebo["network_id"]
    assert (
        await demo.get(partnership and f"/api/v1/partnerships/{partnership['id']}")
    ).json() == partnership
    for declaration in (lessebo, guatemala_b):
        after = await demo.get(f"{INTERESTS}/{declaration['id']}")
        assert (after.json()["status"], after.headers["etag"]) == ("matched", '"v2"')
    events = await connection.execute(
        text(
            "SELECT type, object_id, payload FROM events WHERE object_id = ANY(:ids) "
            "AND type <> 'partner_interest.declared' ORDER BY type, object_id"
        ),
        {"ids": [uuid.UUID(i) for i in (lessebo["id"], guatemala_b["id"], partnership["id"])]},
    )
    found = events.all()
    assert [(r.type, str(r.object_id)) for r in found] == sorted(
        [
            ("partner_interest.matched", lessebo["id"]),
            ("partner_interest.matched", guatemala_b["id"]),
            ("partnership.created", partnership["id"]),
        ]
    )
    assert found[-1].payload["origin"] == partnership["origin"]
    # Matched: closed, and no longer a candidate.
    again = await demo.post(url)
    assert (again.status_code, again.json()["code"]) == (422, "rule.partner-interest-closed")
    colombian = await declaration_of(
        demo, (await organisation_named(demo, "Alcaldía Ejemplo"))["id"]
    )
    names = [
        m["organisation"]["name"]
        for m in (await demo.get(f"{INTERESTS}/{colombian['id']}/matches")).json()["items"]
    ]
    assert names == ["Borås kommun"]


async def test_a_match_pairs_two_current_declarations_of_the_two_sides(
    demo: AsyncClient, connection: AsyncConnection
) -> None:
    lessebo = await declaration_of(demo, (await reference_municipality(demo, "0761"))["id"])
    boras = await declaration_of(demo, (await reference_municipality(demo, "1490"))["id"])
    makueni = await declaration_of(demo, (await organisation_named(demo, "Makueni County"))["id"])
    same_side = await demo.post(f"{INTERESTS}/{lessebo['id']}/matches/{boras['id']}/partnership")
    assert (same_side.status_code, same_side.json()["code"]) == (422, "rule.partner-interest-match")
    await connection.execute(
        text("UPDATE partner_interests SET expires_on = '2020-01-01' WHERE id = :id"),
        {"id": makueni["id"]},
    )
    url = f"{INTERESTS}/{lessebo['id']}/matches/{makueni['id']}/partnership"
    expired = await demo.post(url)
    assert (expired.status_code, expired.json()["code"]) == (422, "rule.partner-interest-match")
    # Every rule of a partnership applies: Kenya was no partner country on the day applied for.
    renewed = await demo.post(f"{INTERESTS}/{makueni['id']}/renew", headers={"If-Match": '"v1"'})
    assert renewed.status_code == 200
    early = await demo.post(url, json={"applied_on": "2007-06-01"})
    assert (early.status_code, early.json()["code"]) == (422, "rule.partner-country-eligible")
    assert "errors" not in early.json()  # the partner is the declaration's, not a field sent
    missing = await demo.post(f"{INTERESTS}/{lessebo['id']}/matches/{uuid.uuid4()}/partnership")
    assert missing.status_code == 404
    for declaration in (lessebo, makueni):
        assert (await demo.get(f"{INTERESTS}/{declaration['id']}")).json()["status"] == "open"
