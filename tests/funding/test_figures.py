"""The programme's funding figures: alerts and the compliance view's overdue reports, the yearly
summary reconciled to the grants, CSV for the finance office, and the IATI export validated
against the official 2.03 schema (docs/funding.md, DOMAIN.md §8)."""

import csv
import io
import uuid
from decimal import Decimal
from typing import Any

from httpx import AsyncClient
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app.core.principal import system_principal
from app.demo.seeds import PEOPLE, load_demo_data
from app.exports import iati
from app.models.enums import Role
from app.settings import Settings
from tests.conftest import api_key, authorised
from tests.funding.helpers import create_grant, line, line_id, partnership, sek
from tests.funding.test_grants import cost, decide, pay, report
from tests.partnerships.test_documents import app_client

FUNDING = "/api/v1/funding"


async def test_alerts_and_compliance_show_overdue_reports(
    client: AsyncClient, connection: AsyncConnection
) -> None:
    p = await partnership(client)
    grant = await create_grant(client, p)  # 2019-09-01..2021-08-31
    alerts = (await client.get(f"{FUNDING}/alerts", params={"on": "2020-11-15"})).json()
    # Year 1 ended 2020-08-31: its interim report was due 2020-10-31.
    assert [
        (r["reference"], r["kind"], r["year"], r["days_overdue"]) for r in alerts["overdue_reports"]
    ] == [("KP 2019/101", "interim", 1, 15)]
    assert alerts["ending_soon"] == []
    soon = (await client.get(f"{FUNDING}/alerts", params={"on": "2021-07-01"})).json()
    assert [(g["reference"], g["days_left"]) for g in soon["ending_soon"]] == [("KP 2019/101", 61)]
    compliance = (
        await client.get(
            f"/api/v1/partnerships/{p['id']}/compliance", params={"as_of": "2020-11-15"}
        )
    ).json()
    assert [r["due_on"] for r in compliance["overdue_reports"]] == ["2020-10-31"]
    assert "rule.report-due" in {w["code"] for w in compliance["warnings"]}
    filed = await report(client, grant, "interim", 1, cost(line_id(grant, "travel", 1), "1000"))
    assert filed.status_code == 201
    after = (await client.get(f"{FUNDING}/alerts", params={"on": "2020-11-15"})).json()
    assert after["overdue_reports"] == []
    viewer = await api_key(connection, Role.coordinator, [uuid.UUID(p["swedish_party_id"])])
    async with authorised(client, viewer) as coordinator:
        assert (await coordinator.get(f"{FUNDING}/alerts")).status_code == 403


async def _paid_grant(
    client: AsyncClient, p: dict[str, Any], reference: str, decided_on: str, amount: int, paid: str
) -> dict[str, Any]:
    grant = await create_grant(
        client,
        p,
        reference=reference,
        kind="inception",
        decided_on=decided_on,
        starts="2023-01-01",
        ends="2023-12-31",
        amount=sek(amount),
        budget=[line("travel", 1, amount)],
    )
    if paid:
        filed = (
            await report(client, grant, "final", 1, cost(line_id(grant, "travel", 1), paid))
        ).json()
        await decide(client, grant, filed, "approve")
        assert (await pay(client, grant, filed, paid)).status_code == 201
    return grant


