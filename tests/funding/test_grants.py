"""Grants: decisions with budget lines within the ceilings, amendments that never overwrite,
reports within their lines, payments after approved reports, and the balance (docs/funding.md).
Every funding rule is broken once here and answers its named 422."""

import uuid
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from sqlalchemy.ext.asyncio import AsyncConnection

from app.models.enums import Role
from app.schemas.funding.grants import GrantRead
from tests.conftest import api_key, authorised
from tests.funding.helpers import (
    APPLICATIONS,
    GRANTS,
    act,
    create_grant,
    grant_body,
    line,
    line_id,
    partnership,
    sek,
)


async def amend(client: AsyncClient, grant: dict[str, Any], **body: Any) -> Any:
    body.setdefault("decided_on", "2020-03-01")
    body.setdefault("reference", f"KP {uuid.uuid4().hex[:8]}")
    return await client.post(f"{GRANTS}/{grant['id']}/amendments", json=body)


async def report(
    client: AsyncClient, grant: dict[str, Any], kind: str, year: int, *costs: dict[str, Any]
) -> Any:
    """A report that reached ICLD on 2020-10-15 (a paper report, recorded afterwards)."""
    return await client.post(
        f"{GRANTS}/{grant['id']}/reports",
        json={
            "kind": kind,
            "year": year,
            "narrative": "Activities as planned.",
            "costs": costs,
            "submitted_on": "2020-10-15",
        },
    )


def cost(line_id: str, amount: str, currency: str = "SEK", rate: str | None = None) -> Any:
    body: dict[str, Any] = {
        "budget_line_id": line_id,
        "amount": {"amount": amount, "currency": currency},
    }
    if rate is not None:
        body["rate"] = rate
    return body


async def decide(client: AsyncClient, grant: dict[str, Any], report: Any, action: str) -> Any:
    return await client.post(
        f"{GRANTS}/{grant['id']}/reports/{report['id']}/{action}",
        json={"decided_on": "2020-11-01"},
    )


async def pay(client: AsyncClient, grant: dict[str, Any], report: Any, amount: str) -> Any:
    return await client.post(
        f"{GRANTS}/{grant['id']}/payments",
        json={
            "report_id": report["id"],
            "amount": sek(amount),
            "paid_on": "2020-11-30",
            "reference": f"UTB {uuid.uuid4().hex[:8]}",
        },
    )


async def test_a_grant_decision_with_its_budget_and_funding_chain(client: AsyncClient) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    assert (
        grant["original"]
        == grant["current"]
        == {
            "amount": {"amount": "800000.00", "currency": "SEK"},
            "ends": "2021-08-31",
        }
    )
    assert [c["role"] for c in grant["funding_chain"]] == ["funder", "grantor", "recipient"]
    assert grant["funding_chain"][2]["organisation_id"] == p["swedish_party_id"]
    # Reports due: an interim for year 1 two months after it, the final three after the end.
    assert [(d["kind"], d["year"], d["due_on"]) for d in grant["reports_due"]] == [
        ("interim", 1, "2020-10-31"),
        ("final", 2, "2021-11-30"),
    ]
    fetched = await client.get(f"{GRANTS}/{grant['id']}")
    assert fetched.json() == grant
    # Served from the row's values without the model (app/api/answers.py): the model's bytes.
    assert fetched.content == GrantRead.model_validate(grant).model_dump_json().encode()
    # The list answers it as its own route does (the list serialises rows without a model).
    listed = await client.get(GRANTS, params={"partnership_id": p["id"]})
    assert listed.json()["items"] == [grant]
    unchanged = await client.get(
        f"{GRANTS}/{grant['id']}", headers={"If-None-Match": fetched.headers["etag"]}
    )
    assert unchanged.status_code == 304


