"""The IATI 2.03 export without a database: realistic partnerships in, schema-valid XML out,
with the mapping of DOMAIN.md §8 checked element by element."""

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from lxml import etree

from app.exports import iati
from app.exports.iati import (
    Budget,
    Dates,
    DocumentLink,
    GrantActivity,
    Org,
    PartnershipActivity,
    Result,
    Transaction,
    activities_xml,
    percentages,
    swedish_org_ref,
    validate,
)
from tests.iati_reference import codelist

# A placeholder identifier, not ICLD's real one.
ICLD = Org("ICLD", ref="SE-ON-000000-0000", type="15")
GENERATED = datetime(2024, 2, 1, 8, 30, tzinfo=UTC)
UPDATED = datetime(2023, 7, 3, 14, 0, tzinfo=UTC)
ALINGSAS = Org("Alingsås kommun")
CHILILABOMBWE = Org("Chililabombwe Municipal Council")

PROJECT_GRANT = GrantActivity(
    identifier="SE-ON-000000-0000-KP-2019-014",
    title="Alingsås - Chililabombwe: citizen dialogue, project",
    description="Project grant: citizen dialogue in Chililabombwe (2019-2023).",
    status="4",  # closed: the final report is reimbursed
    dates=Dates(
        planned_start=date(2019, 4, 1),
        actual_start=date(2019, 4, 1),
        planned_end=date(2023, 11, 30),  # after the two-year postponement
        actual_end=date(2023, 3, 31),  # closed early
    ),
    budgets=(
        Budget(date(2019, 4, 1), date(2020, 3, 31), Decimal("450000")),
        Budget(date(2020, 4, 1), date(2021, 3, 31), Decimal("450000")),
        Budget(date(2021, 4, 1), date(2022, 3, 31), Decimal("450000"), type="2"),
    ),
    transactions=(
        Transaction("2", date(2019, 3, 20), Decimal("900000"), "Grant decision"),
        Transaction("2", date(2021, 2, 15), Decimal("450000"), "Extension"),
        Transaction("7", date(2020, 6, 10), Decimal("287340.50"), "Reimbursement, year 1"),
        Transaction("7", date(2022, 5, 20), Decimal("198765.00")),
        Transaction("7", date(2023, 6, 30), Decimal("402118.25"), value_date=date(2023, 6, 28)),
    ),
    last_updated=UPDATED,
)

ALINGSAS_CHILILABOMBWE = PartnershipActivity(
    identifier="SE-ON-000000-0000-KP-ALI-CHI",
    title="Alingsås - Chililabombwe municipal partnership",
    description="Municipal partnership of Alingsås (SE) and Chililabombwe (ZM) since 2014.",
    status="4",
    dates=Dates(planned_start=date(2014, 1, 1), actual_end=date(2023, 3, 31)),
    swedish_party=ALINGSAS,
    partners=(CHILILABOMBWE,),
    recipient_countries=("ZM",),
    sectors=("15112", "15150"),
    grants=(PROJECT_GRANT,),
    documents=(
        DocumentLink(
            "https://example.org/kp/ali-chi/final-report.pdf",
            "Final report",
            category="A07",
            document_date=date(2023, 5, 15),
        ),
    ),
    results=(
        Result("1", "Citizen dialogue forums held", "Forums in each ward of Chililabombwe."),
        Result("2", "Residents take part in municipal decisions", indicators=("Participation",)),
    ),
    last_updated=UPDATED,
)

# An invented Swedish body with an invented organisation number (never a real body's).
EXEMPEL = Org("Exempelkommunernas förbund", ref=swedish_org_ref("222000-0000"))

TWO_PARTNERS = PartnershipActivity(
    identifier="SE-ON-000000-0000-KP-EXE-MULTI",
    title="Exempelkommunernas förbund - Kibaha - Makueni gender equality partnership",
    description="An invented multilateral partnership with partners in two countries.",
    status="2",
    dates=Dates(planned_start=date(2024, 1, 1), planned_end=date(2024, 12, 31)),
    swedish_party=EXEMPEL,
    partners=(Org("Kibaha Town Council", ref="TZ-TEST-0001"), Org("Makueni County")),
    recipient_countries=("TZ", "KE"),
    sectors=("15112", "15170", "11110"),
    grants=(
        GrantActivity(
            identifier="SE-ON-000000-0000-KP-2024-003",
            title="Inception",
            description="Inception grant.",
            status="2",
            dates=Dates(planned_start=date(2024, 1, 1), planned_end=date(2024, 12, 31)),
            budgets=(Budget(date(2024, 1, 1), date(2024, 12, 31), Decimal("330000")),),
            transactions=(Transaction("2", date(2023, 12, 1), Decimal("330000")),),
        ),
    ),
)


