"""The audit of stored data (`partnership-api check`): every refuse-rule re-judged over the whole
database, so that a row stored before a check existed (or by a path that missed it, or written
straight into the database) is found.

`RULES` holds every refuse-rule of the catalogue (app/rules/), keyed by its kind: either the
audits that judge it on the stored rows, each calling the rule's own check (the function every
write calls) on facts read in bulk, or the reason it cannot be judged on stored state (it judges
a change, not a state; or the database states it, and the constraint is named).
`tests/rules/test_check.py` fails when a refuse-rule of `GET /problems` is in neither.
"""

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.core.errors import ProblemKind
from app.rules.access import SCOPED_ROLE_NEEDS_ORGANISATIONS
from app.rules.continuity import ELECTION_ORGANISATION_COUNTRY
from app.rules.funding import (
    AMENDMENT,
    APPLICATION_ATTACHMENTS,
    APPLICATION_BUDGET,
    APPLICATION_PERIOD,
    APPLICATION_TRANSITION,
    BELOW_REPORTED,
    BUDGET_CEILING,
    BUDGET_LINE_ONCE,
    BUDGET_LINES_SUM,
    BUDGET_YEAR,
    COST_BEYOND_BUDGET_LINE,
    EXCHANGE_RATE,
    GRANT_APPLICATION,
    GRANT_CLOSED,
    GRANT_PERIOD,
    INELIGIBLE_COST,
    ONE_OPEN_APPLICATION,
    PAYMENT_AFTER_APPROVED_REPORT,
    PAYMENT_BEYOND_APPROVED,
    REPORT_TRANSITION,
    REPORT_YEAR,
    ROUND_OPEN,
    ROUND_PERIOD,
    UNKNOWN_ROUND,
    WHOLE_KRONOR,
)
from app.rules.networks import (
    NETWORK_MEMBER_COUNTRY,
    NETWORK_PARTNER_ELIGIBLE,
    NETWORK_PERIOD,
    UNKNOWN_NETWORK,
    WORKSHOP_MEMBERS_ONLY,
    WORKSHOP_PARTICIPANTS,
    WORKSHOP_PERIOD,
    WORKSHOP_WITHIN_NETWORK,
)
from app.rules.partner_interests import (
    PARTNER_INTEREST_CLOSED,
    PARTNER_INTEREST_COUNTRIES,
    PARTNER_INTEREST_MATCH,
)
from app.rules.partnerships import (
    EARLY_TERMINATION_DATE,
    EXTENSION_LATER_END,
    HOST_IS_A_PARTY,
    INCEPTION_DURATION,
    MEETING_CHANGE_REASON,
    MEETING_TRANSITION,
    MEMBER_OF_A_PARTY,
    PARTNER_COUNTRY_ELIGIBLE,
    PHASE_TRANSITION,
    PHASES_DO_NOT_OVERLAP,
    POSTPONEMENT_LENGTH,
    PROJECT_AFTER_INCEPTION,
    PROJECT_DURATION,
    SIGNED_ONLY_LETTER_OF_INTENT,
    SWEDISH_APPLICANT_ELIGIBLE,
    TEAM_MEMBER_KIND,
    THIRD_PARTY_IN_EU,
    UNKNOWN_PARTNERSHIP,
)
from app.rules.programmes import (
    CONTACTS_OF_THE_HOST,
    ONE_ENTRY_PER_COUNTRY,
    PROGRAMME_LEAD,
    PROGRAMME_PERIOD,
    UNKNOWN_PROGRAMME,
    VISIT_FROM_ONE_SOURCE,
    VISIT_WITHIN_PROGRAMME,
    VISITING_COUNTRIES_TAKE_PART,
)
from app.rules.reference import (
    OFFICIAL_HAS_NO_MANDATE,
    OFFICIAL_HAS_NO_PARTY,
    ORGANISATION_NUMBER_SWEDISH_ONLY,
    POLITICIAN_POLITICAL_SIDE,
    REFERENCE_ORGANISATION_FIXED,
    SWEDISH_REFERENCE_ORGANISATION,
    UNKNOWN_COUNTRY,
    UNKNOWN_ORGANISATION,
)
from app.services.integrity import (
    access,
    funding,
    networks,
    partner_interests,
    partnerships,
    programmes,
    reference,
)
from app.services.integrity.base import Finding

__all__ = ["RULES", "Audited", "Finding", "NotJudged", "audit", "audit_database", "audits"]

Audit = Callable[[AsyncConnection], AsyncIterator[Finding]]


@dataclass(frozen=True)
class Audited:
    """The rule is judged on the stored rows by these audits."""

    audits: tuple[Audit, ...]


@dataclass(frozen=True)
class NotJudged:
    """The rule cannot be judged on stored state: why, and the database constraints (CHECK,
    foreign key, unique index) that state what of it a row shows."""

    why: str
    constraints: tuple[str, ...] = ()


def audited(*audits: Audit) -> Audited:
    return Audited(audits)