async def test_grant_decisions_follow_the_rules(client: AsyncClient) -> None:
    p = await partnership(client)
    not_summing = await client.post(GRANTS, json=grant_body(p, amount=sek(800001)))
    assert (not_summing.json()["code"], not_summing.json()["errors"][0]["pointer"]) == (
        "rule.budget-lines-sum",
        "/budget",
    )
    backwards = await client.post(GRANTS, json=grant_body(p, ends="2019-01-01"))
    assert backwards.json()["code"] == "rule.grant-period"
    in_ore = await client.post(GRANTS, json=grant_body(p, amount=sek("800000.50")))
    assert in_ore.json()["code"] == "rule.whole-kronor"
    salaries = await client.post(
        GRANTS, json=grant_body(p, amount=sek(1000), budget=[line("salaries", 1, 1000)])
    )
    assert salaries.json()["code"] == "rule.ineligible-cost"
    over = await client.post(
        GRANTS,
        json=grant_body(
            p, amount=sek(500001), budget=[line("travel", 1, 400001), line("venue", 1, 100000)]
        ),
    )
    assert over.json()["code"] == "rule.budget-ceiling"
    unknown = await client.post(GRANTS, json=grant_body(p, partnership_id=str(uuid.uuid4())))
    assert unknown.json()["code"] == "rule.unknown-partnership"
    draft = await client.post(
        APPLICATIONS,
        json={
            "partnership_id": p["id"],
            "kind": "inception",
            "planned_start": "2027-03-01",
            "planned_end": "2028-02-29",
        },
    )
    unapproved = await client.post(GRANTS, json=grant_body(p, application_id=draft.json()["id"]))
    assert (unapproved.json()["code"], unapproved.json()["errors"][0]["pointer"]) == (
        "rule.grant-application",
        "/application_id",
    )
    await create_grant(client, p)
    twice = await client.post(GRANTS, json=grant_body(p))
    assert twice.status_code == 409  # the same decision reference


def refused_at(response: Any) -> list[tuple[str, str]]:
    assert response.status_code == 422, response.text
    return [(e["pointer"], e["type"]) for e in response.json()["errors"]]


async def test_an_amount_of_nothing_or_less_is_refused_at_the_amount(client: AsyncClient) -> None:
    """Budget lines, decided amounts, amendments' amounts, costs and payments are more than 0,
    as the pattern of their `PositiveMoney` says; a payment is in SEK, as its constant says."""
    p = await partnership(client)
    for amount in ("0", "0.00", "-0", "-5"):
        decided = await client.post(
            GRANTS, json=grant_body(p, amount=sek(amount), budget=[line("travel", 1, amount)])
        )
        assert refused_at(decided) == [
            ("/amount/amount", "greater_than"),
            ("/budget/0/amount/amount", "greater_than"),
        ]
    grant = await create_grant(client, p)
    travel_1, venue_1 = line_id(grant, "travel", 1), line_id(grant, "venue", 1)
    cut = await amend(
        client, grant, kind="reduction", reductions=[{"line_id": venue_1, "amount": sek(0)}]
    )
    assert refused_at(cut) == [("/reduction/reductions/0/amount/amount", "greater_than")]
    moved = await amend(
        client,
        grant,
        kind="reallocation",
        moves=[{"from_line_id": venue_1, "to_line_id": travel_1, "amount": sek(-1000)}],
    )
    assert refused_at(moved) == [("/reallocation/moves/0/amount/amount", "greater_than")]
    added = await amend(
        client, grant, kind="extension", new_end="2021-12-31", additions=[line("travel", 2, "0")]
    )
    assert refused_at(added) == [("/extension/additions/0/amount/amount", "greater_than")]

    nothing = await report(
        client, grant, "interim", 1, cost(travel_1, "0.00"), cost(travel_1, "0.01")
    )
    assert refused_at(nothing) == [("/costs/0/amount/amount", "greater_than")]
    filed = await report(client, grant, "interim", 1, cost(travel_1, "1000"))
    assert (await decide(client, grant, filed.json(), "approve")).status_code == 200
    assert refused_at(await pay(client, grant, filed.json(), "-0.50")) == [
        ("/amount/amount", "greater_than")
    ]
    in_euros = await client.post(
        f"{GRANTS}/{grant['id']}/payments",
        json={
            "report_id": filed.json()["id"],
            "amount": {"amount": "100.00", "currency": "EUR"},
            "paid_on": "2020-11-30",
            "reference": "UTB 1",
        },
    )
    assert refused_at(in_euros) == [("/amount/currency", "literal_error")]
    assert (await pay(client, grant, filed.json(), "0.01")).status_code == 201