async def test_the_yearly_summary_reconciles_to_the_grants(client: AsyncClient) -> None:
    zambia = await partnership(client, themes=["gender equality", "education"])
    kenya = await partnership(client, country_code="KE", themes=["climate"])
    ukraine = await partnership(client, country_code="UA", applied_on="2024-01-10")
    await _paid_grant(client, zambia, "KP 2023/1", "2023-02-01", 200000, "150000.50")
    await _paid_grant(client, kenya, "KP 2023/2", "2023-06-01", 250000, "")
    await _paid_grant(client, ukraine, "KP 2023/3", "2023-09-01", 210000, "99.50")
    await _paid_grant(client, kenya, "KP 2022/9", "2022-12-01", 100000, "")  # another year
    figures = (await client.get(f"{FUNDING}/summary", params={"year": 2023})).json()
    # Decided in 2023: 200,000 + 250,000 + 210,000; paid in 2020 (the helper's payment day).
    assert (figures["grants"], figures["decided"], figures["paid"]) == (
        3,
        sek("660000.00"),
        sek("0.00"),
    )
    assert [(r["key"], r["grants"], r["decided"]["amount"]) for r in figures["by_country"]] == [
        ("KE", 1, "250000.00"),
        ("UA", 1, "210000.00"),
        ("ZM", 1, "200000.00"),
    ]
    assert [(r["key"], r["decided"]["amount"]) for r in figures["by_region"]] == [
        ("africa", "450000.00"),
        ("europe", "210000.00"),
    ]
    assert [r["key"] for r in figures["by_theme"]] == ["climate", "gender equality", "none"]
    for breakdown in ("by_country", "by_region", "by_kind", "by_theme"):
        rows = figures[breakdown]
        assert sum(r["grants"] for r in rows) == figures["grants"], breakdown
        assert sum(Decimal(r["decided"]["amount"]) for r in rows) == Decimal("660000.00")
        assert sum(Decimal(r["paid"]["amount"]) for r in rows) == Decimal(figures["paid"]["amount"])
    # Partners in Ukraine and Zambia: the first country by code (UA), and its region (europe).
    from tests.factories import create_organisation, create_partnership

    ukrainian = await create_organisation(client, country_code="UA", name="Ukrainian hromada")
    zambian = await create_organisation(client, country_code="ZM", name="Zambian council")
    both = await create_partnership(
        client,
        zambian["id"],
        partner_ids=[zambian["id"], ukrainian["id"]],
        applied_on="2024-01-10",
    )
    await _paid_grant(client, both, "KP 2021/5", "2021-05-01", 1000, "")
    mixed = (await client.get(f"{FUNDING}/summary", params={"year": 2021})).json()
    assert [(r["key"], r["grants"]) for r in mixed["by_country"]] == [("UA", 1)]
    assert [(r["key"], r["grants"]) for r in mixed["by_region"]] == [("europe", 1)]
    paid_2020 = (await client.get(f"{FUNDING}/summary", params={"year": 2020})).json()
    assert (paid_2020["grants"], paid_2020["paid"]) == (0, sek("150100.00"))
    assert [(r["key"], r["paid"]["amount"]) for r in paid_2020["by_country"]] == [
        ("UA", "99.50"),
        ("ZM", "150000.50"),
    ]

    # A name that a spreadsheet would run as a formula is quoted.
    formula = await partnership(client, title='=HYPERLINK("http://x")')
    await _paid_grant(client, formula, "KP 2023/4", "2023-12-01", 1000, "")
    listed = await client.get(f"{FUNDING}/grants.csv", params={"year": 2023})
    assert listed.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(listed.text.removeprefix("\ufeff"))))
    assert [(r["reference"], r["amount_sek"], r["paid_sek"], r["remaining_sek"]) for r in rows] == [
        ("KP 2023/1", "200000.00", "150000.50", "49999.50"),
        ("KP 2023/2", "250000.00", "0.00", "250000.00"),
        ("KP 2023/3", "210000.00", "99.50", "209900.50"),
        ("KP 2023/4", "1000.00", "0.00", "1000.00"),
    ]
    assert rows[-1]["partnership"] == '\'=HYPERLINK("http://x")'
    swedish = await client.get(f"{FUNDING}/payments.csv", params={"dialect": "excel-sv"})
    assert swedish.text.startswith("\ufeffpaid_on;reference;")
    amounts = [r.split(";")[-1] for r in swedish.text.splitlines()[1:]]
    assert sorted(amounts) == ["150000,50", "99,50"]
    summary = await client.get(f"{FUNDING}/summary.csv", params={"year": 2023})
    total = next(csv.reader(io.StringIO(summary.text.removeprefix("\ufeff").splitlines()[1])))
    assert total == ["total", "all", "4", "661000.00", "0.00"]


