"""Audits of the funding rules (app/rules/funding.py): applications and their budgets, grants and
their lines, amendments, reports and payments."""

from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncConnection

from app.core.periods import nominal_end
from app.models.enums import SUBMITTED_APPLICATIONS, ApplicationKind
from app.rules.funding import (
    ZERO,
    Attachment,
    check_attachments,
    check_budget,
    check_grant_application,
    check_lines_once,
    check_lines_sum,
    check_not_below_reported,
    check_payment_amount,
    check_payment_report,
    check_report_costs,
    check_report_year,
    check_round_named,
    check_round_open,
    check_submitted_budget,
    check_whole_kronor,
    terms,
)
from app.rules.partnerships import check_duration
from app.services.integrity.base import (
    Finding,
    application_url,
    grant_part_url,
    grant_url,
    groups,
    judge,
    rows,
)

# SQL: the funding regions of the partners of the partnership `p` (one for each partner, NULL
# for a country without one), as `terms_of` reads them.
_REGIONS = (
    "ARRAY(SELECT c.funding_region FROM partnership_partners pp "
    "JOIN organisations o ON o.id = pp.organisation_id JOIN countries c ON c.code = o.country_code "
    "WHERE pp.partnership_id = p.id)"
)


def _lines(column: str) -> str:
    """SQL: a column of the application `a`'s budget lines, in their order."""
    return (
        f"ARRAY(SELECT l.{column} FROM application_budget_lines l WHERE l.application_id = a.id "
        "ORDER BY l.position)"
    )


