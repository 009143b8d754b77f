"""The rules of the reference data: countries, organisations and people (DOMAIN.md §2;
docs/reference-data.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from collections.abc import Container, Iterable, Mapping
from datetime import date
from uuid import UUID

from app.core.errors import RuleMode, RuleViolation, rule
from app.core.i18n import _
from app.models.enums import SWEDISH_REFERENCE_TYPES, OrganisationType, PersonKind, PoliticalSide
from app.rules.words import code_listing

# Sweden's ISO 3166-1 code: the Swedish side of the programme, and its reference data.
SWEDEN = "SE"

# The Swedish organisations shipped as reference data (app/reference_data/SOURCE.md).
SWEDISH_MUNICIPALITIES = 290
SWEDISH_REGIONS = 21

SWEDISH_REFERENCE_ORGANISATION = rule(
    "swedish-reference-organisation",
    _("Swedish municipalities and regions are reference data"),
    _(
        "All {municipalities} Swedish municipalities and {regions} regions ship with their SCB "
        "codes; they are not created or re-typed through the API (app/reference_data/SOURCE.md).",
        municipalities=SWEDISH_MUNICIPALITIES,
        regions=SWEDISH_REGIONS,
    ),
    mode=RuleMode.refuse,
    reads=(
        "organisations.type",
        "organisations.country_code",
        "organisations.is_reference",
    ),
)


def check_not_reference_type(country_code: str, organisation_type: OrganisationType) -> None:
    """`swedish-reference-organisation`: a Swedish municipality or region is not created (nor is
    a created organisation turned into one); it exists already."""
    if country_code == SWEDEN and organisation_type in SWEDISH_REFERENCE_TYPES:
        raise RuleViolation(
            SWEDISH_REFERENCE_ORGANISATION,
            _(
                "Swedish organisations of type {type} are reference data: look them up in "
                "GET /api/v1/organisations?country={sweden} instead of creating one",
                type=organisation_type.value,
                sweden=SWEDEN,
            ),
            pointer="/type",
        )


# What identifies a shipped municipality or region, and what it is called in the description.
REFERENCE_IDENTITY = {
    "type": "type",
    "country_code": "country",
    "official_code": "official code",
    "name": "name",
}

REFERENCE_ORGANISATION_FIXED = rule(
    "reference-organisation-fixed",
    _("A reference organisation's identity is fixed"),
    _(
        "The {fields} of a shipped municipality or region cannot change; only its English name, "
        "organisation number and population can.",
        fields=code_listing(list(REFERENCE_IDENTITY)),
    ),
    mode=RuleMode.refuse,
    reads=(
        "organisations.type",
        "organisations.country_code",
        "organisations.official_code",
        "organisations.name",
        "organisations.is_reference",
    ),
)


def identity_changes(before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    """The fields of an organisation's identity (REFERENCE_IDENTITY) that a change alters."""
    return [field for field in REFERENCE_IDENTITY if after[field] != before[field]]


def check_reference_fixed(name: str, is_reference: bool, changed: list[str]) -> None:
    """`reference-organisation-fixed`: `changed` (see `identity_changes`) of a shipped
    organisation is refused, pointing at the first changed field."""
    if changed and is_reference:
        raise RuleViolation(
            REFERENCE_ORGANISATION_FIXED,
            _(
                "{name} is reference data; its {fields} cannot change.",
                name=name,
                fields=", ".join(changed),
            ),
            pointer=f"/{changed[0]}",
        )


ORGANISATION_NUMBER_SWEDISH_ONLY = rule(
    "organisation-number-swedish-only",
    _("Organisation numbers are Swedish"),
    _(
        "An organisationsnummer is only given to organisations in Sweden (country_code {sweden}).",
        sweden=SWEDEN,
    ),
    mode=RuleMode.refuse,
    reads=(
        "organisations.org_number",
        "organisations.country_code",
    ),
)


def check_org_number_swedish(org_number: str | None, country_code: str) -> None:
    """`organisation-number-swedish-only`."""
    if org_number is not None and country_code != SWEDEN:
        raise RuleViolation(
            ORGANISATION_NUMBER_SWEDISH_ONLY,
            _(
                "org_number is only for Swedish organisations, not for {country}",
                country=country_code,
            ),
            pointer="/org_number",
        )


UNKNOWN_COUNTRY = rule(
    "unknown-country",
    _("Unknown country"),
    _("The country code is not an ISO 3166-1 alpha-2 code we know."),
    mode=RuleMode.refuse,
    reads=(
        "countries.code",
        "organisations.country_code",
        "networks.country_codes",
        "workshops.country_code",
        "training_programmes.segments",
        "training_programmes.participant_countries",
        "study_visits.visiting_countries",
        "elections.country_code",
    ),
)