def stated_by_the_database(kind: ProblemKind, how: str) -> NotJudged:
    """A rule the database states whole (`rule(..., constraints=...)`): no stored row breaks it."""
    return NotJudged(IN_A_ROW + how, kind.constraints)


# Why a rule of each sort is not judged on what is stored.
CHANGE = "It judges a change (an action from a state, or a value against the one it replaces), "
IN_A_ROW = "The database refuses a row that breaks it: "
FOREIGN_KEY = "A foreign key: the database refuses a row naming one that does not exist."

RULES: dict[ProblemKind, Audited | NotJudged] = {
    # Reference data
    SWEDISH_REFERENCE_ORGANISATION: audited(reference.organisations),
    REFERENCE_ORGANISATION_FIXED: NotJudged(
        CHANGE + "not a state: a row does not keep the identity it had; the audit trail "
        "(/api/v1/audit-events) does."
    ),
    ORGANISATION_NUMBER_SWEDISH_ONLY: audited(reference.organisations),
    UNKNOWN_COUNTRY: audited(reference.listed_countries),
    UNKNOWN_ORGANISATION: audited(reference.listed_organisations),
    POLITICIAN_POLITICAL_SIDE: audited(reference.people),
    OFFICIAL_HAS_NO_PARTY: audited(reference.people),
    OFFICIAL_HAS_NO_MANDATE: audited(reference.people),
    ELECTION_ORGANISATION_COUNTRY: audited(reference.own_elections),
    # Access control
    SCOPED_ROLE_NEEDS_ORGANISATIONS: audited(access.scoped_roles),
    # Partnerships
    UNKNOWN_PARTNERSHIP: NotJudged(
        FOREIGN_KEY,
        (
            "fk_applications_partnership_id_partnerships",
            "fk_grants_partnership_id_partnerships",
            "fk_study_visits_partnership_id_partnerships",
        ),
    ),
    SWEDISH_APPLICANT_ELIGIBLE: audited(partnerships.parties, partner_interests.declarations),
    PARTNER_COUNTRY_ELIGIBLE: audited(partnerships.partners, partner_interests.declarations),
    THIRD_PARTY_IN_EU: audited(partnerships.parties),
    PROJECT_DURATION: audited(partnerships.phases, funding.applications, funding.grants),
    INCEPTION_DURATION: audited(partnerships.phases, funding.applications, funding.grants),
    PHASES_DO_NOT_OVERLAP: audited(partnerships.phases),
    PROJECT_AFTER_INCEPTION: audited(partnerships.phases),
    POSTPONEMENT_LENGTH: NotJudged(
        CHANGE + "the pause a postponement decides; the phase and the grant keep only the end "
        "it moved (the decision records the pause)."
    ),
    EXTENSION_LATER_END: NotJudged(
        CHANGE + "the new planned end against the one before, which the phase no longer holds "
        "(the decision records it)."
    ),
    EARLY_TERMINATION_DATE: audited(partnerships.phases),
    PHASE_TRANSITION: NotJudged(
        CHANGE + "an action against the phase's status. What a state shows of it, the "
        "database states: one active phase per partnership, and a known status.",
        ("uq_phases_one_active", "ck_phases_status"),
    ),
    MEETING_CHANGE_REASON: NotJudged(
        CHANGE + "a cancellation or a move, judged on the action with its reason. What a state "
        "shows of it, the database states: a cancellation is recorded whole, and a change in the "
        "history has its reason.",
        ("ck_meetings_cancellation", "ck_meeting_changes_reason"),
    ),
    MEMBER_OF_A_PARTY: audited(partnerships.members, partnerships.meetings),
    TEAM_MEMBER_KIND: audited(partnerships.members),
    HOST_IS_A_PARTY: audited(partnerships.meetings),
    MEETING_TRANSITION: audited(partnerships.meetings),
    SIGNED_ONLY_LETTER_OF_INTENT: audited(partnerships.documents),
    # Networks
    NETWORK_PERIOD: stated_by_the_database(NETWORK_PERIOD, "a CHECK constraint."),
    NETWORK_MEMBER_COUNTRY: audited(networks.members, networks.partnerships),
    NETWORK_PARTNER_ELIGIBLE: audited(networks.members),
    UNKNOWN_NETWORK: NotJudged(
        FOREIGN_KEY,
        (
            "fk_partnerships_network_id_networks",
            "fk_workshops_network_id_networks",
            "fk_partner_interests_network_id_networks",
        ),
    ),
    WORKSHOP_WITHIN_NETWORK: audited(networks.workshops),
    WORKSHOP_MEMBERS_ONLY: audited(networks.workshops),
    WORKSHOP_PARTICIPANTS: audited(networks.participants),
    WORKSHOP_PERIOD: stated_by_the_database(WORKSHOP_PERIOD, "a CHECK constraint."),
    # Partner search
    PARTNER_INTEREST_COUNTRIES: audited(partner_interests.declarations),
    PARTNER_INTEREST_CLOSED: NotJudged(
        CHANGE + "an action against the declaration's status (a known status is a CHECK "
        "constraint).",
        ("ck_partner_interests_status",),
    ),
    PARTNER_INTEREST_MATCH: NotJudged(
        CHANGE + "a match of two declarations on the day it is made (expiry is a matter of "
        "that day); the partnership made records both, or neither, by a CHECK constraint.",
        ("ck_partnerships_origin_whole",),
    ),
    # Training programmes and study visits
    PROGRAMME_PERIOD: stated_by_the_database(PROGRAMME_PERIOD, "a CHECK constraint."),
    PROGRAMME_LEAD: audited(programmes.programmes),
    VISIT_WITHIN_PROGRAMME: audited(programmes.study_visits),
    VISITING_COUNTRIES_TAKE_PART: audited(programmes.study_visits),
    VISIT_FROM_ONE_SOURCE: stated_by_the_database(VISIT_FROM_ONE_SOURCE, "a CHECK constraint."),
    CONTACTS_OF_THE_HOST: audited(programmes.study_visits),
    UNKNOWN_PROGRAMME: NotJudged(
        FOREIGN_KEY, ("fk_study_visits_programme_id_training_programmes",)
    ),
    ONE_ENTRY_PER_COUNTRY: audited(programmes.programmes),
    # Funding
    ROUND_PERIOD: stated_by_the_database(ROUND_PERIOD, "a CHECK constraint."),
    ROUND_OPEN: audited(funding.applications),
    UNKNOWN_ROUND: NotJudged(FOREIGN_KEY, ("fk_applications_round_id_application_rounds",)),
    APPLICATION_TRANSITION: NotJudged(
        CHANGE + "an action against the application's status (a known status is a CHECK "
        "constraint; the steps taken are its events).",
        ("ck_applications_status",),
    ),
    APPLICATION_ATTACHMENTS: audited(funding.attachments),
    APPLICATION_BUDGET: audited(funding.applications),
    ONE_OPEN_APPLICATION: stated_by_the_database(
        ONE_OPEN_APPLICATION,
        "a unique index on the undecided applications of a partnership and kind.",
    ),
    APPLICATION_PERIOD: stated_by_the_database(APPLICATION_PERIOD, "a CHECK constraint."),
    WHOLE_KRONOR: audited(funding.grants, funding.amendments),
    INELIGIBLE_COST: stated_by_the_database(
        INELIGIBLE_COST, "CHECK constraints allow only the funded categories."
    ),
    BUDGET_YEAR: audited(funding.applications, funding.grants),
    BUDGET_CEILING: audited(funding.applications, funding.grants),
    BUDGET_LINE_ONCE: audited(funding.applications, funding.grants),
    GRANT_PERIOD: stated_by_the_database(GRANT_PERIOD, "a CHECK constraint."),
    BUDGET_LINES_SUM: audited(funding.grants),
    GRANT_APPLICATION: audited(funding.grants),
    AMENDMENT: NotJudged(
        CHANGE + "an amendment against the grant it changes. What amendments leave is judged "
        "by budget-lines-sum, budget-year, budget-ceiling and below-reported, and no line goes "
        "below zero by a CHECK constraint.",
        ("ck_grant_budget_lines_amounts", "ck_grants_amounts"),
    ),
    BELOW_REPORTED: audited(funding.grants),
    GRANT_CLOSED: audited(funding.reports),
    REPORT_YEAR: audited(funding.reports),
    COST_BEYOND_BUDGET_LINE: audited(funding.reports),
    EXCHANGE_RATE: stated_by_the_database(
        EXCHANGE_RATE,
        "CHECK constraints: a rate for a foreign currency only, positive, and a cost of at least "
        "an öre.",
    ),
    REPORT_TRANSITION: NotJudged(
        CHANGE + "a decision against the report's status (a known status is a CHECK constraint).",
        ("ck_grant_reports_status",),
    ),
    PAYMENT_AFTER_APPROVED_REPORT: audited(funding.payments),
    PAYMENT_BEYOND_APPROVED: audited(funding.payments),
}


def audits() -> list[Audit]:
    """Every audit of `RULES`, once, in the table's order."""
    found: dict[Audit, None] = {}
    for how in RULES.values():
        if isinstance(how, Audited):
            found |= dict.fromkeys(how.audits)
    return list(found)


async def audit(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """Every finding of every audit, on `conn`."""
    for run in audits():
        async for finding in run(conn):
            yield finding


async def audit_database(engine: AsyncEngine) -> AsyncIterator[Finding]:
    """`audit` in one read-only snapshot (every audit sees the same data, whatever writes go on
    meanwhile), without the statement timeout requests run under: a scan of the whole database
    may take longer than a request may."""
    async with engine.connect() as conn:
        snapshot = await conn.execution_options(
            isolation_level="REPEATABLE READ", postgresql_readonly=True
        )
        async with snapshot.begin():
            await snapshot.exec_driver_sql("SET LOCAL statement_timeout = 0")
            await snapshot.exec_driver_sql("SET LOCAL idle_in_transaction_session_timeout = 0")
            async for finding in audit(snapshot):
                yield finding
