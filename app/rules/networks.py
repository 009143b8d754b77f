"""The rules of thematic networks and their workshops (DOMAIN.md §4).

Each rule is defined once, here: its code, its named figures and its check. A broken rule answers
422 with `type` `/problems/rule.<code>`.
"""

from app.core.errors import rule

NETWORK_PERIOD = rule(
    "network-period", "A network ends after it starts", "A network ends on or after its start."
)

NETWORK_MEMBER_COUNTRY = rule(
    "network-member-country",
    "Members come from the network's countries",
    "A network member's country is one of the network's countries (DOMAIN.md §4).",
)

NETWORK_PARTNER_ELIGIBLE = rule(
    "network-partner-eligible",
    "Partner-side members are in a partner country",
    "A partner-side member's country is an ICLD partner country when the network starts "
    "(DOMAIN.md §2, §4).",
)

UNKNOWN_NETWORK = rule(
    "unknown-network", "Unknown network", "The network referred to does not exist."
)

WORKSHOP_WITHIN_NETWORK = rule(
    "workshop-within-network",
    "A network's workshop falls within it",
    "A network's workshop takes place within the network's period (DOMAIN.md §4).",
)

WORKSHOP_MEMBERS_ONLY = rule(
    "workshop-members-only",
    "Network workshops are for members",
    "The organisations taking part in a network's workshop are members of the network.",
)

WORKSHOP_PARTICIPANTS = rule(
    "workshop-participants",
    "Participants come from the organisations taking part, within the cap",
    "Each participant belongs to an organisation taking part, and no organisation sends more "
    "people than the workshop's cap (seed 001: three from Lessebo).",
)

WORKSHOP_PERIOD = rule(
    "workshop-period", "A workshop ends after it starts", "A workshop ends on or after its start."
)