def _parse(*activities: PartnershipActivity) -> Any:
    xml = activities_xml(list(activities), reporting_org=ICLD, generated_at=GENERATED)
    validate(xml)
    return etree.fromstring(xml)


def _activity(root: Any, identifier: str) -> Any:
    (activity,) = root.xpath("iati-activity[iati-identifier=$id]", id=identifier)
    return activity


def test_the_document_is_valid_utf8_with_its_header() -> None:
    xml = activities_xml([ALINGSAS_CHILILABOMBWE], reporting_org=ICLD, generated_at=GENERATED)
    validate(xml)
    assert xml.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    assert "Alingsås".encode() in xml
    root = etree.fromstring(xml)
    assert root.tag == "iati-activities"
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2024-02-01T08:30:00+00:00"
    for activity in root.xpath("iati-activity"):
        assert activity.get("default-currency") == "SEK"
        assert activity.get("{http://www.w3.org/XML/1998/namespace}lang") == "en"
        assert activity.get("last-updated-datetime") == "2023-07-03T14:00:00+00:00"


def test_a_partnership_is_the_parent_of_its_grants() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE)
    assert root.xpath("iati-activity/iati-identifier/text()") == [
        "SE-ON-000000-0000-KP-ALI-CHI",
        "SE-ON-000000-0000-KP-2019-014",
    ]
    parent = _activity(root, "SE-ON-000000-0000-KP-ALI-CHI")
    grant = _activity(root, "SE-ON-000000-0000-KP-2019-014")
    assert (parent.get("hierarchy"), grant.get("hierarchy")) == ("1", "2")
    assert parent.xpath("related-activity/@type") == ["2"]
    assert parent.xpath("related-activity/@ref") == ["SE-ON-000000-0000-KP-2019-014"]
    assert grant.xpath("related-activity/@type") == ["1"]
    assert grant.xpath("related-activity/@ref") == ["SE-ON-000000-0000-KP-ALI-CHI"]
    assert grant.xpath("title/narrative/text()") == [PROJECT_GRANT.title]
    assert grant.xpath("description[@type='1']/narrative/text()") == [PROJECT_GRANT.description]
    for activity in (parent, grant):
        assert activity.xpath("reporting-org/@ref") == ["SE-ON-000000-0000"]
        assert activity.xpath("reporting-org/@type") == ["15"]
        assert activity.xpath("reporting-org/narrative/text()") == ["ICLD"]


def test_a_text_in_several_languages_names_each_but_the_default() -> None:
    swedish = iati.Narrative(
        "Alingsås - Chililabombwe: medborgardialog",
        "sv",
        (("en", "Alingsås - Chililabombwe: citizen dialogue"), ("es", "Diálogo ciudadano")),
    )
    root = _parse(dataclasses.replace(ALINGSAS_CHILILABOMBWE, title=swedish))
    parent = _activity(root, "SE-ON-000000-0000-KP-ALI-CHI")
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    assert [(n.get(lang), n.text) for n in parent.xpath("title/narrative")] == [
        ("sv", "Alingsås - Chililabombwe: medborgardialog"),
        (None, "Alingsås - Chililabombwe: citizen dialogue"),  # the file's default, English
        ("es", "Diálogo ciudadano"),
    ]
    with pytest.raises(ValueError, match="one narrative per language"):
        iati.Narrative("Titel", "sv", (("sv", "Annan titel"),))


def test_participating_organisations_follow_the_funding_chain() -> None:
    grant = _activity(_parse(ALINGSAS_CHILILABOMBWE), PROJECT_GRANT.identifier)
    orgs = [
        (org.get("role"), org.get("type"), org.get("ref"), org.findtext("narrative"))
        for org in grant.xpath("participating-org")
    ]
    assert orgs == [
        ("1", "10", "SE-0-SE-6", "Sida"),
        ("2", "15", "SE-ON-000000-0000", "ICLD"),
        ("2", "11", None, "Alingsås kommun"),
        ("3", "15", "SE-ON-000000-0000", "ICLD"),
        ("4", "11", None, "Alingsås kommun"),
        ("4", "11", None, "Chililabombwe Municipal Council"),
    ]


