"""The IATI file through HTTP (issue 15 §3): before anything is published it is an empty
`iati-activities` document, never a 404; the demo's file (`make run`) is full, valid against
the XSD and IATI's Standard ruleset, under the demo's own reporting identifier; a Swedish body
with an organisation number is identified by it."""

from typing import Any

import pytest
from httpx import AsyncClient
from lxml import etree
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from app import cli
from app.core.principal import system_principal
from app.demo.iati import DEMO_REPORTING_ORG_REF, demo_settings
from app.demo.seeds import load_demo_data
from app.exports import iati
from app.settings import Settings
from tests.factories import create_organisation, create_partnership
from tests.funding.helpers import create_grant
from tests.iati_reference import codelist, ruleset_failures
from tests.partnerships.test_documents import app_client

ACTIVITIES = "/api/v1/iati/activities.xml"


def _checked(xml: bytes) -> Any:
    """Valid against the XSD, no rule of the Standard ruleset broken, every sector and country
    on IATI's codelists, and countries and sectors on the activities only."""
    iati.validate(xml)
    assert ruleset_failures(xml) == []
    root = etree.fromstring(xml)
    sectors = codelist("Sector")
    assert {sectors[c]["status"] for c in root.xpath("//sector/@code")} == {"active"}
    assert set(root.xpath("//recipient-country/@code")) <= set(codelist("Country"))
    assert root.xpath("//transaction/recipient-country | //transaction/sector") == []
    return root


