"""Training programmes and study visits (seed 003: ITP 322 visiting Upplands-Bro)."""

import uuid
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import create_organisation, create_person, reference_municipality

PROGRAMMES, VISITS = "/api/v1/training-programmes", "/api/v1/study-visits"


async def itp_322(client: AsyncClient) -> dict[str, Any]:
    lead = await create_organisation(
        client, type="government_agency", country_code="SE", name="Arbetsförmedlingen"
    )
    epri = await create_organisation(
        client,
        type="research_institute",
        country_code="ZA",
        name="Economic Policy Research Institute",
    )
    response = await client.post(
        PROGRAMMES,
        json={
            "title": "Social Protection for Sustainable Development",
            "code": "ITP 322",
            "funder": "Sida",
            "starts": "2019-01-01",
            "ends": "2020-12-31",
            "implementers": [
                {"organisation_id": lead["id"], "role": "lead"},
                {"organisation_id": epri["id"], "role": "partner"},
            ],
            "segments": [{"country_code": "SE", "weeks": 2}, {"country_code": "ZA", "weeks": 2}],
            "participant_countries": [{"country_code": c} for c in ("ET", "KE", "TZ", "UG", "ZM")],
        },
    )
    assert response.status_code == 201, response.text
    return dict(response.json())


async def test_a_programme_has_one_lead_and_known_countries(client: AsyncClient) -> None:
    programme = await itp_322(client)
    assert [i["role"] for i in programme["implementers"]] == ["lead", "partner"]
    assert programme["segments"] == [
        {"country_code": "SE", "weeks": 2},
        {"country_code": "ZA", "weeks": 2},
    ]
    body: dict[str, Any] = {
        "title": "x",
        "funder": "Sida",
        "starts": "2020-01-01",
        "ends": "2020-12-31",
        "implementers": [
            {"organisation_id": programme["implementers"][0]["organisation_id"], "role": "partner"}
        ],
    }
    no_lead = await client.post(PROGRAMMES, json=body)
    assert no_lead.json()["code"] == "rule.programme-lead"
    backwards = await client.post(PROGRAMMES, json={**body, "ends": "2019-01-01"})
    assert (backwards.status_code, backwards.json()["code"]) == (422, "rule.programme-period")
    lead = body["implementers"][0]["organisation_id"]
    twice = await client.post(
        PROGRAMMES,
        json={
            **body,
            "implementers": [
                {"organisation_id": lead, "role": "lead"},
                {"organisation_id": lead, "role": "partner"},
            ],
        },
    )
    assert twice.json()["code"] == "rule.one-entry-per-country"
    repeated = await client.post(
        PROGRAMMES,
        json={
            **body,
            "implementers": [{"organisation_id": lead, "role": "lead"}],
            "segments": [{"country_code": "SE", "weeks": 2}, {"country_code": "SE", "weeks": 50}],
        },
    )
    assert repeated.json()["code"] == "rule.one-entry-per-country"
    unknown = await client.post(
        PROGRAMMES,
        json={
            **body,
            "implementers": [{**body["implementers"][0], "role": "lead"}],
            "segments": [{"country_code": "QQ", "weeks": 1}],
        },
    )
    assert (unknown.json()["code"], unknown.json()["errors"][0]["pointer"]) == (
        "rule.unknown-country",
        "/segments/0/country_code",
    )


async def test_the_upplands_bro_study_visit(client: AsyncClient) -> None:
    programme = await itp_322(client)
    host = await reference_municipality(client, "0139")  # Upplands-Bro
    rektor = await create_person(client, host["id"], title="Rektor, CVA")
    visit = await client.post(
        VISITS,
        json={
            "visit_on": "2019-09-24",
            "host_organisation_id": host["id"],
            "programme_id": programme["id"],
            "visiting_countries": ["ET", "KE", "TZ", "UG", "ZM"],
            "topics": ["local job tracks", "newcomers", "youth unemployment"],
            "contact_ids": [rektor["id"]],
        },
    )
    assert visit.status_code == 201, visit.text
    listed = await client.get(VISITS, params={"programme_id": programme["id"]})
    assert [v["visit_on"] for v in listed.json()["items"]] == ["2019-09-24"]

    async def rule(**changes: Any) -> str:
        response = await client.post(
            VISITS,
            json={
                "visit_on": "2019-09-24",
                "host_organisation_id": host["id"],
                "programme_id": programme["id"],
                **changes,
            },
        )
        assert response.status_code == 422, response.text
        return str(response.json()["code"])

    assert await rule(visit_on="2021-03-01") == "rule.visit-within-programme"
    assert await rule(visiting_countries=["SE"]) == "rule.visiting-countries-take-part"
    stranger = await create_person(client, (await create_organisation(client))["id"])
    assert await rule(contact_ids=[stranger["id"]]) == "rule.contacts-of-the-host"
    assert await rule(partnership_id=str(uuid.uuid4())) == "rule.visit-from-one-source"


