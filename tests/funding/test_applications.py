"""Application rounds and applications: the workflow, each step recorded, and every rule a
draft or a submission must respect (docs/funding.md, DOMAIN.md §6-7)."""

import uuid
from datetime import timedelta
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import today
from app.models.enums import Role
from tests.conftest import api_key, authorised
from tests.factories import create_organisation
from tests.funding.helpers import (
    APPLICATIONS,
    ROUNDS,
    act,
    attachments,
    line,
    open_round,
    partnership,
)
from tests.partnerships.test_phases import steering_group, visits


def inception(p: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {
        "partnership_id": p["id"],
        "kind": "inception",
        "planned_start": "2027-03-01",
        "planned_end": "2028-02-29",
        "budget": [line("travel", 1, 150000), line("accommodation", 1, 60000)],
        **fields,
    }


def project(p: dict[str, Any], round_id: str, **fields: Any) -> dict[str, Any]:
    return {
        "partnership_id": p["id"],
        "kind": "project",
        "round_id": round_id,
        "planned_start": "2027-09-01",
        "planned_end": "2029-08-31",
        "budget": [line("travel", 1, 300000), line("venue", 1, 50000), line("travel", 2, 400000)],
        **fields,
    }


async def test_an_inception_application_from_draft_to_approval(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    documents = await attachments(client, p)
    made = await client.post(APPLICATIONS, json=inception(p, attachment_ids=documents))
    assert made.status_code == 201, made.text
    application = made.json()
    assert (application["status"], application["budget_total"]) == (
        "draft",
        {"amount": "210000.00", "currency": "SEK"},
    )
    assert made.headers["location"] == f"{APPLICATIONS}/{application['id']}"
    # Read alone or in a page (its row's values serialised without the model,
    # app/api/answers.py, its budget lines from the same statement), it is the answer it was
    # made with, byte for byte.
    read = await client.get(f"{APPLICATIONS}/{application['id']}")
    assert (read.content, read.headers["etag"]) == (made.content, made.headers["etag"])
    listed = await client.get(APPLICATIONS, params={"partnership_id": p["id"]})
    assert listed.json()["items"] == [application]

    # A draft changes under If-Match; the budget is replaced whole.
    changed = await client.patch(
        f"{APPLICATIONS}/{application['id']}",
        json={"budget": [line("travel", 1, 200000)]},
        headers={"If-Match": made.headers["etag"], "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["budget_total"]["amount"] == "200000.00"

    # The Swedish party's coordinator submits; a programme officer assesses and approves.
    swedish = uuid.UUID(p["swedish_party_id"])
    coordinator = await api_key(connection, Role.coordinator, [swedish])
    officer = await api_key(connection, Role.programme_officer, [])
    async with authorised(client, coordinator) as applicant:
        early = await act(applicant, application, "assess")
        assert early.status_code == 403  # a programme officer's action
        submitted = await act(applicant, application, "submit", note="Signed by both mayors.")
        assert submitted.status_code == 200, submitted.text
        assert (submitted.json()["status"], submitted.json()["submitted_on"]) == (
            "submitted",
            str(today()),
        )
        again = await act(applicant, application, "submit")
        assert again.json()["code"] == "rule.application-transition"
    async with authorised(client, officer) as programme_officer:
        assessed = await act(programme_officer, application, "assess")
        assert assessed.json()["status"] == "under_assessment"
        approved = await act(programme_officer, application, "approve")
        assert (approved.json()["status"], approved.json()["decided_on"]) == (
            "approved",
            str(today()),
        )
        withdrawn = await act(programme_officer, application, "withdraw")
        assert withdrawn.json()["code"] == "rule.application-transition"
    locked = await client.patch(
        f"{APPLICATIONS}/{application['id']}",
        json={"description": "Too late"},
        headers={
            "If-Match": approved.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert locked.json()["code"] == "rule.application-transition"

    events = (await client.get(f"{APPLICATIONS}/{application['id']}/events")).json()
    assert [(e["action"], e["from_status"], e["to_status"]) for e in events] == [
        ("create", None, "draft"),
        ("submit", "draft", "submitted"),
        ("assess", "submitted", "under_assessment"),
        ("approve", "under_assessment", "approved"),
    ]
    assert events[1]["note"] == "Signed by both mayors."
    assert len({e["actor"] for e in events}) == 3  # admin, coordinator, programme officer


async def test_rejection_needs_a_reason_and_withdrawal_is_the_applicants(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    documents = await attachments(client, p)
    application = (
        await client.post(APPLICATIONS, json=inception(p, attachment_ids=documents))
    ).json()
    assert (await act(client, application, "reject", reason="x")).json()["code"] == (
        "rule.application-transition"
    )
    await act(client, application, "submit")
    await act(client, application, "assess")
    no_reason = await client.post(f"{APPLICATIONS}/{application['id']}/reject", json={})
    assert no_reason.status_code == 422
    rejected = await act(client, application, "reject", reason="No visit to Sweden planned.")
    assert rejected.json()["status"] == "rejected"
    other = (await client.post(APPLICATIONS, json=inception(p, attachment_ids=documents))).json()
    assert (await act(client, other, "withdraw")).json()["status"] == "withdrawn"


async def test_projects_only_in_an_open_round(client: AsyncClient) -> None:
    p = await partnership(client)
    await steering_group(client, p, "2026-01-01")
    documents = await attachments(client, p)
    day = today()
    closed = await client.post(
        ROUNDS,
        json={
            "title": "Autumn round, closed",
            "opens": str(day - timedelta(days=60)),
            "closes": str(day - timedelta(days=30)),
        },
    )
    refused = await client.post(APPLICATIONS, json=project(p, closed.json()["id"]))
    assert (refused.status_code, refused.json()["code"]) == (422, "rule.round-open")
    assert refused.json()["errors"][0]["pointer"] == "/round_id"
    no_round = await client.post(APPLICATIONS, json=project(p, None))  # type: ignore[arg-type]
    assert no_round.json()["code"] == "rule.round-open"
    unknown = await client.post(APPLICATIONS, json=project(p, str(uuid.uuid4())))
    assert unknown.json()["code"] == "rule.unknown-round"
    open_now = await open_round(client)
    inception_in_round = await client.post(APPLICATIONS, json=inception(p, round_id=open_now["id"]))
    assert inception_in_round.json()["code"] == "rule.round-open"
    made = await client.post(
        APPLICATIONS, json=project(p, open_now["id"], attachment_ids=documents)
    )
    assert made.status_code == 201, made.text

    # The round closes (its closing day moved) before the applicant submits.
    moved = await client.patch(
        f"{ROUNDS}/{open_now['id']}",
        json={"closes": str(day - timedelta(days=1))},
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert moved.status_code == 200, moved.text
    late = await act(client, made.json(), "submit")
    assert late.json()["code"] == "rule.round-open"
    backwards = await client.post(
        ROUNDS, json={"title": "Backwards", "opens": "2027-03-15", "closes": "2027-02-15"}
    )
    assert backwards.json()["code"] == "rule.round-period"


async def test_budget_rules(client: AsyncClient) -> None:
    zambia = await partnership(client)
    ukraine = await partnership(client, country_code="UA", applied_on="2024-01-10")
    for category in ("salaries", "per_diems", "extra_days", "champagne"):
        refused = await client.post(
            APPLICATIONS, json=inception(zambia, budget=[line(category, 1, 1000)])
        )
        assert refused.json()["code"] == "rule.ineligible-cost", category
        assert refused.json()["errors"][0]["pointer"] == "/budget/0/category"
    fraction = await client.post(
        APPLICATIONS, json=inception(zambia, budget=[line("travel", 1, "1000.50")])
    )
    assert fraction.json()["code"] == "rule.whole-kronor"
    twice = await client.post(
        APPLICATIONS,
        json=inception(zambia, budget=[line("travel", 1, 1000), line("travel", 1, 2000)]),
    )
    assert (twice.json()["code"], twice.json()["errors"][0]["pointer"]) == (
        "rule.budget-line-once",
        "/budget/1",
    )
    long_inception = await client.post(
        APPLICATIONS, json=inception(zambia, planned_end="2028-03-01")
    )
    assert long_inception.json()["code"] == "rule.inception-duration"
    backwards = await client.post(APPLICATIONS, json=inception(zambia, planned_end="2027-02-01"))
    assert (backwards.json()["code"], backwards.json()["errors"][0]["pointer"]) == (
        "rule.application-period",
        "/planned_end",
    )
    euros = await client.post(
        APPLICATIONS,
        json=inception(
            zambia,
            budget=[
                {"category": "travel", "year": 1, "amount": {"amount": "1000", "currency": "EUR"}}
            ],
        ),
    )
    assert euros.json()["code"] == "rule.whole-kronor"
    as_float = await client.post(
        APPLICATIONS,
        json=inception(
            zambia, budget=[{"category": "travel", "year": 1, "amount": {"amount": 1000.0}}]
        ),
    )
    assert (as_float.status_code, as_float.json()["code"]) == (422, "validation-error")
    # Inception: 275,000 in Africa, 220,000 in Europe (DOMAIN.md §6).
    at_cap = await client.post(
        APPLICATIONS, json=inception(zambia, budget=[line("travel", 1, 275000)])
    )
    assert at_cap.status_code == 201, at_cap.text
    second = await client.post(APPLICATIONS, json=inception(zambia))
    assert (second.json()["code"], second.json()["errors"][0]["pointer"]) == (
        "rule.one-open-application",
        "/kind",
    )
    assert (await act(client, at_cap.json(), "withdraw")).status_code == 200
    over = await client.post(
        APPLICATIONS, json=inception(zambia, budget=[line("travel", 1, 275001)])
    )
    assert over.json()["code"] == "rule.budget-ceiling"
    europe = await client.post(
        APPLICATIONS, json=inception(ukraine, budget=[line("travel", 1, 220001)])
    )
    assert europe.json()["code"] == "rule.budget-ceiling"
    second_year = await client.post(
        APPLICATIONS, json=inception(zambia, budget=[line("travel", 2, 1000)])
    )
    assert (second_year.json()["code"], second_year.json()["errors"][0]["pointer"]) == (
        "rule.budget-year",
        "/budget/0/year",
    )
    fourth = await client.post(APPLICATIONS, json=inception(zambia, budget=[line("travel", 4, 1)]))
    assert fourth.json()["code"] == "rule.budget-year"
    # A project: 500,000 a year in Africa, however the years add up.
    round_ = await open_round(client)
    per_year = await client.post(
        APPLICATIONS,
        json=project(
            zambia, round_["id"], budget=[line("travel", 1, 400000), line("venue", 1, 100001)]
        ),
    )
    assert per_year.json()["code"] == "rule.budget-ceiling"
    two_years = await client.post(
        APPLICATIONS,
        json=project(
            zambia, round_["id"], budget=[line("travel", 1, 500000), line("travel", 2, 500000)]
        ),
    )
    assert two_years.status_code == 201, two_years.text


async def test_submission_checks_attachments_country_and_steering_group(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    round_ = await open_round(client)
    bare = (await client.post(APPLICATIONS, json=project(p, round_["id"]))).json()
    missing = await act(client, bare, "submit")
    assert missing.json()["code"] == "rule.application-attachments"
    letter, budget = await attachments(client, p)
    only_letter = await client.patch(
        f"{APPLICATIONS}/{bare['id']}",
        json={"attachment_ids": [letter]},
        headers={"If-Match": '"v1"', "Content-Type": "application/merge-patch+json"},
    )
    assert only_letter.status_code == 200, only_letter.text
    assert (await act(client, bare, "submit")).json()["code"] == "rule.application-attachments"
    other = await partnership(client)
    [foreign, _] = await attachments(client, other)
    not_ours = await client.patch(
        f"{APPLICATIONS}/{bare['id']}",
        json={"attachment_ids": [letter, foreign]},
        headers={
            "If-Match": only_letter.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert (not_ours.json()["code"], not_ours.json()["errors"][0]["pointer"]) == (
        "rule.application-attachments",
        "/attachment_ids/1",
    )
    both = await client.patch(
        f"{APPLICATIONS}/{bare['id']}",
        json={"attachment_ids": [letter, budget]},
        headers={
            "If-Match": only_letter.headers["etag"],
            "Content-Type": "application/merge-patch+json",
        },
    )
    assert both.status_code == 200
    lacking = await act(client, bare, "submit")
    assert lacking.json()["code"] == "rule.steering-group-composition"
    await steering_group(client, p, "2026-01-01")
    # The activity plan, as at a project's start: two meetings a year, a visit hosted by each.
    unplanned = await act(client, bare, "submit")
    assert unplanned.json()["code"] == "rule.meetings-per-project-year"
    await visits(client, p, "2027-10-04", "2028-03-06", "2028-10-02", "2029-03-05")
    assert (await act(client, bare, "submit")).json()["status"] == "submitted"

    # Georgia was a partner country until 2022 (DOMAIN.md §2): a partnership from 2020 can
    # draft an application, but not submit one now.
    georgia = await partnership(client, country_code="GE", applied_on="2020-05-01")
    docs = await attachments(client, georgia)
    draft = (await client.post(APPLICATIONS, json=inception(georgia, attachment_ids=docs))).json()
    ineligible = await act(client, draft, "submit")
    assert ineligible.json()["code"] == "rule.partner-country-eligible"


async def test_applications_are_seen_and_made_by_their_own_parties(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    application = (await client.post(APPLICATIONS, json=inception(p))).json()
    elsewhere = await create_organisation(client)
    stranger = await api_key(connection, Role.coordinator, [uuid.UUID(elsewhere["id"])])
    partner_side = await api_key(connection, Role.coordinator, [uuid.UUID(p["partner_ids"][0])])
    async with authorised(client, stranger) as other:
        assert (await other.get(f"{APPLICATIONS}/{application['id']}")).status_code == 404
        none = (await other.get(APPLICATIONS, params={"with_total": "true"})).json()
        assert (none["items"], none["total"]) == ([], 0)
        refused = await other.post(APPLICATIONS, json=inception(p))
        assert refused.json()["code"] == "rule.unknown-partnership"
    async with authorised(client, partner_side) as partner:
        assert (await partner.get(f"{APPLICATIONS}/{application['id']}")).status_code == 200
        theirs = (await partner.get(APPLICATIONS, params={"with_total": "true"})).json()
        assert ([a["id"] for a in theirs["items"]], theirs["total"]) == ([application["id"]], 1)
        assert (await partner.post(APPLICATIONS, json=inception(p))).status_code == 403
        assert (await act(partner, application, "submit")).status_code == 403
    for status, found in (("draft", [application["id"]]), ("submitted", [])):
        params = {"partnership_id": p["id"], "status": status, "with_total": "true"}
        listed = (await client.get(APPLICATIONS, params=params)).json()
        assert ([a["id"] for a in listed["items"]], listed["total"]) == (found, len(found))


async def test_what_a_submission_rests_on_stays_as_submitted(client: AsyncClient) -> None:
    p = await partnership(client)
    letter, budget = await attachments(client, p)
    bare_letter = await client.post(
        f"/api/v1/partnerships/{p['id']}/documents",
        json={"kind": "letter_of_intent", "title": "Unsigned, no file"},
    )
    no_file = (
        await client.post(
            APPLICATIONS, json=inception(p, attachment_ids=[bare_letter.json()["id"], budget])
        )
    ).json()
    assert (await act(client, no_file, "submit")).json()["code"] == "rule.application-attachments"
    assert (await act(client, no_file, "withdraw")).status_code == 200
    empty = (
        await client.post(
            APPLICATIONS, json=inception(p, budget=[], attachment_ids=[letter, budget])
        )
    ).json()
    assert (await act(client, empty, "submit")).json()["code"] == "rule.application-budget"
    assert (await act(client, empty, "withdraw")).status_code == 200
    made = (
        await client.post(APPLICATIONS, json=inception(p, attachment_ids=[letter, budget]))
    ).json()
    assert (await act(client, made, "submit")).status_code == 200
    url = f"/api/v1/partnerships/{p['id']}/documents/{letter}"
    etag = (await client.get(url)).headers["etag"]
    deleted = await client.delete(url, headers={"If-Match": etag})
    assert deleted.status_code == 409, deleted.text
    rekinded = await client.patch(
        url,
        json={"kind": "other", "swedish_signed_on": None, "partner_signed_on": None},
        headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert rekinded.status_code == 409
    replaced = await client.put(
        f"{url}/file",
        content=b"%PDF-1.7\n%%EOF\n",
        headers={"Content-Type": "application/pdf", "If-Match": etag},
    )
    assert replaced.status_code == 409
    assert (await client.get(url)).headers["etag"] == etag  # untouched


async def test_drafts_change_as_merge_patches_by_their_applicants(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    made = await client.post(APPLICATIONS, json=inception(p))
    url = f"{APPLICATIONS}/{made.json()['id']}"
    patch = {"If-Match": made.headers["etag"], "Content-Type": "application/merge-patch+json"}
    same = await client.patch(url, json={"budget": inception(p)["budget"]}, headers=patch)
    assert same.headers["etag"] == made.headers["etag"]  # nothing changed, no new version
    cleared = await client.patch(url, json={"budget": None, "attachment_ids": None}, headers=patch)
    assert (cleared.json()["budget"], cleared.json()["attachment_ids"]) == ([], [])
    partner = await api_key(connection, Role.coordinator, [uuid.UUID(p["partner_ids"][0])])
    async with authorised(client, partner) as partner_side:
        refused = await partner_side.patch(url, json={"description": "x"}, headers=patch)
        assert refused.status_code == 403  # who may act comes before which version
    five_years = await client.post(
        APPLICATIONS,
        json=project(p, (await open_round(client))["id"], planned_end="2032-08-31"),
    )
    assert five_years.json()["code"] == "rule.project-duration"


async def test_multilateral_partnerships_have_the_higher_ceilings(client: AsyncClient) -> None:
    from tests.factories import create_partnership

    zambian = await create_organisation(client, country_code="ZM")
    kenyan = await create_organisation(client, country_code="KE", name="Kenyan county")
    p = await create_partnership(client, zambian["id"], partner_ids=[zambian["id"], kenyan["id"]])
    # 300,000: over the bilateral 275,000, within the multilateral guide value of 330,000.
    made = await client.post(APPLICATIONS, json=inception(p, budget=[line("travel", 1, 300000)]))
    assert made.status_code == 201, made.text