async def applications(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """Each application: `project-duration` and `inception-duration` of its planned period;
    `round-open` (a project or extension application names a round, an inception none; one
    submitted was submitted while its round was open); `application-budget` of one submitted;
    `budget-line-once`, `budget-year` and `budget-ceiling` of its budget (the ceiling on the
    partners' countries as they are now)."""
    async for a in rows(
        conn,
        "SELECT a.id, a.kind, a.planned_start, a.planned_end, a.round_id, a.submitted_on, "
        "r.title AS round_title, r.opens, r.closes, "
        "p.third_party_id IS NOT NULL AS third_party, "
        f"{_REGIONS} AS regions, {_lines('category')} AS categories, {_lines('year')} AS years, "
        f"{_lines('amount')} AS amounts FROM applications a "
        "JOIN partnerships p ON p.id = a.partnership_id "
        "LEFT JOIN application_rounds r ON r.id = a.round_id ORDER BY a.id",
    ):
        url = application_url(a.id)
        if found := judge(url, check_duration, a.kind, a.planned_start, a.planned_end):
            yield found
        if found := judge(url, check_round_named, a.kind, a.round_id):
            yield found
        if (
            a.round_id is not None
            and a.submitted_on is not None
            and (
                found := judge(
                    url, check_round_open, a.round_title, a.opens, a.closes, a.submitted_on
                )
            )
        ):
            yield found
        lines = list(zip(a.years, a.amounts, strict=True))
        if a.submitted_on is not None and (found := judge(url, check_submitted_budget, lines)):
            yield found
        if found := judge(url, check_lines_once, list(zip(a.categories, a.years, strict=True))):
            yield found
        if found := judge(
            url,
            check_budget,
            lines,
            ApplicationKind(a.kind),
            a.planned_start,
            a.planned_end,
            terms(a.regions, len(a.regions), a.third_party),
        ):
            yield found


def _attached(column: str) -> str:
    """SQL: a column of the documents of its own partnership that the application `a` attaches,
    in the order of their ids."""
    return (
        f"ARRAY(SELECT {column} FROM documents d WHERE d.id = ANY(a.attachment_ids) "
        "AND d.partnership_id = a.partnership_id ORDER BY d.id)"
    )


async def attachments(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`application-attachments` of each submitted application (submitted, under assessment or
    approved: their documents cannot change or go; those of a draft, a withdrawn or a rejected
    application can)."""
    async for a in rows(
        conn,
        f"SELECT a.id, a.attachment_ids, {_attached('d.id')} AS ids, "
        f"{_attached('d.kind')} AS kinds, {_attached('d.file_key IS NOT NULL')} AS uploaded, "
        f"{_attached('d.swedish_signed_on IS NOT NULL AND d.partner_signed_on IS NOT NULL')} "
        "AS signed FROM applications a WHERE a.status = ANY(:submitted) ORDER BY a.id",
        submitted=sorted(SUBMITTED_APPLICATIONS),
    ):
        found_documents = {
            id: Attachment(kind=kind, uploaded=uploaded, signed_by_both=signed)
            for id, kind, uploaded, signed in zip(a.ids, a.kinds, a.uploaded, a.signed, strict=True)
        }
        if found := judge(
            application_url(a.id),
            check_attachments,
            a.attachment_ids,
            found_documents,
            required=True,
        ):
            yield found


@dataclass(frozen=True)
class StoredLine:
    """A stored budget line of a grant, as the rules read it (`BudgetLine`)."""

    id: UUID
    category: str
    year: int
    amount: Decimal


@dataclass(frozen=True)
class StoredApplication:
    partnership_id: UUID
    kind: str
    status: str


def _whole_kronor(amounts: Iterable[Decimal]) -> None:
    """`whole-kronor` of each of a grant's amounts."""
    for amount in amounts:
        check_whole_kronor("SEK", amount)


async def grants(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """Each grant, with its budget lines: `project-duration` and `inception-duration` of the
    period decided; `grant-application`; `budget-lines-sum` of the current and of the decided
    amounts; `whole-kronor`; `budget-line-once`; `budget-year` and `budget-ceiling` of the
    lines holding money in the grant's current years (counted without its postponements, as
    every amendment judges them: a close-out leaves the lines of the years it cancelled at
    zero); `below-reported` (no line below what is reported on it, the grant not below what
    is paid)."""
    async for group in groups(
        conn,
        "SELECT g.id, g.partnership_id, g.application_id, g.kind, g.starts, g.ends, "
        "g.original_ends, g.postponed_days, g.amount, g.original_amount, "
        "a.partnership_id AS application_partnership, a.kind AS application_kind, "
        "a.status AS application_status, p.third_party_id IS NOT NULL AS third_party, "
        f"{_REGIONS} AS regions, "
        "(SELECT coalesce(sum(pm.amount), 0) FROM grant_payments pm WHERE pm.grant_id = g.id) "
        "AS paid, l.id AS line_id, l.category, l.year, l.amount AS line_amount, "
        "l.original_amount AS line_original, (SELECT coalesce(sum(rc.amount), 0) "
        "FROM grant_reported_costs rc JOIN grant_reports r ON r.id = rc.report_id "
        "WHERE rc.budget_line_id = l.id AND r.status <> 'returned') AS reported "
        "FROM grants g JOIN partnerships p ON p.id = g.partnership_id "
        "LEFT JOIN applications a ON a.id = g.application_id "
        "LEFT JOIN grant_budget_lines l ON l.grant_id = g.id "
        "ORDER BY g.id, l.year, l.position",
        "id",
    ):
        g = group[0]
        url = grant_url(g.id)
        stored = [r for r in group if r.line_id is not None]
        lines = [StoredLine(r.line_id, r.category, r.year, r.line_amount) for r in stored]
        if found := judge(url, check_duration, g.kind, g.starts, g.original_ends):
            yield found
        if g.application_id is not None:
            application = (
                None
                if g.application_partnership is None
                else StoredApplication(
                    g.application_partnership, g.application_kind, g.application_status
                )
            )
            if found := judge(
                url,
                check_grant_application,
                g.application_id,
                application,
                g.partnership_id,
                g.kind,
                False,  # granted twice: the unique constraint uq_grants_application_id
            ):
                yield found
        if found := judge(url, check_lines_sum, [x.amount for x in lines], g.amount):
            yield found
        originals = [r.line_original for r in stored]
        if found := judge(url, check_lines_sum, originals, g.original_amount):
            yield Finding(found.code, url, f"As decided: {found.message}")
        amounts = [g.amount, g.original_amount, *(x.amount for x in lines), *originals]
        if found := judge(url, _whole_kronor, amounts):
            yield found
        if found := judge(url, check_lines_once, [(x.category, x.year) for x in lines]):
            yield found
        if found := judge(
            url,
            check_budget,
            [(x.year, x.amount) for x in lines if x.amount > 0],
            ApplicationKind(g.kind),
            g.starts,
            nominal_end(g.ends, g.postponed_days),
            terms(g.regions, len(g.regions), g.third_party),
        ):
            yield found
        reported = {r.line_id: r.reported for r in stored}
        if found := judge(url, check_not_below_reported, lines, reported, g.amount, g.paid):
            yield found


async def amendments(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """`whole-kronor` of what each amendment changed the grant by."""
    async for a in rows(
        conn, "SELECT grant_id, id, amount_change FROM grant_amendments ORDER BY grant_id, id"
    ):
        if found := judge(
            grant_part_url(a.grant_id, "amendments", a.id),
            check_whole_kronor,
            "SEK",
            a.amount_change,
        ):
            yield found


async def reports(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """Each grant's reports that are not returned, in the order they were filed, as filing
    judged them: `report-year` (and `grant-closed` for a year a close-out cancelled) on the
    grant's current period; `report-year` and `cost-beyond-budget-line` of their costs, each
    line with what the reports before put on it. (One report of each kind and year that is not
    returned: the unique index uq_grant_reports_current.)"""
    async for group in groups(
        conn,
        "SELECT r.grant_id, r.id, r.kind, r.year, g.starts, g.ends, g.postponed_days, "
        "g.closed_on, rc.budget_line_id, rc.amount, l.id AS line_id, l.category, "
        "l.year AS line_year, l.amount AS line_amount FROM grant_reports r "
        "JOIN grants g ON g.id = r.grant_id "
        "LEFT JOIN grant_reported_costs rc ON rc.report_id = r.id "
        "LEFT JOIN grant_budget_lines l ON l.id = rc.budget_line_id AND l.grant_id = r.grant_id "
        "WHERE r.status <> 'returned' ORDER BY r.grant_id, r.created_at, r.id, rc.position",
        "grant_id",
    ):
        lines = {
            r.line_id: StoredLine(r.line_id, r.category, r.line_year, r.line_amount)
            for r in group
            if r.line_id is not None
        }
        reported: dict[UUID, Decimal] = defaultdict(Decimal)
        by_report: dict[UUID, list[tuple[UUID, Decimal]]] = {}
        for r in group:  # in the order filed, with or without costs
            costs = by_report.setdefault(r.id, [])
            if r.budget_line_id is not None:
                costs.append((r.budget_line_id, r.amount))
        facts = {r.id: r for r in group}
        for report_id, costs in by_report.items():
            r = facts[report_id]
            url = grant_part_url(r.grant_id, "reports", report_id)
            if found := judge(
                url,
                check_report_year,
                r.kind,
                r.year,
                r.starts,
                r.ends,
                r.postponed_days,
                r.closed_on,
                None,
            ):
                yield found
            if found := judge(url, check_report_costs, r.year, costs, lines, dict(reported)):
                yield found
            for line_id, amount in costs:
                reported[line_id] += amount


@dataclass(frozen=True)
class StoredReport:
    grant_id: UUID
    status: str
    decided_on: date | None


async def payments(conn: AsyncConnection) -> AsyncIterator[Finding]:
    """Each report's payments, in the order they were made: `payment-after-approved-report`
    and `payment-beyond-approved` (with what was paid for the report before)."""
    async for group in groups(
        conn,
        "SELECT pm.report_id, pm.grant_id, pm.id, pm.amount, pm.paid_on, "
        "r.grant_id AS report_grant, r.status, r.decided_on, (SELECT coalesce(sum(rc.amount), 0) "
        "FROM grant_reported_costs rc WHERE rc.report_id = r.id) AS approved "
        "FROM grant_payments pm LEFT JOIN grant_reports r ON r.id = pm.report_id "
        "ORDER BY pm.report_id, pm.created_at, pm.id",
        "report_id",
    ):
        paid = ZERO
        for p in group:
            url = grant_part_url(p.grant_id, "payments", p.id)
            report = (
                None
                if p.report_grant is None
                else StoredReport(p.report_grant, p.status, p.decided_on)
            )
            if found := judge(
                url, check_payment_report, p.report_id, report, p.grant_id, p.paid_on
            ):
                yield found
            if found := judge(url, check_payment_amount, p.approved, paid, p.amount):
                yield found
            paid += p.amount