def test_status_and_only_the_given_dates() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE)
    grant = _activity(root, PROJECT_GRANT.identifier)
    assert grant.xpath("activity-status/@code") == ["4"]
    dates = {d.get("type"): d.get("iso-date") for d in grant.xpath("activity-date")}
    assert dates == {"1": "2019-04-01", "2": "2019-04-01", "3": "2023-11-30", "4": "2023-03-31"}
    parent = _activity(root, ALINGSAS_CHILILABOMBWE.identifier)
    assert [(d.get("type"), d.get("iso-date")) for d in parent.xpath("activity-date")] == [
        ("1", "2014-01-01"),
        ("4", "2023-03-31"),
    ]


def test_commitments_and_reimbursements_are_decimal_strings() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE)
    grant = _activity(root, PROJECT_GRANT.identifier)
    rows = [
        (
            t.xpath("string(transaction-type/@code)"),
            t.xpath("string(transaction-date/@iso-date)"),
            t.findtext("value"),
            t.xpath("string(value/@currency)"),
            t.xpath("string(value/@value-date)"),
            t.findtext("description/narrative"),
        )
        for t in grant.xpath("transaction")
    ]
    assert rows == [
        ("2", "2019-03-20", "900000.00", "SEK", "2019-03-20", "Grant decision"),
        ("2", "2021-02-15", "450000.00", "SEK", "2021-02-15", "Extension"),
        ("7", "2020-06-10", "287340.50", "SEK", "2020-06-10", "Reimbursement, year 1"),
        ("7", "2022-05-20", "198765.00", "SEK", "2022-05-20", None),
        ("7", "2023-06-30", "402118.25", "SEK", "2023-06-28", None),
    ]
    assert grant.xpath("transaction/provider-org/narrative/text()") == ["ICLD"] * 5
    assert grant.xpath("transaction/provider-org/@ref") == ["SE-ON-000000-0000"] * 5
    assert grant.xpath("transaction/receiver-org/narrative/text()") == ["Alingsås kommun"] * 5
    # Money lives on the grants, never on the partnership (it would count twice).
    parent = _activity(root, ALINGSAS_CHILILABOMBWE.identifier)
    assert parent.xpath("transaction | budget") == []


def test_one_budget_per_project_year() -> None:
    grant = _activity(_parse(ALINGSAS_CHILILABOMBWE), PROJECT_GRANT.identifier)
    budgets = [
        (
            b.get("type"),
            b.get("status"),
            b.xpath("string(period-start/@iso-date)"),
            b.xpath("string(period-end/@iso-date)"),
            b.findtext("value"),
            b.xpath("string(value/@value-date)"),
        )
        for b in grant.xpath("budget")
    ]
    assert budgets == [
        ("1", "2", "2019-04-01", "2020-03-31", "450000.00", "2019-04-01"),
        ("1", "2", "2020-04-01", "2021-03-31", "450000.00", "2020-04-01"),
        ("2", "2", "2021-04-01", "2022-03-31", "450000.00", "2021-04-01"),
    ]


def test_one_recipient_country_carries_no_percentage() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE)
    for activity in root.xpath("iati-activity"):
        (country,) = activity.xpath("recipient-country")
        assert country.get("code") == "ZM"
        assert country.get("percentage") is None


def test_two_partners_in_two_countries() -> None:
    root = _parse(TWO_PARTNERS)
    for activity in root.xpath("iati-activity"):
        partners = activity.xpath("participating-org[@role='4'][position() > 1]")
        assert [(p.findtext("narrative"), p.get("ref"), p.get("type")) for p in partners] == [
            ("Kibaha Town Council", "TZ-TEST-0001", "11"),
            ("Makueni County", None, "11"),
        ]
        countries = [
            (c.get("code"), c.get("percentage")) for c in activity.xpath("recipient-country")
        ]
        assert countries == [("TZ", "50"), ("KE", "50")]
    (three,) = _parse(
        dataclasses.replace(TWO_PARTNERS, grants=(), recipient_countries=("TZ", "KE", "XK"))
    ).xpath("iati-activity")
    shares = [int(p) for p in three.xpath("recipient-country/@percentage")]
    assert shares == [34, 33, 33]


@pytest.mark.parametrize("count", range(1, 12))
def test_percentages_are_whole_and_sum_to_100(count: int) -> None:
    shares = percentages(count)
    assert len(shares) == count
    assert sum(shares) == 100
    assert max(shares) - min(shares) <= 1


