"""IATI 2.03 activity XML of the programme's partnerships and grants (DOMAIN.md §8).

Pure on purpose: the caller gathers the figures, this module only maps them, so the mapping is
tested without a database and every document can be checked against the official schema that
ships beside the code (app/reference_data/iati-2.03/). The input types have no field for a
person: IATI data is published, and nobody's name belongs in it.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from lxml import etree

IATI_VERSION = "2.03"
CURRENCY = "SEK"
LANGUAGE = "en"
SCHEMA_DIR = Path(__file__).resolve().parents[1] / "reference_data" / "iati-2.03"
SCHEMA_PATH = SCHEMA_DIR / "iati-activities-schema.xsd"

# The codes DOMAIN.md §8 lists; the XSD does not check codelists, so the input types do.
ACTIVITY_STATUS = frozenset({"1", "2", "3", "4", "5", "6"})
DATE_TYPES = frozenset({"1", "2", "3", "4"})
ORGANISATION_ROLES = frozenset({"1", "2", "3", "4"})
ORGANISATION_TYPES = frozenset({"10", "11", "15", "21", "22", "23", "24", "80", "90"})
TRANSACTION_TYPES = frozenset({"1", "2", "3", "4", "7", "11"})
BUDGET_TYPES = frozenset({"1", "2"})
BUDGET_STATUSES = frozenset({"1", "2"})
# Not in DOMAIN.md; from the IATI codelists (RelatedActivityType, DescriptionType, ResultType,
# IndicatorMeasure, DocumentCategory A-series).
RELATED_ACTIVITY_TYPES = frozenset({"1", "2"})  # parent, child
DESCRIPTION_TYPES = frozenset({"1"})  # general
RESULT_TYPES = frozenset({"1", "2"})  # output, outcome
INDICATOR_MEASURES = frozenset({"5"})  # qualitative
DOCUMENT_CATEGORIES = frozenset(f"A{n:02d}" for n in range(1, 13))
# SectorVocabulary 1: OECD DAC CRS purpose codes (5 digit); the codes themselves come from
# app/exports/iati_sectors.py, checked against IATI's Sector codelist by the tests.
DAC_5_DIGIT = "1"
_DAC_CODE = re.compile(r"^\d{5}$")
# OrganisationRegistrationAgency SE-ON: Swedish organisationsnummer, ten digits without the hyphen.
SWEDISH_ORGANISATION_NUMBER = "SE-ON"

# The mapping fixes these roles and types (DOMAIN.md §8).
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
GOVERNMENT, LOCAL_GOVERNMENT = "10", "11"
COMMITMENT, REIMBURSEMENT = "2", "7"

_CENT = Decimal("0.01")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _check(code: str | None, allowed: frozenset[str], what: str) -> None:
    if code is not None and code not in allowed:
        raise ValueError(f"{what} {code!r} is not one of {sorted(allowed)}")


def _money(value: Decimal) -> str:
    """Two decimals, never through a float, and never rounded here: a third decimal is a bug
    upstream, not something to hide in a published figure."""
    if not isinstance(value, Decimal):
        raise TypeError(f"money must be a Decimal, not {type(value).__name__}")
    if value.quantize(_CENT) != value:
        raise ValueError(f"{value} has more than two decimals")
    return f"{value.quantize(_CENT):f}"


@dataclass(frozen=True)
class Org:
    """An organisation as IATI names it. `ref` is its IATI organisation identifier, written only
    when known; `type` (OrganisationType) is needed for the reporting organisation only, the
    mapping fixes the others."""

    name: str
    ref: str | None = None
    type: str | None = None

    def __post_init__(self) -> None:
        _check(self.type, ORGANISATION_TYPES, "organisation type")


# Sida as it publishes itself to IATI (the Swedish government list, agency 6).
SIDA = Org("Sida", ref="SE-0-SE-6", type=GOVERNMENT)


def swedish_org_ref(org_number: str | None) -> str | None:
    """The IATI identifier of a Swedish body from its organisationsnummer (NNNNNN-NNNN, as
    stored), or None: a body without a known number is named only."""
    if org_number is None:
        return None
    digits = org_number.replace("-", "")
    if not (len(digits) == 10 and digits.isdigit()):
        raise ValueError(f"{org_number!r} is not an organisation number NNNNNN-NNNN")
    return f"{SWEDISH_ORGANISATION_NUMBER}-{digits}"


@dataclass(frozen=True)
class Dates:
    """IATI wants one activity-date at least, and a decision always has a start."""

    planned_start: date
    actual_start: date | None = None
    planned_end: date | None = None  # with postponements
    actual_end: date | None = None


@dataclass(frozen=True)
class Budget:
    """One project year (at most 12 months): type 1 original, 2 revised; status 1 indicative
    (applied for), 2 committed (decided). The value date defaults to the period's start."""

    period_start: date
    period_end: date
    value: Decimal
    type: str = "1"
    status: str = "2"
    value_date: date | None = None

    def __post_init__(self) -> None:
        _check(self.type, BUDGET_TYPES, "budget type")
        _check(self.status, BUDGET_STATUSES, "budget status")
        _money(self.value)


