"""The rules of the reference data: countries, organisations and people (DOMAIN.md §2;
docs/reference-data.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from app.core.errors import rule

SWEDISH_REFERENCE_ORGANISATION = rule(
    "swedish-reference-organisation",
    "Swedish municipalities and regions are reference data",
    "All 290 Swedish municipalities and 21 regions ship with their SCB codes; they are not "
    "created or re-typed through the API (reference/README.md).",
)

REFERENCE_ORGANISATION_FIXED = rule(
    "reference-organisation-fixed",
    "A reference organisation's identity is fixed",
    "The type, country, official code and name of a shipped municipality or region cannot change; "
    "only its English name and organisation number can.",
)

ORGANISATION_NUMBER_SWEDISH_ONLY = rule(
    "organisation-number-swedish-only",
    "Organisation numbers are Swedish",
    "An organisationsnummer is only given to organisations in Sweden (country_code SE).",
)

UNKNOWN_COUNTRY = rule(
    "unknown-country",
    "Unknown country",
    "The country code is not an ISO 3166-1 alpha-2 code we know.",
)

UNKNOWN_ORGANISATION = rule(
    "unknown-organisation", "Unknown organisation", "The organisation referred to does not exist."
)

POLITICIAN_POLITICAL_SIDE = rule(
    "politician-political-side",
    "A politician is in the majority or the opposition",
    "Steering groups need at least one majority and one opposition politician per side "
    "(DOMAIN.md §7, [002]); so every politician records which they are at home.",
)

OFFICIAL_HAS_NO_PARTY = rule(
    "official-has-no-party",
    "Officials have no party",
    "Party and political side are recorded for politicians only (DOMAIN.md §2).",
)
