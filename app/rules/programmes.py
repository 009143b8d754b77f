"""The rules of international training programmes and study visits (docs/training-programmes.md).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from app.core.errors import rule

PROGRAMME_PERIOD = rule(
    "programme-period",
    "A programme ends after it starts",
    "A programme ends on or after its start.",
)

PROGRAMME_LEAD = rule(
    "programme-lead",
    "A programme has one lead",
    "A training programme names exactly one lead implementing organisation (seed 003).",
)

VISIT_WITHIN_PROGRAMME = rule(
    "visit-within-programme",
    "A programme's study visit falls within it",
    "A study visit made as part of a programme takes place within the programme's period.",
)

VISITING_COUNTRIES_TAKE_PART = rule(
    "visiting-countries-take-part",
    "Visitors come from the programme's countries",
    "A programme's study visit brings people from the programme's participant countries.",
)

VISIT_FROM_ONE_SOURCE = rule(
    "visit-from-one-source",
    "A study visit comes from a programme or a partnership",
    "A study visit is made by a programme's group or a partnership's, not both.",
)

CONTACTS_OF_THE_HOST = rule(
    "contacts-of-the-host",
    "Contacts work for the host",
    "A study visit's contacts are people of the host organisation.",
)

UNKNOWN_PROGRAMME = rule(
    "unknown-programme", "Unknown programme", "The training programme referred to does not exist."
)

ONE_ENTRY_PER_COUNTRY = rule(
    "one-entry-per-country",
    "Each country once",
    "A programme lists each country once in its segments and in its participant countries, and "
    "each implementer once.",
)