async def test_a_grant_answers_its_approved_application_once(client: AsyncClient) -> None:
    from tests.funding.helpers import attachments

    p = await partnership(client)
    documents = await attachments(client, p)
    application = (
        await client.post(
            APPLICATIONS,
            json={
                "partnership_id": p["id"],
                "kind": "inception",
                "planned_start": "2027-03-01",
                "planned_end": "2028-02-29",
                "attachment_ids": documents,
                "budget": [line("travel", 1, 200000)],
            },
        )
    ).json()
    for action in ("submit", "assess", "approve"):
        assert (await act(client, application, action)).status_code == 200
    body = grant_body(
        p,
        kind="inception",
        application_id=application["id"],
        starts="2027-03-01",
        ends="2028-02-29",
        amount=sek(200000),
        budget=[line("travel", 1, 200000)],
    )
    wrong_kind = await client.post(GRANTS, json={**body, "kind": "project"})
    assert wrong_kind.json()["code"] == "rule.grant-application"
    made = await client.post(GRANTS, json=body)
    assert made.status_code == 201, made.text
    again = await client.post(GRANTS, json={**body, "reference": "KP 2027/2"})
    assert again.json()["code"] == "rule.grant-application"


async def test_amendments_change_the_current_figures_never_the_original(
    client: AsyncClient,
) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    postponed = await amend(client, grant, kind="postponement", days=30)
    assert postponed.status_code == 201, postponed.text
    assert (postponed.json()["ends_before"], postponed.json()["ends_after"]) == (
        "2021-08-31",
        "2021-09-30",
    )
    none = await amend(client, grant, kind="postponement", days=0)
    assert none.json()["code"] == "rule.postponement-length"
    earlier = await amend(client, grant, kind="extension", new_end="2021-01-01")
    assert (earlier.json()["code"], earlier.json()["errors"][0]["pointer"]) == (
        "rule.amendment",
        "/new_end",
    )
    extended = await amend(
        client,
        grant,
        kind="extension",
        new_end="2022-08-31",
        additions=[line("travel", 3, 250000), line("venue", 2, 50000)],
    )
    assert extended.status_code == 201, extended.text
    assert extended.json()["amount_change"] == sek("300000.00")
    too_much = await amend(
        client, grant, kind="extension", new_end="2022-09-15", additions=[line("travel", 3, 250001)]
    )
    assert too_much.json()["code"] == "rule.budget-ceiling"
    # Three years (without the 30 days' postponement) at most: a longer project is a new grant.
    too_long = await amend(client, grant, kind="extension", new_end="2022-10-15")
    assert (too_long.json()["code"], too_long.json()["errors"][0]["pointer"]) == (
        "rule.amendment",
        "/new_end",
    )
    year_four = await amend(
        client, grant, kind="extension", new_end="2022-09-15", additions=[line("travel", 4, 1)]
    )
    assert year_four.json()["code"] == "rule.budget-year"
    current = (await client.get(f"{GRANTS}/{grant['id']}")).json()
    venue_1, travel_2 = line_id(current, "venue", 1), line_id(current, "travel", 2)
    moved = await amend(
        client,
        grant,
        kind="reallocation",
        moves=[{"from_line_id": venue_1, "to_line_id": travel_2, "amount": sek(40000)}],
    )
    assert moved.status_code == 201, moved.text
    assert moved.json()["amount_change"] == sek("0.00")
    over_line = await amend(
        client,
        grant,
        kind="reallocation",
        moves=[{"from_line_id": venue_1, "to_line_id": travel_2, "amount": sek(60001)}],
    )
    assert (over_line.json()["code"], over_line.json()["errors"][0]["pointer"]) == (
        "rule.amendment",
        "/moves/0/amount",
    )
    # Year 2 would be 300,000 + 40,000 + 150,000 + ... beyond 500,000 a year.
    beyond_year = await amend(
        client,
        grant,
        kind="reallocation",
        moves=[
            {
                "from_line_id": line_id(current, "travel", 3),
                "to_line_id": travel_2,
                "amount": sek(200000),
            }
        ],
    )
    assert beyond_year.json()["code"] == "rule.budget-ceiling"
    stranger = await amend(
        client,
        grant,
        kind="reduction",
        reductions=[{"line_id": str(uuid.uuid4()), "amount": sek(1)}],
    )
    assert stranger.json()["code"] == "rule.amendment"
    reduced = await amend(
        client, grant, kind="reduction", reductions=[{"line_id": venue_1, "amount": sek(60000)}]
    )
    assert reduced.json()["amount_change"] == sek("-60000.00")
    after = (await client.get(f"{GRANTS}/{grant['id']}")).json()
    assert after["original"] == grant["original"]
    assert after["current"] == {
        "amount": {"amount": "1040000.00", "currency": "SEK"},
        "ends": "2022-08-31",
    }
    by_line = {
        (x["category"], x["year"]): (x["original"]["amount"], x["current"]["amount"])
        for x in after["budget"]
    }
    assert by_line == {
        ("travel", 1): ("300000.00", "300000.00"),
        ("venue", 1): ("100000.00", "0.00"),
        ("travel", 2): ("300000.00", "340000.00"),
        ("venue", 2): ("100000.00", "150000.00"),
        ("travel", 3): ("0.00", "250000.00"),
    }
    kinds = [a["kind"] for a in (await client.get(f"{GRANTS}/{grant['id']}/amendments")).json()]
    assert kinds == ["postponement", "extension", "reallocation", "reduction"]
    listed = await client.get(GRANTS, params={"partnership_id": grant["partnership_id"]})
    assert listed.json()["items"] == [after]