@dataclass(frozen=True)
class Transaction:
    """A grant decision or amendment (type 2, its change as the value) or a payment (type 7).
    The value date defaults to the transaction's day."""

    type: str
    on: date
    value: Decimal
    description: str | None = None
    value_date: date | None = None

    def __post_init__(self) -> None:
        _check(self.type, TRANSACTION_TYPES, "transaction type")
        _money(self.value)


@dataclass(frozen=True)
class DocumentLink:
    url: str
    title: str
    category: str = "A01"
    format: str = "application/pdf"
    document_date: date | None = None

    def __post_init__(self) -> None:
        _check(self.category, DOCUMENT_CATEGORIES, "document category")


@dataclass(frozen=True)
class Result:
    """The XSD wants an indicator in every result; the programme's results are narrative, so each
    indicator is qualitative, and without any given the result's own title stands for one."""

    type: str
    title: str
    description: str | None = None
    indicators: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _check(self.type, RESULT_TYPES, "result type")


@dataclass(frozen=True)
class Narrative:
    """A text in its main language and its translations: one `narrative` each, the main one
    first. A narrative in another language than the file's default (`LANGUAGE`) names it with
    `xml:lang`, as the standard asks; one without it is read as in the default language."""

    text: str
    language: str = LANGUAGE
    translations: tuple[tuple[str, str], ...] = ()  # (ISO 639-1 code, text), not the main one

    def __post_init__(self) -> None:
        languages = [self.language, *(language for language, _ in self.translations)]
        if len(set(languages)) != len(languages):
            raise ValueError(f"one narrative per language, not {languages}")


