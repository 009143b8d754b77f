"""IATI's Standard ruleset for 2.03 and IATI's codelists over the export, beyond the XSD
(issue 15 §3). The tester and excerpts are in tests/iati_reference (SOURCE.md there); the export
of the demo data and of data made through the API is checked in tests/test_iati_export.py."""

import csv
import hashlib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from app.exports import iati
from app.exports.iati_sectors import MAPPING_PATH, PROGRAMME_SECTOR, mapping, sectors_for
from tests.iati_reference import HERE, codelist, ruleset_failures
from tests.test_iati_xml import ALINGSAS_CHILILABOMBWE, GENERATED, ICLD, TWO_PARTNERS

ROOT = Path(__file__).resolve().parents[1]


def _fixtures() -> bytes:
    return iati.activities_xml(
        [ALINGSAS_CHILILABOMBWE, TWO_PARTNERS], reporting_org=ICLD, generated_at=GENERATED
    )


def test_the_export_passes_the_standard_ruleset() -> None:
    assert ruleset_failures(_fixtures()) == []


def _drop_sectors(root: Any) -> None:
    for sector in root.xpath("//sector"):
        sector.getparent().remove(sector)


def _sixty_sixty(root: Any) -> None:
    for sector in root.xpath("iati-activity[1]/sector"):
        sector.set("percentage", "60")


def _country_on_a_transaction(root: Any) -> None:
    transaction = root.xpath("//transaction")[0]
    etree.SubElement(transaction, "recipient-country", {"code": "ZM"})


def _started_tomorrow(root: Any) -> None:
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    root.xpath("//activity-date[@type='2']")[0].set("iso-date", tomorrow)


def _updated_tomorrow(root: Any) -> None:
    tomorrow = f"{date.today() + timedelta(days=1)}T00:00:00+00:00"
    root.xpath("iati-activity")[0].set("last-updated-datetime", tomorrow)


def _a_budget_of_two_years(root: Any) -> None:
    root.xpath("//budget/period-end")[0].set("iso-date", "2021-03-31")


@pytest.mark.parametrize(
    ("mutate", "rules"),
    [
        (_drop_sectors, {"atleast_one", "one_or_all", "strict_sum"}),
        (_sixty_sixty, {"strict_sum"}),
        (_country_on_a_transaction, {"only_one_of"}),
        (_started_tomorrow, {"date_order"}),
        (_updated_tomorrow, {"date_now"}),
        (_a_budget_of_two_years, {"time_limit"}),
    ],
)
def test_the_ruleset_catches_what_the_export_avoids(
    mutate: Callable[[Any], None], rules: set[str]
) -> None:
    """Each rule the export is shaped by, broken on purpose: the tester reports it (so a pass
    above means something)."""
    root = etree.fromstring(_fixtures())
    mutate(root)
    failures = ruleset_failures(etree.tostring(root))
    assert {line.split(" ")[1] for line in failures} == rules, failures


def test_every_mapped_theme_is_an_active_dac_sector() -> None:
    sectors = codelist("Sector")
    codes = {PROGRAMME_SECTOR, *mapping().values()}
    assert {c: sectors[c]["status"] for c in codes if c in sectors} == dict.fromkeys(
        codes, "active"
    )
    with MAPPING_PATH.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert all(row["why"] for row in rows)  # each row says why its code fits


def test_themes_map_in_order_once_whatever_their_case() -> None:
    assert sectors_for([]) == ("15112",)
    assert sectors_for(["newcomers"]) == ("15112",)  # a theme without a row adds nothing
    assert sectors_for(["Gender  Equality", "education", "gender equality", "labour market"]) == (
        "15112",
        "15170",
        "11110",
        "16020",
    )
    assert sectors_for(["citizen dialogue", "participation", "local democracy"]) == (
        "15112",
        "15150",
    )


def test_partner_countries_are_on_iatis_country_codelist() -> None:
    path = ROOT / "app" / "reference_data" / "partner_countries.csv"
    with path.open(encoding="utf-8", newline="") as f:
        partner_countries = {row["country_code"] for row in csv.DictReader(f)}
    assert partner_countries - set(codelist("Country")) == set()
    assert "XK" in partner_countries  # Kosovo: user-assigned in ISO 3166, on IATI's list


def test_swedish_bodies_are_identified_in_an_active_list() -> None:
    agencies = codelist("OrganisationRegistrationAgency")
    assert agencies[iati.SWEDISH_ORGANISATION_NUMBER]["status"] == "active"
    ref = iati.swedish_org_ref("222000-0000")
    assert ref is not None and ref.startswith(f"{iati.SWEDISH_ORGANISATION_NUMBER}-")


def test_the_copied_tester_and_ruleset_are_unchanged() -> None:
    """SOURCE.md records each copied file's sha256: a copy edited by hand is no longer IATI's."""
    source = (HERE / "SOURCE.md").read_text(encoding="utf-8")
    for name in ("iatirulesets.py", "standard_py.json", "LICENSE-IATI-Rulesets"):
        digest = hashlib.sha256((HERE / name).read_bytes()).hexdigest()
        assert f"`{name}` | {digest}" in source, name