async def test_reports_stay_within_their_lines_and_years(client: AsyncClient) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    travel_1, venue_1 = line_id(grant, "travel", 1), line_id(grant, "venue", 1)
    final_too_early = await report(client, grant, "final", 1)
    assert final_too_early.json()["code"] == "rule.report-year"
    interim_last = await report(client, grant, "interim", 2)
    assert interim_last.json()["code"] == "rule.report-year"
    other_year = await report(client, grant, "interim", 1, cost(line_id(grant, "travel", 2), "10"))
    assert (other_year.json()["code"], other_year.json()["errors"][0]["pointer"]) == (
        "rule.report-year",
        "/costs/0/budget_line_id",
    )
    beyond = await report(client, grant, "interim", 1, cost(venue_1, "100000.01"))
    assert (beyond.json()["code"], beyond.json()["errors"][0]["pointer"]) == (
        "rule.cost-beyond-budget-line",
        "/costs/0/amount",
    )
    sek_with_rate = await report(client, grant, "interim", 1, cost(travel_1, "10", rate="1.0"))
    assert sek_with_rate.json()["code"] == "rule.exchange-rate"
    no_rate = await report(client, grant, "interim", 1, cost(travel_1, "10", "ZMW"))
    assert no_rate.json()["code"] == "rule.exchange-rate"
    # 10.00 USD at 10.0005: 100.005 SEK, half up to 100.01 (not the banker's 100.00).
    filed = await report(
        client,
        grant,
        "interim",
        1,
        cost(travel_1, "10.00", "USD", "10.0005"),
        cost(venue_1, "99999.99"),
    )
    assert filed.status_code == 201, filed.text
    costs = filed.json()["costs"]
    assert costs[0]["amount"] == sek("100.01")
    assert costs[0]["original"] == {"amount": "10.00", "currency": "USD"}
    assert filed.json()["total"] == sek("100100.00")
    twice = await report(client, grant, "interim", 1)
    assert twice.json()["code"] == "rule.report-year"
    # The venue line of year 1 holds 100,000: 99,999.99 is reported, so it cannot go below.
    cut = await amend(
        client, grant, kind="reduction", reductions=[{"line_id": venue_1, "amount": sek(1)}]
    )
    assert cut.json()["code"] == "rule.below-reported"
    due = (await client.get(f"{GRANTS}/{grant['id']}")).json()["reports_due"]
    assert due[0]["report_id"] == filed.json()["id"]
    returned = await decide(client, grant, filed.json(), "return")
    assert returned.json()["status"] == "returned"
    again = await decide(client, grant, filed.json(), "approve")
    assert again.json()["code"] == "rule.report-transition"
    refiled = await report(client, grant, "interim", 1, cost(venue_1, "100000"))
    assert refiled.status_code == 201, refiled.text  # a returned report holds nothing