@dataclass(frozen=True)
class GrantActivity:
    """A grant (inception, project, steering group...): a child of its partnership's activity,
    sharing its organisations and countries. The XSD requires a description."""

    identifier: str
    title: str
    description: str
    status: str
    dates: Dates
    budgets: tuple[Budget, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    last_updated: datetime | None = None

    def __post_init__(self) -> None:
        _check(self.status, ACTIVITY_STATUS, "activity status")


@dataclass(frozen=True)
class PartnershipActivity:
    """A partnership, the parent activity of its grants. Money is on the grants only."""

    identifier: str
    title: str | Narrative
    description: str | Narrative
    status: str
    dates: Dates
    swedish_party: Org
    partners: tuple[Org, ...]
    recipient_countries: tuple[str, ...]  # ISO 3166-1 alpha-2 (Kosovo XK)
    sectors: tuple[str, ...]  # DAC 5-digit purpose codes, shared out evenly
    funder: Org = SIDA
    grants: tuple[GrantActivity, ...] = ()
    documents: tuple[DocumentLink, ...] = ()
    results: tuple[Result, ...] = ()
    last_updated: datetime | None = None

    def __post_init__(self) -> None:
        _check(self.status, ACTIVITY_STATUS, "activity status")
        if not self.partners or not self.recipient_countries:
            raise ValueError("a partnership has a partner and a recipient country at least")
        if not self.sectors or len(set(self.sectors)) != len(self.sectors):
            raise ValueError("a partnership has one sector at least, each once")
        for code in self.sectors:
            if not _DAC_CODE.match(code):
                raise ValueError(f"sector {code!r} is not a DAC 5-digit code")


def _sub(parent: Any, tag: str, attrs: Mapping[str, str | None] | None = None) -> Any:
    """A child element; attributes whose value is None are left out."""
    clean = {k: v for k, v in (attrs or {}).items() if v is not None}
    return etree.SubElement(parent, tag, clean)


def _text(
    parent: Any, tag: str, text: str | Narrative, attrs: Mapping[str, str | None] | None = None
) -> Any:
    element = _sub(parent, tag, attrs)
    narrative = text if isinstance(text, Narrative) else Narrative(text)
    for language, words in ((narrative.language, narrative.text), *narrative.translations):
        named = None if language == LANGUAGE else language
        _sub(element, "narrative", {_XML_LANG: named}).text = words
    return element


def percentages(count: int) -> list[int]:
    """100 split into `count` whole shares that differ by one at most and sum to 100."""
    base, extra = divmod(100, count)
    return [base + 1] * extra + [base] * (count - extra)


def _value(parent: Any, amount: Decimal, value_date: date) -> None:
    attrs = {"currency": CURRENCY, "value-date": value_date.isoformat()}
    _sub(parent, "value", attrs).text = _money(amount)


def _org(org: Org, org_type: str | None, **attrs: str) -> dict[str, str | None]:
    return {"ref": org.ref, "type": org_type, **attrs}


def _head(
    root: Any,
    activity: GrantActivity | PartnershipActivity,
    partnership: PartnershipActivity,
    icld: Org,
    generated_at: datetime,
) -> Any:
    """What both levels share, in the XSD's order, up to sector. Countries and sectors are
    the partnership's, given once on each activity and never again on its transactions (IATI
    wants them at one level only)."""
    element = _sub(
        root,
        "iati-activity",
        {
            _XML_LANG: LANGUAGE,
            "default-currency": CURRENCY,
            "last-updated-datetime": (activity.last_updated or generated_at).isoformat(),
            "hierarchy": "2" if isinstance(activity, GrantActivity) else "1",
        },
    )
    _sub(element, "iati-identifier").text = activity.identifier
    _text(element, "reporting-org", icld.name, _org(icld, icld.type))
    _text(element, "title", activity.title)
    _text(element, "description", activity.description, {"type": "1"})
    # DOMAIN.md §8: ICLD extends (+ accountable); the Swedish party, the grant holder,
    # implements (+ accountable); so do the partners.
    swedish = partnership.swedish_party
    for org, role, org_type in (
        (partnership.funder, FUNDING, GOVERNMENT),
        (icld, ACCOUNTABLE, icld.type),
        (swedish, ACCOUNTABLE, LOCAL_GOVERNMENT),
        (icld, EXTENDING, icld.type),
        (swedish, IMPLEMENTING, LOCAL_GOVERNMENT),
        *((partner, IMPLEMENTING, LOCAL_GOVERNMENT) for partner in partnership.partners),
    ):
        _text(element, "participating-org", org.name, _org(org, org_type, role=role))
    _sub(element, "activity-status", {"code": activity.status})
    d = activity.dates  # in DATE_TYPES order: planned start, actual start, planned/actual end
    days = (d.planned_start, d.actual_start, d.planned_end, d.actual_end)
    for code, day in zip("1234", days, strict=True):
        if day is not None:
            _sub(element, "activity-date", {"type": code, "iso-date": day.isoformat()})
    countries = partnership.recipient_countries
    shares = percentages(len(countries)) if len(countries) > 1 else [None]
    for country, share in zip(countries, shares, strict=True):
        share_text = None if share is None else str(share)
        _sub(element, "recipient-country", {"code": country, "percentage": share_text})
    # The Standard's ruleset wants percentages summing to 100 per vocabulary, one sector too.
    sectors = partnership.sectors
    for code, share in zip(sectors, percentages(len(sectors)), strict=True):
        attrs = {"vocabulary": DAC_5_DIGIT, "code": code, "percentage": str(share)}
        _sub(element, "sector", attrs)
    return element


def _grant(element: Any, grant: GrantActivity, partnership: PartnershipActivity, icld: Org) -> None:
    for budget in grant.budgets:
        item = _sub(element, "budget", {"type": budget.type, "status": budget.status})
        _sub(item, "period-start", {"iso-date": budget.period_start.isoformat()})
        _sub(item, "period-end", {"iso-date": budget.period_end.isoformat()})
        _value(item, budget.value, budget.value_date or budget.period_start)
    swedish = partnership.swedish_party
    for transaction in grant.transactions:
        item = _sub(element, "transaction")
        _sub(item, "transaction-type", {"code": transaction.type})
        _sub(item, "transaction-date", {"iso-date": transaction.on.isoformat()})
        _value(item, transaction.value, transaction.value_date or transaction.on)
        if transaction.description:
            _text(item, "description", transaction.description)
        _text(item, "provider-org", icld.name, _org(icld, icld.type))
        _text(item, "receiver-org", swedish.name, _org(swedish, LOCAL_GOVERNMENT))
    _sub(element, "related-activity", {"ref": partnership.identifier, "type": "1"})


def _partnership(element: Any, partnership: PartnershipActivity) -> None:
    for document in partnership.documents:
        link = _sub(element, "document-link", {"url": document.url, "format": document.format})
        _text(link, "title", document.title)
        _sub(link, "category", {"code": document.category})
        if document.document_date is not None:
            _sub(link, "document-date", {"iso-date": document.document_date.isoformat()})
    for grant in partnership.grants:
        _sub(element, "related-activity", {"ref": grant.identifier, "type": "2"})
    for result in partnership.results:
        item = _sub(element, "result", {"type": result.type})
        _text(item, "title", result.title)
        if result.description:
            _text(item, "description", result.description)
        for indicator in result.indicators or (result.title,):
            _text(_sub(item, "indicator", {"measure": "5"}), "title", indicator)


def activities_xml(
    activities: list[PartnershipActivity], *, reporting_org: Org, generated_at: datetime
) -> bytes:
    """Each partnership, then its grants. An empty list gives the bare `iati-activities` root:
    well-formed, but the 2.03 XSD wants one activity at least, so `validate` refuses it (the
    caller decides whether to answer it; docs/funding.md, "IATI")."""
    if reporting_org.ref is None or reporting_org.type is None:
        raise ValueError("the reporting organisation needs its IATI ref and type")
    root = etree.Element(
        "iati-activities",
        {"version": IATI_VERSION, "generated-datetime": generated_at.isoformat()},
    )
    for partnership in activities:
        head = _head(root, partnership, partnership, reporting_org, generated_at)
        _partnership(head, partnership)
        for grant in partnership.grants:
            head = _head(root, grant, partnership, reporting_org, generated_at)
            _grant(head, grant, partnership, reporting_org)
    xml: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return xml


@cache
def _schema() -> Any:
    """Parsed once: the schema is some 3,000 lines and never changes while the process runs."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH)))


def validate(xml: bytes) -> None:
    """Raise lxml's DocumentInvalid when `xml` breaks the IATI 2.03 activity schema."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    _schema().assertValid(etree.fromstring(xml, parser))