def test_documents_and_results_of_the_partnership() -> None:
    parent = _activity(_parse(ALINGSAS_CHILILABOMBWE), ALINGSAS_CHILILABOMBWE.identifier)
    (link,) = parent.xpath("document-link")
    assert link.get("url") == "https://example.org/kp/ali-chi/final-report.pdf"
    assert link.get("format") == "application/pdf"
    assert link.xpath("title/narrative/text()") == ["Final report"]
    assert link.xpath("category/@code") == ["A07"]
    assert link.xpath("document-date/@iso-date") == ["2023-05-15"]
    results = parent.xpath("result")
    assert [r.get("type") for r in results] == ["1", "2"]
    assert results[0].xpath("title/narrative/text()") == ["Citizen dialogue forums held"]
    assert results[0].xpath("description/narrative/text()") == [
        "Forums in each ward of Chililabombwe."
    ]
    assert results[1].xpath("description") == []
    # The schema wants an indicator in every result: qualitative, the result's title by default.
    assert results[0].xpath("indicator/title/narrative/text()") == ["Citizen dialogue forums held"]
    assert results[1].xpath("indicator/title/narrative/text()") == ["Participation"]
    assert parent.xpath("result/indicator/@measure") == ["5", "5"]


# Every coded attribute the export may write, and the list its codes must come from.
CODE_LISTS: dict[tuple[str, str], frozenset[str]] = {
    ("activity-status", "code"): iati.ACTIVITY_STATUS,
    ("activity-date", "type"): iati.DATE_TYPES,
    ("participating-org", "role"): iati.ORGANISATION_ROLES,
    ("participating-org", "type"): iati.ORGANISATION_TYPES,
    ("reporting-org", "type"): iati.ORGANISATION_TYPES,
    ("provider-org", "type"): iati.ORGANISATION_TYPES,
    ("receiver-org", "type"): iati.ORGANISATION_TYPES,
    ("transaction-type", "code"): iati.TRANSACTION_TYPES,
    ("budget", "type"): iati.BUDGET_TYPES,
    ("budget", "status"): iati.BUDGET_STATUSES,
    ("related-activity", "type"): iati.RELATED_ACTIVITY_TYPES,
    ("description", "type"): iati.DESCRIPTION_TYPES,
    ("result", "type"): iati.RESULT_TYPES,
    ("indicator", "measure"): iati.INDICATOR_MEASURES,
    ("category", "code"): iati.DOCUMENT_CATEGORIES,
    # IATI's own codelists (excerpts in tests/iati_reference): the active codes only.
    ("sector", "code"): frozenset(
        c for c, row in codelist("Sector").items() if row["status"] == "active"
    ),
    ("sector", "vocabulary"): frozenset({iati.DAC_5_DIGIT}),
    ("recipient-country", "code"): frozenset(codelist("Country")),
}


def test_every_code_is_in_its_list() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE, TWO_PARTNERS)
    seen = set()
    for element in root.iter():
        for attribute in ("code", "type", "role", "status", "measure", "vocabulary"):
            code = element.get(attribute)
            if code is None:
                continue
            key = (element.tag, attribute)
            assert key in CODE_LISTS, f"{key} is written but has no code list"
            assert code in CODE_LISTS[key], f"{key}: {code}"
            seen.add(key)
    assert seen == set(CODE_LISTS)  # the fixtures exercise every code the export writes
    # DOMAIN.md §8's lists, as the module exports them.
    domain = {
        "ACTIVITY_STATUS": {"1", "2", "3", "4", "5", "6"},
        "DATE_TYPES": {"1", "2", "3", "4"},
        "ORGANISATION_ROLES": {"1", "2", "3", "4"},
        "ORGANISATION_TYPES": {"10", "11", "15", "21", "22", "23", "24", "80", "90"},
        "TRANSACTION_TYPES": {"1", "2", "3", "4", "7", "11"},
        "BUDGET_TYPES": {"1", "2"},
        "BUDGET_STATUSES": {"1", "2"},
    }
    assert {name: set(getattr(iati, name)) for name in domain} == domain


def test_the_input_has_no_place_for_people() -> None:
    types = [Org, Dates, Budget, Transaction, DocumentLink, Result, GrantActivity]
    fields = {f.name for t in [*types, PartnershipActivity] for f in dataclasses.fields(t)}
    people = {"person", "people", "contact", "email", "phone", "telephone", "coordinator"}
    assert not {f for f in fields if any(word in f for word in people)}
    root = _parse(ALINGSAS_CHILILABOMBWE, TWO_PARTNERS)
    assert root.xpath("//contact-info | //person-name | //email | //telephone") == []


def test_validation_rejects_a_transaction_without_its_value() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE)
    value = root.xpath("//transaction/value")[0]
    value.getparent().remove(value)
    with pytest.raises(etree.DocumentInvalid, match="value"):
        validate(etree.tostring(root))