async def test_payments_follow_approved_reports_and_the_balance_adds_up(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    travel_1 = line_id(grant, "travel", 1)
    # The Swedish party's coordinator files; the partner side may not.
    swedish = await api_key(connection, Role.coordinator, [uuid.UUID(p["swedish_party_id"])])
    partner = await api_key(connection, Role.coordinator, [uuid.UUID(p["partner_ids"][0])])
    async with authorised(client, partner) as partner_side:
        refused = await report(partner_side, grant, "interim", 1, cost(travel_1, "1000"))
        assert refused.status_code == 403
    async with authorised(client, swedish) as swedish_side:
        filed = (
            await report(swedish_side, grant, "interim", 1, cost(travel_1, "250000.50"))
        ).json()
        assert (await decide(swedish_side, grant, filed, "approve")).status_code == 403
    early = await pay(client, grant, filed, "1000")
    assert (early.json()["code"], early.json()["errors"][0]["pointer"]) == (
        "rule.payment-after-approved-report",
        "/report_id",
    )
    approved = await decide(client, grant, filed, "approve")
    assert approved.json()["status"] == "approved"
    first = await pay(client, grant, filed, "200000")
    assert first.status_code == 201, first.text
    beyond = await pay(client, grant, filed, "50000.51")
    assert beyond.json()["code"] == "rule.payment-beyond-approved"
    rest = await pay(client, grant, filed, "50000.50")
    assert rest.status_code == 201
    cut_below_paid = await amend(
        client,
        grant,
        kind="reduction",
        reductions=[
            {"line_id": line_id(grant, name, year), "amount": sek(100000)}
            for name, year in (("venue", 1), ("venue", 2))
        ]
        + [{"line_id": line_id(grant, "travel", 2), "amount": sek(300000)}],
    )
    assert cut_below_paid.status_code == 201  # 300,000 left, above 250,000.50 paid
    balance = (await client.get(f"{GRANTS}/{grant['id']}/balance")).json()
    assert {
        k: balance[k]["amount"]
        for k in (
            "decided_original",
            "decided_current",
            "reported",
            "approved",
            "paid",
            "remaining",
        )
    } == {
        "decided_original": "800000.00",
        "decided_current": "300000.00",
        "reported": "250000.50",
        "approved": "250000.50",
        "paid": "250000.50",
        "remaining": "49999.50",
    }
    payments = (await client.get(f"{GRANTS}/{grant['id']}/payments")).json()
    assert sum(Decimal(x["amount"]["amount"]) for x in payments) == Decimal("250000.50")


async def test_a_closed_out_grant_takes_nothing_more(client: AsyncClient) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    outside = await amend(client, grant, kind="close_out", closes_on="2021-08-31")
    assert (outside.json()["code"], outside.json()["errors"][0]["pointer"]) == (
        "rule.amendment",
        "/closes_on",
    )
    closed = await amend(client, grant, kind="close_out", closes_on="2020-03-31")
    assert closed.status_code == 201, closed.text
    after = (await client.get(f"{GRANTS}/{grant['id']}")).json()
    assert (after["status"], after["closed_on"], after["current"]["ends"]) == (
        "closed",
        "2020-03-31",
        "2020-03-31",
    )
    # Closed inside its first year: the final report covers year 1, and nothing after.
    assert [(d["kind"], d["year"]) for d in after["reports_due"]] == [("final", 1)]
    later = await report(client, grant, "interim", 2)
    assert later.json()["code"] == "rule.grant-closed"
    more = await amend(client, grant, kind="postponement", days=10)
    assert more.json()["code"] == "rule.grant-closed"


async def test_grants_are_read_by_their_partnerships_and_decided_by_icld(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    own = await api_key(connection, Role.viewer, [uuid.UUID(p["swedish_party_id"])])
    elsewhere = await partnership(client, swedish_code="1780")  # Karlstad
    other = await api_key(connection, Role.coordinator, [uuid.UUID(elsewhere["swedish_party_id"])])
    async with authorised(client, own) as viewer:
        assert (await viewer.get(f"{GRANTS}/{grant['id']}")).status_code == 200
        assert (
            await viewer.post("/api/v1/grants", json=grant_body(p, reference="x"))
        ).status_code == 403
    async with authorised(client, other) as coordinator:
        assert (await coordinator.get(f"{GRANTS}/{grant['id']}")).status_code == 404
        assert (await coordinator.get(f"{GRANTS}/{grant['id']}/balance")).status_code == 404
        listed = await coordinator.get(GRANTS)
        assert grant["id"] not in {g["id"] for g in listed.json()["items"]}


async def test_review_cases_of_amendments_reports_and_payments(client: AsyncClient) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    url = f"{GRANTS}/{grant['id']}"
    etag = (await client.get(url)).headers["etag"]
    moved = await amend(
        client,
        grant,
        kind="reallocation",
        moves=[
            {
                "from_line_id": line_id(grant, "venue", 1),
                "to_line_id": line_id(grant, "travel", 1),
                "amount": sek(1000),
            }
        ],
    )
    assert moved.status_code == 201
    assert moved.headers["location"] == f"{url}/amendments/{moved.json()['id']}"
    assert (await client.get(moved.headers["location"])).json() == moved.json()
    # Lines only changed, yet the grant shows them: a new version, so caches see it.
    stale = await client.get(url, headers={"If-None-Match": etag})
    assert stale.status_code == 200
    # A cost that is less than an öre in SEK.
    tiny = await report(
        client, grant, "interim", 1, cost(line_id(grant, "travel", 1), "0.01", "USD", "0.1")
    )
    assert tiny.json()["code"] == "rule.exchange-rate"
    filed = (
        await report(client, grant, "final", 2, cost(line_id(grant, "travel", 2), "5000"))
    ).json()
    # A close-out in year 1 would cancel year 2, which has its report.
    refused = await amend(client, grant, kind="close_out", closes_on="2020-03-31")
    assert (refused.json()["code"], refused.json()["errors"][0]["pointer"]) == (
        "rule.amendment",
        "/closes_on",
    )
    # Postponing keeps the years: the last one runs longer, the final report still stands.
    postponed = await amend(client, grant, kind="postponement", days=30)
    assert postponed.status_code == 201
    due = (await client.get(url)).json()["reports_due"]
    assert [(d["kind"], d["year"], d["report_id"]) for d in due] == [
        ("interim", 1, None),
        ("final", 2, filed["id"]),
    ]
    approved = await decide(client, grant, filed, "approve")  # on 2020-11-01
    assert approved.status_code == 200
    early = await client.post(
        f"{url}/payments",
        json={
            "report_id": filed["id"],
            "amount": sek(100),
            "paid_on": "2020-10-20",
            "reference": "UTB early",
        },
    )
    assert (early.json()["code"], early.json()["errors"][0]["pointer"]) == (
        "rule.payment-after-approved-report",
        "/paid_on",
    )
    paid = await pay(client, grant, filed, "5000")
    assert paid.headers["location"] == f"{url}/payments/{paid.json()['id']}"
    assert (await client.get(paid.headers["location"])).json() == paid.json()


async def test_a_close_out_cancels_the_later_years(client: AsyncClient) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)
    closed = await amend(client, grant, kind="close_out", closes_on="2020-03-31")
    assert closed.json()["amount_change"] == sek("-400000.00")  # year 2's lines
    after = (await client.get(f"{GRANTS}/{grant['id']}")).json()
    assert after["current"]["amount"] == sek("400000.00")
    assert {x["current"]["amount"] for x in after["budget"] if x["year"] == 2} == {"0.00"}


async def test_a_total_of_grants_counts_those_listed_with_the_filters_and_scope(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    """The total is counted apart from the page (without the lines and reports read beside
    each grant): the same grants, filtered and scoped as the page is."""
    p = await partnership(client)
    kept = await create_grant(client, p)
    closed = await create_grant(client, p, reference="KP 2019/102", decided_on="2019-06-11")
    assert (await amend(client, closed, kind="close_out", closes_on="2020-03-31")).is_success
    elsewhere = await partnership(client, swedish_code="1780")  # Karlstad
    theirs = await create_grant(client, elsewhere, reference="KP 2019/103")
    other = await api_key(connection, Role.coordinator, [uuid.UUID(elsewhere["swedish_party_id"])])

    async def listed(http: AsyncClient, **params: str) -> tuple[list[str], int]:
        body = (await http.get(GRANTS, params={"with_total": "true", **params})).json()
        return [g["id"] for g in body["items"]], body["total"]

    assert await listed(client, partnership_id=p["id"]) == ([kept["id"], closed["id"]], 2)
    assert await listed(client, partnership_id=p["id"], status="closed") == ([closed["id"]], 1)
    assert await listed(client, partnership_id=p["id"], limit="1") == ([kept["id"]], 2)
    assert await listed(client, status="closed", updated_since="2999-01-01T00:00:00Z") == ([], 0)
    async with authorised(client, other) as coordinator:
        assert await listed(coordinator) == ([theirs["id"]], 1)
        assert await listed(coordinator, partnership_id=p["id"]) == ([], 0)