async def test_the_host_sees_its_own_visits_only(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    host = await reference_municipality(client, "0139")
    other = await reference_municipality(client, "1780")
    for organisation in (host, other):
        made = await client.post(
            VISITS, json={"visit_on": "2019-09-24", "host_organisation_id": organisation["id"]}
        )
        assert made.status_code == 201
    token = await api_key(connection, Role.coordinator, [uuid.UUID(host["id"])])
    async with authorised(client, token) as coordinator:
        seen = (await coordinator.get(VISITS)).json()["items"]
        assert [v["host_organisation_id"] for v in seen] == [host["id"]]
        created = await coordinator.post(
            VISITS, json={"visit_on": "2020-01-01", "host_organisation_id": host["id"]}
        )
        assert created.status_code == 403


async def test_a_programme_is_changed_by_merge_patch_under_the_same_rules(
    client: AsyncClient,
) -> None:
    programme = await itp_322(client)
    url = f"{PROGRAMMES}/{programme['id']}"
    later = await client.patch(url, json={"ends": "2021-06-30"}, headers={"If-Match": '"v1"'})
    assert (later.status_code, later.json()["ends"]) == (200, "2021-06-30")
    backwards = await client.patch(url, json={"ends": "2018-12-31"}, headers={"If-Match": '"v2"'})
    assert backwards.json()["code"] == "rule.programme-period"


async def test_changes_keep_visits_and_programmes_within_the_rules(client: AsyncClient) -> None:
    programme = await itp_322(client)
    host = await reference_municipality(client, "0139")
    visit = await client.post(
        VISITS,
        json={
            "visit_on": "2019-09-24",
            "host_organisation_id": host["id"],
            "programme_id": programme["id"],
            "visiting_countries": ["KE"],
        },
    )
    visit_url = f"{VISITS}/{visit.json()['id']}"
    moved = await client.patch(
        visit_url, json={"visit_on": "2021-09-24"}, headers={"If-Match": '"v1"'}
    )
    assert moved.json()["code"] == "rule.visit-within-programme"
    programme_url = f"{PROGRAMMES}/{programme['id']}"
    shortened = await client.patch(
        programme_url, json={"starts": "2020-01-01"}, headers={"If-Match": '"v1"'}
    )
    assert shortened.json()["code"] == "rule.visit-within-programme"
    fewer = await client.patch(
        programme_url,
        json={"participant_countries": [{"country_code": "ET"}]},
        headers={"If-Match": '"v1"'},
    )
    assert fewer.json()["code"] == "rule.visiting-countries-take-part"
    unknown = await client.post(
        VISITS,
        json={
            "visit_on": "2019-09-24",
            "host_organisation_id": host["id"],
            "programme_id": str(uuid.uuid4()),
        },
    )
    assert (unknown.status_code, unknown.json()["code"]) == (422, "rule.unknown-programme")


async def test_other_hosts_visits_are_not_found(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    host = await reference_municipality(client, "0139")
    other = await reference_municipality(client, "1780")
    theirs = await client.post(
        VISITS, json={"visit_on": "2019-09-24", "host_organisation_id": other["id"]}
    )
    token = await api_key(connection, Role.viewer, [uuid.UUID(host["id"])])
    async with authorised(client, token) as viewer:
        assert (await viewer.get(f"{VISITS}/{theirs.json()['id']}")).status_code == 404
