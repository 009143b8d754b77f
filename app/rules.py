"""The programme's rules and the API's own business rules, each with a stable code.

A broken rule answers 422 with `type` `/problems/rule.<code>`. Rules that need only the payload are
raised from schema validators with `rule_error`; rules that need stored data are raised by services
as `RuleViolation`. DOMAIN.md references are given in each description.
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
SCOPED_ROLE_NEEDS_ORGANISATIONS = rule(
    "scoped-role-needs-organisations",
    "Coordinators and viewers act for organisations",
    "A coordinator or viewer sees and changes only what belongs to its organisations, so it must "
    "name at least one (docs/access-control.md).",
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


# Partnerships (DOMAIN.md §7; docs/partnerships.md)
SWEDISH_APPLICANT_ELIGIBLE = rule(
    "swedish-applicant-eligible",
    "The Swedish party must be an eligible applicant",
    "The Swedish party is a Swedish municipality, region, district committee, local government "
    "association, joint committee or municipal company (DOMAIN.md §2, [RL20 §1]).",
)
PARTNER_COUNTRY_ELIGIBLE = rule(
    "partner-country-eligible",
    "Partners must be in an ICLD partner country",
    "Each partner-side party is in a country that ICLD accepted as a partner country on the date "
    "the partnership was applied for (DOMAIN.md §2, §7).",
)
THIRD_PARTY_IN_EU = rule(
    "third-party-in-eu",
    "A third party comes from the EU",
    "A trilateral partnership's third party is an organisation in an EU member state "
    "(DOMAIN.md §1, [RL20 §10-11]).",
)
PROJECT_DURATION = rule(
    "project-duration",
    "A project lasts 1 to 3 years",
    "A project phase is planned for at least one and at most three years (DOMAIN.md §7).",
)
INCEPTION_DURATION = rule(
    "inception-duration",
    "An inception lasts at most 12 months",
    "An inception (preparation) phase is planned for at most twelve months (DOMAIN.md §7).",
)
PHASES_DO_NOT_OVERLAP = rule(
    "phases-do-not-overlap",
    "Phases do not overlap",
    "The phases of a partnership follow one another; their planned periods do not overlap.",
)
PROJECT_AFTER_INCEPTION = rule(
    "project-after-inception",
    "A project follows the inception",
    "A project starts after every inception phase of the partnership has ended (DOMAIN.md §3).",
)
STEERING_GROUP_COMPOSITION = rule(
    "steering-group-composition",
    "The steering group needs majority and opposition from both sides",
    "A project starts only when its steering group holds at least one politician of the ruling "
    "majority and one of the opposition from each side (DOMAIN.md §7, [002]).",
)
POSTPONEMENT_LENGTH = rule(
    "postponement-length",
    "A postponement pauses for some time",
    "A postponement pauses the phase for more than zero days, from a day within the phase; the "
    "planned end moves by the length of the pause (DOMAIN.md §7, [004]).",
)
EXTENSION_LATER_END = rule(
    "extension-later-end",
    "An extension ends later",
    "An extension (a new grant decision) sets a planned end after the current one (DOMAIN.md §7).",
)
EARLY_TERMINATION_DATE = rule(
    "early-termination-date",
    "An early termination falls inside the phase",
    "An early termination takes effect on or after the day the phase started and before its "
    "planned end (DOMAIN.md §7, [004]).",
)
PHASE_TRANSITION = rule(
    "phase-transition",
    "The action does not fit the phase's state",
    "Only a planned phase starts, only an active phase is completed or terminated, and a phase "
    "that ended is not postponed or extended.",
)
MEMBER_OF_A_PARTY = rule(
    "member-of-a-party",
    "Members act for a party",
    "A member of a partnership's groups belongs to one of its parties' organisations.",
)
MEETINGS_PER_PROJECT_YEAR = rule(
    "meetings-per-project-year",
    "At least two meetings a project year",
    "A project's activity plan holds at least two partner meetings in each project year "
    "(DOMAIN.md §7, [002]).",
)
RECIPROCAL_VISITS = rule(
    "reciprocal-visits",
    "Each side hosts the other",
    "Over a phase each side hosts at least one visit of the other (inception: one in each "
    "country) (DOMAIN.md §7, [PH-SV], [002]).",
)
HOST_IS_A_PARTY = rule(
    "host-is-a-party",
    "Meetings are hosted by a party",
    "A meeting's host organisation is one of the partnership's parties.",
)
MEETING_TRANSITION = rule(
    "meeting-transition",
    "A meeting that happened or was cancelled stays so",
    "A planned meeting is held or cancelled; a held or cancelled meeting does not change state.",
)
INCEPTION_TEAM = rule(
    "inception-team",
    "An inception team has two politicians per side",
    "Reported, not refused: each side's inception team holds two politicians, of the majority and "
    "the opposition (DOMAIN.md §2, [PH-SV]).",
)
PROJECT_GROUP_SIZE = rule(
    "project-group-size",
    "A project group has 3-5 officials per side",
    "Reported, not refused: each side's project group holds three to five civil servants "
    "(DOMAIN.md §2, [PH-EN]).",
)
TEAM_MEMBER_KIND = rule(
    "team-member-kind",
    "Steering groups are politicians, project groups officials",
    "A steering group is made of politicians of the majority and the opposition, a project group "
    "of civil servants (DOMAIN.md §2).",
)
SIGNED_ONLY_LETTER_OF_INTENT = rule(
    "signed-only-letter-of-intent",
    "Only a letter of intent is signed by both sides",
    "The dates the Swedish and the partner side signed belong to a letter of intent, signed in "
    "the inception (DOMAIN.md §1, [000_5c91c797444a9d66.txt]); other documents carry none.",
)
LETTER_OF_INTENT = rule(
    "letter-of-intent",
    "A letter of intent signed by both sides",
    "Reported, not refused: the inception ends with a letter of intent signed by both sides, an "
    "appendix of the project application (DOMAIN.md §1, [000]).",
)

# Training programmes and study visits (docs/training-programmes.md)
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

# Networks (DOMAIN.md §4)
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

# Funding (DOMAIN.md §6, §7; docs/funding.md)
ROUND_PERIOD = rule(
    "round-period",
    "A round closes after it opens",
    "An application round closes on or after it opens.",
)
ROUND_OPEN = rule(
    "round-open",
    "Project applications only in an open round",
    "A project or extension application names an application round open on the day it is "
    "created and is submitted while that round is open; an inception application may come at "
    "any time and names no round (DOMAIN.md §6, [FAQ], [DAGS]).",
)
UNKNOWN_ROUND = rule(
    "unknown-round",
    "Unknown application round",
    "The application round referred to does not exist.",
)
UNKNOWN_PARTNERSHIP = rule(
    "unknown-partnership",
    "Unknown partnership",
    "The partnership referred to does not exist (or is not yours).",
)
APPLICATION_TRANSITION = rule(
    "application-transition",
    "Not an action from this state",
    "An application moves draft -> submitted -> under_assessment -> approved or rejected, and "
    "can be withdrawn until it is decided; only a draft can be changed.",
)
APPLICATION_ATTACHMENTS = rule(
    "application-attachments",
    "An application has its letter of intent and budget",
    "A submitted application has among its attachments a letter of intent and a budget, "
    "documents of its own partnership.",
)
APPLICATION_BUDGET = rule(
    "application-budget",
    "A submitted application has a budget",
    "An application is submitted with at least one budget line.",
)
ONE_OPEN_APPLICATION = rule(
    "one-open-application",
    "One open application per phase",
    "A partnership has at most one undecided application of each kind.",
)
WHOLE_KRONOR = rule(
    "whole-kronor",
    "Budgets are whole kronor in SEK",
    "Budget lines, decided amounts and amendments are in SEK and whole kronor (DOMAIN.md §6, "
    "[RL20 §1]).",
)
INELIGIBLE_COST = rule(
    "ineligible-cost",
    "Not a cost ICLD funds",
    "Salaries, per diems and extra days are not funded, nor costs the guidelines do not name "
    "(DOMAIN.md §6, [BUD]). Funded: travel, accommodation, local_travel, venue, visas, "
    "climate_compensation, interpretation, materials, steering_group_work.",
)
BUDGET_YEAR = rule(
    "budget-year",
    "A budget year is a year of the period",
    "A budget line's project year is 1 to 3 and falls within the planned period (accounting "
    "year 1-3, DOMAIN.md §7, [RED]).",
)
BUDGET_CEILING = rule(
    "budget-ceiling",
    "The budget respects ICLD's ceilings",
    "Inception at most 220,000 SEK (Europe) or 275,000 (Africa, Asia, Latin America), "
    "trilateral 275,000 / 330,000; a project or extension at most 450,000 / 500,000 per project "
    "year, trilateral 600,000 / 650,000 (DOMAIN.md §6, [BUD]).",
)
BUDGET_LINE_ONCE = rule(
    "budget-line-once",
    "One budget line per cost category and year",
    "A budget has one line for each cost category in each project year; amendments and reports "
    "name the line.",
)
APPLICATION_PERIOD = rule(
    "application-period",
    "An application's period ends after it starts",
    "An application's planned period ends on or after its start.",
)
GRANT_PERIOD = rule(
    "grant-period", "A grant's period ends after it starts", "A grant ends on or after its start."
)
BUDGET_LINES_SUM = rule(
    "budget-lines-sum",
    "Budget lines sum to the decided amount",
    "A grant's budget lines add up to exactly the amount decided (DOMAIN.md §6, [MINA]).",
)
GRANT_APPLICATION = rule(
    "grant-application",
    "A grant answers an approved application",
    "A grant names, if any, an approved application of the same partnership and kind, and no "
    "application is granted twice.",
)
AMENDMENT = rule(
    "amendment",
    "Not an amendment this grant can take",
    "An extension moves the end later; a reallocation moves money between two lines of the "
    "grant and keeps the total; a reduction takes no line below zero; a close-out falls within "
    "the period (DOMAIN.md §7, [004]).",
)
BELOW_REPORTED = rule(
    "below-reported",
    "Not below what is reported or paid",
    "No amendment takes a budget line below the costs reported on it, or the grant below what "
    "has been paid.",
)
GRANT_CLOSED = rule(
    "grant-closed",
    "The grant is closed",
    "A grant closed out early takes no further amendments, and no reports for years after it "
    "closed.",
)
REPORT_YEAR = rule(
    "report-year",
    "A report covers a year of the grant",
    "An interim report covers a project year before the last, the final report the last year "
    "(accounting year 1-3, DOMAIN.md §7, [RED]); its costs are on budget lines of that year; "
    "each kind and year has one report that is not returned.",
)
COST_BEYOND_BUDGET_LINE = rule(
    "cost-beyond-budget-line",
    "Costs stay within their budget line",
    "The costs reported on a budget line never exceed the line; more needs an amendment first "
    "(DOMAIN.md §7: report lines within the approved budget lines).",
)
EXCHANGE_RATE = rule(
    "exchange-rate",
    "A foreign-currency cost has its rate",
    "A cost in SEK has no rate; a cost in another currency keeps its original amount and "
    "currency, and the positive rate used to reach SEK.",
)
REPORT_TRANSITION = rule(
    "report-transition",
    "Not an action from this state",
    "Only a submitted report is approved or returned.",
)
PAYMENT_AFTER_APPROVED_REPORT = rule(
    "payment-after-approved-report",
    "Payments follow an approved report",
    "ICLD reimburses in arrears: a payment reimburses an approved report of the grant "
    "(DOMAIN.md §6, [REP-EN], [RED]).",
)
PAYMENT_BEYOND_APPROVED = rule(
    "payment-beyond-approved",
    "Never more than the approved costs",
    "The payments of a report never exceed the costs it approved (DOMAIN.md §7).",
)
REPORT_DUE = rule(
    "report-due",
    "Reports come by their due date",
    "An interim report is due two months after each project year but the last, the final "
    "report three months after the grant's end (assumed periods: docs/funding.md). A warning "
    "on the compliance view and in the programme officers' alerts.",
)