def check_known_countries(wanted: Iterable[tuple[str, str]], known: Container[str]) -> None:
    """`unknown-country`: each (pointer, code) names a country in `known` (the stored ones); the
    first that does not is refused."""
    for pointer, code in wanted:
        if code not in known:
            raise RuleViolation(
                UNKNOWN_COUNTRY, _("No country with code {code}.", code=repr(code)), pointer=pointer
            )


UNKNOWN_ORGANISATION = rule(
    "unknown-organisation",
    _("Unknown organisation"),
    _("The organisation referred to does not exist."),
    mode=RuleMode.refuse,
    reads=(
        "organisations.id",
        "partnerships.swedish_party_id",
        "partnerships.third_party_id",
        "partnership_partners.organisation_id",
        "people.organisation_id",
        "network_members.organisation_id",
        "workshops.host_organisation_id",
        "workshops.organisation_ids",
        "programme_organisations.organisation_id",
        "study_visits.host_organisation_id",
        "meetings.host_organisation_id",
        "api_keys.organisation_ids",
        "partner_interests.organisation_id",
        "elections.organisation_id",
    ),
)


def check_known_organisations(wanted: Iterable[tuple[str, UUID]], known: Container[UUID]) -> None:
    """`unknown-organisation`: each (pointer, id) names an organisation in `known` (the stored
    ones). The first pointer with an unknown organisation is refused, naming every unknown one
    at that pointer (a list of organisations sent as one field)."""
    missing = [(pointer, str(o)) for pointer, o in wanted if o not in known]
    if missing:
        pointer = missing[0][0]
        names = ", ".join(o for at, o in missing if at == pointer)
        raise RuleViolation(
            UNKNOWN_ORGANISATION, _("No organisation {ids}.", ids=names), pointer=pointer
        )


POLITICIAN_POLITICAL_SIDE = rule(
    "politician-political-side",
    _("A politician is in the majority or the opposition"),
    _(
        "Steering groups need at least one majority and one opposition politician per side "
        "(DOMAIN.md §7, [002]); so every politician records which they are at home."
    ),
    mode=RuleMode.refuse,
    reads=(
        "people.kind",
        "people.political_side",
    ),
)


def check_political_side(kind: PersonKind, political_side: PoliticalSide | None) -> None:
    """`politician-political-side`."""
    if kind == PersonKind.politician and political_side is None:
        raise RuleViolation(
            POLITICIAN_POLITICAL_SIDE,
            _(
                "a politician needs political_side: {sides}",
                sides=code_listing([side.value for side in PoliticalSide], disjunction=True),
            ),
            pointer="/political_side",
        )


OFFICIAL_HAS_NO_PARTY = rule(
    "official-has-no-party",
    _("Officials have no party"),
    _("Party and political side are recorded for politicians only (DOMAIN.md §2)."),
    mode=RuleMode.refuse,
    reads=(
        "people.kind",
        "people.party",
        "people.political_side",
    ),
)


def official_party_field(party: str | None) -> str:
    """The field an `official-has-no-party` error points at: the party, if one is given."""
    return "party" if party else "political_side"


def check_official_has_no_party(
    kind: PersonKind, party: str | None, political_side: PoliticalSide | None
) -> None:
    """`official-has-no-party`."""
    if kind == PersonKind.official and (party or political_side):
        raise RuleViolation(
            OFFICIAL_HAS_NO_PARTY,
            _("party and political_side are for politicians"),
            pointer=f"/{official_party_field(party)}",
        )


OFFICIAL_HAS_NO_MANDATE = rule(
    "official-has-no-mandate",
    _("Officials carry no mandate"),
    _(
        "Only a politician is elected, so only a politician carries the end of a mandate "
        "(`mandate_ends`, docs/continuity.md)."
    ),
    mode=RuleMode.refuse,
    reads=(
        "people.kind",
        "people.mandate_ends",
    ),
)


def check_official_has_no_mandate(kind: PersonKind, mandate_ends: date | None) -> None:
    """`official-has-no-mandate`."""
    if kind != PersonKind.politician and mandate_ends is not None:
        raise RuleViolation(
            OFFICIAL_HAS_NO_MANDATE,
            _(
                "an `{kind}` carries no mandate: `mandate_ends` is for politicians",
                kind=kind.value,
            ),
            pointer="/mandate_ends",
        )