async def test_the_iati_export_validates_and_holds_no_personal_data(
    anonymous: AsyncClient, connection: AsyncConnection
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    # The demo publishes the seeds' partnerships; only published ones are in the public file.
    response = await anonymous.get("/api/v1/iati/activities.xml")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    iati.validate(response.content)  # the official IATI 2.03 schema, shipped with the code
    tree = etree.fromstring(response.content)
    activities = tree.findall("iati-activity")
    parents = [a for a in activities if a.get("hierarchy") == "1"]
    children = [a for a in activities if a.get("hierarchy") == "2"]
    # Alingsås - Chililabombwe (four grants) and Karlstad - Makueni (one).
    assert (len(parents), len(children)) == (2, 5)
    alingsas = next(a for a in parents if "Alingsås" in a.findtext("title/narrative"))
    assert alingsas.find("recipient-country").get("code") == "ZM"
    roles = [
        (o.get("role"), o.findtext("narrative")) for o in alingsas.findall("participating-org")
    ]
    assert ("1", "Sida") in roles and ("4", "Chililabombwe Municipal Council") in roles
    # Every child points at its parent; the parent lists each child.
    ids = {a.findtext("iati-identifier") for a in parents}
    assert all(c.find("related-activity").get("type") == "1" for c in children)
    assert {c.find("related-activity").get("ref") for c in children} <= ids
    # Money: commitments from decisions and amendments, reimbursements from payments.
    alingsas_id = alingsas.findtext("iati-identifier")
    mine = [c for c in children if c.find("related-activity").get("ref") == alingsas_id]
    committed = sum(
        Decimal(t.find("value").text)
        for c in mine
        for t in c.findall("transaction")
        if t.find("transaction-type").get("code") == "2"
    )
    reimbursed = sum(
        Decimal(t.find("value").text)
        for c in mine
        for t in c.findall("transaction")
        if t.find("transaction-type").get("code") == "7"
    )
    assert (committed, reimbursed) == (Decimal("3080000.00"), Decimal("2167202.40"))
    # The closed-out extension: planned end 2023-03-31 after its amendments, actually ended.
    closed = next(c for c in mine if "KP 2019/38" in c.findtext("title/narrative"))
    dates = {d.get("type"): d.get("iso-date") for d in closed.findall("activity-date")}
    assert (dates["3"], dates["4"]) == ("2023-03-31", "2023-03-31")
    # Codes come from DOMAIN.md's lists.
    assert {a.find("activity-status").get("code") for a in activities} <= iati.ACTIVITY_STATUS
    assert {o.get("role") for o in tree.iter("participating-org")} <= iati.ORGANISATION_ROLES
    assert {t.get("code") for t in tree.iter("transaction-type")} <= iati.TRANSACTION_TYPES
    # No person: no placeholder name or e-mail of the demo's people anywhere in it.
    text = response.text
    assert not any(p.family_name in text or p.given_name in text for p in PEOPLE)
    assert "@" not in text

    partnership_id = alingsas_id[-36:]
    single = await anonymous.get(f"/api/v1/iati/partnerships/{partnership_id}.xml")
    assert single.status_code == 200, single.text
    iati.validate(single.content)
    assert len(etree.fromstring(single.content).findall("iati-activity")) == 5
    again = await anonymous.get(
        f"/api/v1/iati/partnerships/{partnership_id}.xml",
        headers={"If-None-Match": single.headers["etag"]},
    )
    assert again.status_code == 304
    missing = await anonymous.get(f"/api/v1/iati/partnerships/{uuid.uuid4()}.xml")
    assert missing.status_code == 404


async def test_the_iati_export_waits_for_icld_s_identifier(
    settings: Settings, connection: AsyncConnection
) -> None:
    unset = settings.model_copy(update={"iati_reporting_org_ref": None})
    async with app_client(unset, connection) as client:
        response = await client.get("/api/v1/iati/activities.xml")
    assert (response.status_code, response.json()["code"]) == (503, "not-configured")