def test_validation_rejects_elements_out_of_the_schema_order() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE)
    grant = _activity(root, PROJECT_GRANT.identifier)
    grant.insert(1, grant.find("related-activity"))  # before reporting-org
    with pytest.raises(etree.DocumentInvalid):
        validate(etree.tostring(root))


def test_money_is_never_a_float_nor_rounded() -> None:
    with pytest.raises(TypeError):
        Transaction("2", date(2019, 3, 20), 450000.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="two decimals"):
        Budget(date(2019, 4, 1), date(2020, 3, 31), Decimal("450000.005"))


def test_unknown_codes_and_an_anonymous_reporter_are_refused() -> None:
    with pytest.raises(ValueError, match="transaction type"):
        Transaction("5", date(2019, 3, 20), Decimal("1"))
    with pytest.raises(ValueError, match="activity status"):
        dataclasses.replace(PROJECT_GRANT, status="7")
    with pytest.raises(ValueError, match="organisation type"):
        Org("ICLD", ref="X", type="12")
    with pytest.raises(ValueError, match="reporting organisation"):
        activities_xml([ALINGSAS_CHILILABOMBWE], reporting_org=Org("ICLD"), generated_at=GENERATED)


def test_sectors_are_shared_out_to_100_on_both_levels() -> None:
    root = _parse(ALINGSAS_CHILILABOMBWE, TWO_PARTNERS)
    rows = {
        activity.findtext("iati-identifier"): [
            (s.get("vocabulary"), s.get("code"), s.get("percentage"))
            for s in activity.xpath("sector")
        ]
        for activity in root.xpath("iati-activity")
    }
    halves = [("1", "15112", "50"), ("1", "15150", "50")]
    thirds = [("1", "15112", "34"), ("1", "15170", "33"), ("1", "11110", "33")]
    assert rows == {
        "SE-ON-000000-0000-KP-ALI-CHI": halves,
        "SE-ON-000000-0000-KP-2019-014": halves,
        "SE-ON-000000-0000-KP-EXE-MULTI": thirds,
        "SE-ON-000000-0000-KP-2024-003": thirds,
    }
    # Countries and sectors are on the activities only, never again on a transaction.
    assert root.xpath("//transaction/sector | //transaction/recipient-country") == []


def test_a_swedish_body_with_an_organisation_number_is_identified_by_it() -> None:
    grant = _activity(_parse(TWO_PARTNERS), "SE-ON-000000-0000-KP-2024-003")
    orgs = [
        (o.get("role"), o.get("ref"), o.findtext("narrative"))
        for o in grant.xpath("participating-org")
    ]
    assert orgs[2] == ("2", "SE-ON-2220000000", "Exempelkommunernas förbund")
    assert orgs[4:] == [
        ("4", "SE-ON-2220000000", "Exempelkommunernas förbund"),
        ("4", "TZ-TEST-0001", "Kibaha Town Council"),
        ("4", None, "Makueni County"),  # no identifier known: named only
    ]
    assert grant.xpath("transaction/receiver-org/@ref") == ["SE-ON-2220000000"]


def test_swedish_org_refs() -> None:
    assert swedish_org_ref("222000-0000") == "SE-ON-2220000000"
    assert swedish_org_ref(None) is None
    for bad in ("222000-000", "22200000000", "abcdef-ghij"):
        with pytest.raises(ValueError, match="organisation number"):
            swedish_org_ref(bad)


def test_sectors_are_dac_codes_given_once() -> None:
    for sectors, message in (
        ((), "one sector at least"),
        (("15112", "15112"), "each once"),
        (("1511",), "DAC 5-digit"),
    ):
        with pytest.raises(ValueError, match=message):
            dataclasses.replace(TWO_PARTNERS, sectors=sectors)


def test_no_activity_gives_the_bare_root_which_the_xsd_refuses() -> None:
    """What the export answers before anything is published: a well-formed document with the
    version and stamp, and nothing else. The 2.03 XSD wants one iati-activity at least
    (minOccurs="1"), which is why the service does not validate this one document."""
    xml = activities_xml([], reporting_org=ICLD, generated_at=GENERATED)
    root = etree.fromstring(xml)
    assert (root.tag, dict(root.attrib), len(root)) == (
        "iati-activities",
        {"version": "2.03", "generated-datetime": "2024-02-01T08:30:00+00:00"},
        0,
    )
    with pytest.raises(etree.DocumentInvalid, match="iati-activity"):
        validate(xml)