async def test_nothing_published_yet_is_an_empty_file_not_a_404(anonymous: AsyncClient) -> None:
    response = await anonymous.get(ACTIVITIES)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
    root = etree.fromstring(response.content)
    assert (root.tag, root.get("version"), len(root)) == ("iati-activities", "2.03", 0)
    # The stamp changes on every request, the ETag does not.
    again = await anonymous.get(ACTIVITIES, headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304
    # One partnership is a resource: unknown or unpublished, it is not found.
    missing = await anonymous.get(
        "/api/v1/iati/partnerships/00000000-0000-0000-0000-000000000000.xml"
    )
    assert missing.status_code == 404


async def test_the_demo_publishes_a_full_valid_file_under_its_demo_identifier(
    settings: Settings, connection: AsyncConnection
) -> None:
    async with AsyncSession(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.info["principal"] = system_principal("demo-data")
        await load_demo_data(session)
        await session.commit()
    async with app_client(demo_settings(settings), connection) as http:
        response = await http.get(ACTIVITIES)
    assert response.status_code == 200, response.text
    root = _checked(response.content)
    activities = root.xpath("iati-activity")
    # The seeds' funded partnerships, both published by the demo: Karlstad - Makueni (one
    # grant) and Alingsås - Chililabombwe (four).
    assert [a.get("hierarchy") for a in activities].count("1") == 2
    assert len(activities) == 7
    assert set(root.xpath("//reporting-org/@ref")) == {DEMO_REPORTING_ORG_REF}
    assert all(
        i.startswith(f"{DEMO_REPORTING_ORG_REF}-") for i in root.xpath("//iati-identifier/text()")
    )
    sectors = {
        a.findtext("title/narrative").split(":")[0]: [
            (s.get("code"), s.get("percentage")) for s in a.xpath("sector")
        ]
        for a in activities
        if a.get("hierarchy") == "1"
    }
    assert sectors == {
        # education, gender equality, labour market
        "Karlstad - Makueni": [("15112", "25"), ("11110", "25"), ("15170", "25"), ("16020", "25")],
        # citizen dialogue; "newcomers" has no DAC code of its own
        "Alingsås - Chililabombwe": [("15112", "50"), ("15150", "50")],
    }
    # Karlstad - Makueni is written in English with a Swedish translation: both are published,
    # the Swedish one named as such (English is the file's default language).
    (karlstad,) = [a for a in activities if "Karlstad - Makueni" in a.findtext("title/narrative")]
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [n.get(lang) for n in karlstad.xpath("title/narrative")] == [None, "sv"]
    assert karlstad.xpath("title/narrative[@xml:lang='sv']/text()") == [
        "Karlstad - Makueni: att bryta könsstereotypa val av studier och arbete"
    ]
    assert [n.get(lang) for n in karlstad.xpath("description/narrative")] == [None, "sv"]
    # The demo knows no organisation numbers (it invents none for real bodies): named only.
    swedish = root.xpath("//participating-org[@type='11']")
    assert {(o.get("ref"), o.findtext("narrative")) for o in swedish} == {
        (None, "Karlstads kommun"),
        (None, "Makueni County"),
        (None, "Alingsås kommun"),
        (None, "Chililabombwe Municipal Council"),
    }


async def test_a_swedish_body_is_identified_by_its_organisation_number(
    client: AsyncClient, anonymous: AsyncClient
) -> None:
    # An invented association of municipalities with an invented (check-digit valid) number.
    association = await create_organisation(
        client,
        type="local_government_association",
        country_code="SE",
        name="Exempelkommunernas förbund",
        org_number="222000-0000",
    )
    partner = await create_organisation(
        client, type="county", country_code="KE", name="Exempel County"
    )
    p = await create_partnership(
        client,
        partner["id"],
        swedish_party_id=association["id"],
        themes=["Gender equality", "citizen dialogue", "newcomers"],
    )
    await create_grant(client, p)
    published = await client.post(f"/api/v1/partnerships/{p['id']}/publish")
    assert published.status_code == 200, published.text

    response = await anonymous.get(f"/api/v1/iati/partnerships/{p['id']}.xml")
    assert response.status_code == 200, response.text
    root = _checked(response.content)
    for activity in root.xpath("iati-activity"):
        orgs = [
            (o.get("role"), o.get("ref"), o.findtext("narrative"))
            for o in activity.xpath("participating-org[@type='11']")
        ]
        assert orgs == [
            ("2", "SE-ON-2220000000", "Exempelkommunernas förbund"),
            ("4", "SE-ON-2220000000", "Exempelkommunernas förbund"),
            ("4", None, "Exempel County"),  # the partner side: named, no identifier known
        ]
        assert [(s.get("code"), s.get("percentage")) for s in activity.xpath("sector")] == [
            ("15112", "34"),
            ("15170", "33"),
            ("15150", "33"),
        ]
        assert activity.xpath("recipient-country/@code") == ["KE"]
    assert set(root.xpath("//receiver-org/@ref")) == {"SE-ON-2220000000"}
    # The whole file holds it too, and is the same check's pass.
    _checked((await anonymous.get(ACTIVITIES)).content)


@pytest.mark.parametrize("with_demo_data", [True, False])
def test_only_serve_with_demo_data_uses_the_demo_identifier(
    monkeypatch: pytest.MonkeyPatch, settings: Settings, with_demo_data: bool
) -> None:
    """`make run` (`serve --demo-data`) publishes under the demo's identifier whatever the
    environment says; a plain `serve` keeps the configured one."""
    import signal

    import uvicorn

    import app.main

    served: list[Settings] = []

    def create_app(given: Settings, **_: Any) -> object:
        served.append(given)
        return object()

    monkeypatch.setattr(cli, "demo_data", lambda *_: None)
    monkeypatch.setattr(app.main, "create_app", create_app)
    monkeypatch.setattr(uvicorn, "run", lambda *_, **__: None)
    monkeypatch.setattr(signal, "signal", lambda *_: None)  # serve's SIGTERM handler
    configured = settings.model_copy(update={"migrate_on_start": False})
    cli.serve(configured, "postgresql://unused", with_demo_data=with_demo_data)
    expected = DEMO_REPORTING_ORG_REF if with_demo_data else "XM-TEST-ICLD"
    assert [s.iati_reporting_org_ref for s in served] == [expected]
