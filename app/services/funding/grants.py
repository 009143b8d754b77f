"""Grants: decisions, amendments, reports, payments and the balance derived from them
(docs/funding.md). Every change of a grant's money locks the grant (after its partnership), so
the checks against reported and paid sums see what is stored."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import today
from app.core.errors import NOT_FOUND, ProblemError, RuleViolation
from app.core.paging import PageParams, paginate
from app.core.periods import add_months, nominal_end
from app.core.principal import Principal
from app.core.scopes import ensure_can_write_in, partnership_in_scope
from app.models.enums import (
    ApplicationKind,
    ApplicationStatus,
    GrantStatus,
    ReportKind,
    ReportStatus,
)
from app.models.funding import (
    Amendment,
    Application,
    Grant,
    GrantBudgetLine,
    Payment,
    Report,
    ReportedCost,
)
from app.models.organisations import Organisation
from app.models.partnerships import Partnership
from app.rules.funding import (
    AMENDMENT,
    BELOW_REPORTED,
    BUDGET_YEAR,
    COST_BEYOND_BUDGET_LINE,
    FINAL_REPORT_MONTHS,
    GRANT_APPLICATION,
    GRANT_CLOSED,
    INTERIM_REPORT_MONTHS,
    PAYMENT_AFTER_APPROVED_REPORT,
    PAYMENT_BEYOND_APPROVED,
    REPORT_TRANSITION,
    REPORT_YEAR,
    check_budget,
    grant_years,
    project_years,
)
from app.rules.partnerships import longest_end
from app.schemas.funding.grants import (
    CloseOut,
    Extension,
    GrantCreate,
    PaymentCreate,
    Postponement,
    Reallocation,
    Reduction,
    ReportCreate,
)
from app.services.access import audit
from app.services.common import apply_changes, get_one, touch
from app.services.funding.applications import named_partnership, terms_of
from app.services.partnerships.partnerships import get_owned

ZERO = Decimal(0)
# On the table's column, so that reads of rows (views) and of ORM objects share it.
NOT_RETURNED = Report.__table__.c.status != ReportStatus.returned  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Due:
    kind: ReportKind
    year: int
    due_on: date
    report_id: UUID | None


# A grant to answer with: the ORM object after a change, or a row of the grants table from a
# read, which builds no ORM object for what is only serialised (bench/README.md). Both have
# the grant's columns as attributes.
GrantRecord = Grant | sa.Row[Any]
_GRANTS: sa.Table = Grant.__table__  # type: ignore[attr-defined]
_LINES: sa.Table = GrantBudgetLine.__table__  # type: ignore[attr-defined]
_REPORTS: sa.Table = Report.__table__  # type: ignore[attr-defined]
_PARTNERSHIPS: sa.Table = Partnership.__table__  # type: ignore[attr-defined]
_ORGANISATIONS: sa.Table = Organisation.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class GrantView:
    grant: GrantRecord
    lines: list[sa.Row[Any]]
    reports_due: list[Due]
    recipient: tuple[UUID, str]  # the Swedish party: its id and name


# Reading


def _in_scope(principal: Principal) -> Any:
    return partnership_in_scope(principal, _GRANTS.c.partnership_id)


async def list_grants(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    partnership_id: UUID | None = None,
    status: GrantStatus | None = None,
) -> tuple[list[GrantView], str | None]:
    stmt = sa.select(_GRANTS).where(_in_scope(principal))
    if partnership_id:
        stmt = stmt.where(_GRANTS.c.partnership_id == partnership_id)
    if status:
        stmt = stmt.where(_GRANTS.c.status == status)
    rows: list[sa.Row[Any]]
    rows, cursor = await paginate(
        session,
        stmt,
        order=[_GRANTS.c.decided_on, _GRANTS.c.id],
        key=lambda g: (g.decided_on, g.id),
        params=page,
        sort_name="decided_on",
        as_rows=True,
    )
    return await views(session, rows), cursor


async def get_grant(
    session: AsyncSession, principal: Principal, grant_id: UUID, *, for_update: bool = False
) -> Grant:
    """A grant to change or to compute from (an ORM object)."""
    _, grant = await get_owned(session, principal, Grant, grant_id, "grant", for_update=for_update)
    return grant


async def read_grant(session: AsyncSession, principal: Principal, grant_id: UUID) -> GrantView:
    """A grant to answer with, in the caller's scope."""
    stmt = sa.select(_GRANTS).where(_GRANTS.c.id == grant_id, _in_scope(principal))
    row = (await session.execute(stmt)).first()
    if row is None:
        raise ProblemError(NOT_FOUND, f"No grant {grant_id}.")
    [view] = await views(session, [row])
    return view


async def views(session: AsyncSession, grants: Sequence[GrantRecord]) -> list[GrantView]:
    """Lines, due reports and Swedish parties of several grants, in three queries."""
    ids = [g.id for g in grants]
    lines: dict[UUID, list[sa.Row[Any]]] = defaultdict(list)
    for line in await session.execute(
        sa.select(_LINES)
        .where(_LINES.c.grant_id.in_(ids))
        .order_by(_LINES.c.year, _LINES.c.position)
    ):
        lines[line.grant_id].append(line)
    report = _REPORTS.c
    filed: dict[tuple[UUID, str, int], UUID] = {
        (grant_id, kind, year): report_id
        for grant_id, kind, year, report_id in await session.execute(
            sa.select(report.grant_id, report.kind, report.year, report.id).where(
                report.grant_id.in_(ids), NOT_RETURNED
            )
        )
    }
    party, organisation = _PARTNERSHIPS.c, _ORGANISATIONS.c
    parties = {
        partnership_id: (organisation_id, name)
        for partnership_id, organisation_id, name in await session.execute(
            sa.select(party.id, organisation.id, organisation.name)
            .join(_ORGANISATIONS, organisation.id == party.swedish_party_id)
            .where(party.id.in_({g.partnership_id for g in grants}))
        )
    }
    return [
        GrantView(
            grant=g,
            lines=lines[g.id],
            reports_due=[
                Due(kind, year, due_on, filed.get((g.id, kind, year)))
                for kind, year, due_on in reports_due(g)
            ],
            recipient=parties[g.partnership_id],
        )
        for g in grants
    ]


def reports_due(grant: GrantRecord) -> list[tuple[ReportKind, int, date]]:
    """An interim report for each project year but the last, two months after it; the final
    report three months after the grant's current end (docs/funding.md)."""
    years = grant_years(grant.starts, grant.ends, grant.postponed_days)
    due = [
        (ReportKind.interim, n, add_months(last, INTERIM_REPORT_MONTHS))
        for n, (_, last) in enumerate(years[:-1], start=1)
    ]
    due.append((ReportKind.final, len(years), add_months(grant.ends, FINAL_REPORT_MONTHS)))
    return due


# Deciding


async def create_grant(session: AsyncSession, principal: Principal, data: GrantCreate) -> Grant:
    partnership = await named_partnership(session, principal, data.partnership_id)
    if data.application_id is not None:
        await _check_application(session, data)
    check_budget(
        [(line.year, line.amount.amount) for line in data.budget],
        data.kind,
        data.starts,
        data.ends,
        await terms_of(session, partnership),
    )
    amount = data.amount.amount
    grant = Grant(
        **data.model_dump(exclude={"amount", "ends", "budget"}),
        original_ends=data.ends,
        ends=data.ends,
        original_amount=amount,
        amount=amount,
    )
    session.add(grant)
    await session.flush()
    session.add_all(
        GrantBudgetLine(
            grant_id=grant.id,
            position=i,
            category=line.category,
            year=line.year,
            original_amount=line.amount.amount,
            amount=line.amount.amount,
            description=line.description,
        )
        for i, line in enumerate(data.budget)
    )
    await session.flush()
    await session.refresh(grant)
    return grant


async def _check_application(session: AsyncSession, data: GrantCreate) -> None:
    application = await session.get(Application, data.application_id)
    problem = None
    if application is None or application.partnership_id != data.partnership_id:
        problem = f"No application {data.application_id} of the partnership."
    elif application.kind != data.kind:
        problem = f"The application is for {application.kind}, not {data.kind}."
    elif application.status != ApplicationStatus.approved:
        problem = f"The application is {application.status}, not approved."
    elif await session.scalar(select(Grant.id).where(Grant.application_id == application.id)):
        problem = "The application has its grant already."
    if problem:
        raise RuleViolation(GRANT_APPLICATION, problem, pointer="/application_id")


async def _reported_by_line(
    session: AsyncSession, grant_id: UUID, statuses: set[ReportStatus] | None = None
) -> dict[UUID, Decimal]:
    """Reported costs per budget line: of reports not returned, or of the given statuses."""
    stmt = (
        select(ReportedCost.budget_line_id, sa.func.sum(ReportedCost.amount))
        .join(Report, col(Report.id) == col(ReportedCost.report_id))
        .where(Report.grant_id == grant_id)
        .group_by(col(ReportedCost.budget_line_id))
    )
    if statuses is None:
        stmt = stmt.where(NOT_RETURNED)
    else:
        stmt = stmt.where(col(Report.status).in_(statuses))
    return {line_id: total for line_id, total in await session.execute(stmt)}


async def _paid(session: AsyncSession, grant_id: UUID, report_id: UUID | None = None) -> Decimal:
    stmt = select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
        Payment.grant_id == grant_id
    )
    if report_id:
        stmt = stmt.where(Payment.report_id == report_id)
    return Decimal(await session.scalar(stmt) or 0)


async def lines_of(
    session: AsyncSession, grant_ids: list[UUID], *, for_update: bool = False
) -> dict[UUID, list[GrantBudgetLine]]:
    """The budget lines of grants, by year and position."""
    stmt = (
        select(GrantBudgetLine)
        .where(col(GrantBudgetLine.grant_id).in_(grant_ids))
        .order_by(col(GrantBudgetLine.year), col(GrantBudgetLine.position))
    )
    lines: dict[UUID, list[GrantBudgetLine]] = defaultdict(list)
    for line in await session.scalars(stmt.with_for_update() if for_update else stmt):
        lines[line.grant_id].append(line)
    return lines


async def amend(
    session: AsyncSession,
    principal: Principal,
    grant_id: UUID,
    body: Extension | Postponement | Reallocation | Reduction | CloseOut,
) -> Amendment:
    """Apply an amendment to the grant's current figures and record it, in one transaction.
    Every amendment is a new version of the grant (and its ETag)."""
    partnership, grant = await get_owned(
        session, principal, Grant, grant_id, "grant", for_update=True
    )
    if grant.status == GrantStatus.closed:
        raise RuleViolation(GRANT_CLOSED, f"The grant closed on {grant.closed_on}.")
    lines = (await lines_of(session, [grant.id], for_update=True))[grant.id]
    ends_before, ends, postponed = grant.ends, grant.ends, grant.postponed_days
    changes: dict[str, Any] = {}
    match body:
        case Extension():
            final = await session.scalar(
                select(Report.id).where(
                    Report.grant_id == grant.id, Report.kind == ReportKind.final, NOT_RETURNED
                )
            )
            if final:
                raise RuleViolation(
                    AMENDMENT,
                    f"The final report ({final}) is filed: the grant is accounted for, and more "
                    "time is a new grant of kind extension.",
                    pointer="/new_end",
                )
            ends = body.new_end
            _extend(grant, body, lines, session)
        case Postponement():
            ends = grant.ends + timedelta(days=body.days)
            postponed += body.days
        case Reallocation():
            _reallocate(body, {line.id: line for line in lines})
        case Reduction():
            _reduce(body, {line.id: line for line in lines})
        case CloseOut():
            await _close_out(session, grant, body, lines)
            ends = body.closes_on
            changes |= {"status": GrantStatus.closed, "closed_on": body.closes_on}
    amount = sum((line.amount for line in lines), ZERO)
    await _not_below_reported_or_paid(session, grant, lines, amount)
    if isinstance(body, Extension | Reallocation):
        check_budget(
            [(line.year, line.amount) for line in lines],
            ApplicationKind(grant.kind),
            grant.starts,
            nominal_end(ends, postponed),
            await terms_of(session, partnership),
            pointer="",
        )
    amendment = Amendment(
        grant_id=grant.id,
        kind=body.kind,
        reference=body.reference,
        decided_on=body.decided_on,
        decided_by=principal.name or principal.id,
        amount_change=amount - grant.amount,
        ends_before=ends_before,
        ends_after=ends,
        details=body.model_dump(mode="json"),
    )
    if not apply_changes(
        grant, {**changes, "ends": ends, "amount": amount, "postponed_days": postponed}
    ):
        touch(grant)  # a reallocation changes lines only: still a new version
    session.add(amendment)
    audit.label_next_flush(session, f"amend:{body.kind}")
    await session.flush()
    return amendment


def _extend(
    grant: Grant, body: Extension, lines: list[GrantBudgetLine], session: AsyncSession
) -> None:
    """A later end, within the phase's duration counted without postponements (a longer
    project is a new grant of kind extension), and lines added in the years it then has."""
    if body.new_end <= grant.ends:
        raise RuleViolation(
            AMENDMENT, f"An extension ends later than {grant.ends}.", pointer="/new_end"
        )
    nominal = nominal_end(body.new_end, grant.postponed_days)
    longest = longest_end(grant.kind, grant.starts)
    if nominal > longest:
        raise RuleViolation(
            AMENDMENT,
            f"A {grant.kind} grant starting {grant.starts} runs to {longest} at most (without "
            "its postponements); a longer one is a new grant of kind extension.",
            pointer="/new_end",
        )
    years = len(project_years(grant.starts, nominal))
    for j, addition in enumerate(body.additions):
        if addition.year > years:
            raise RuleViolation(
                BUDGET_YEAR,
                f"Project year {addition.year}, but the extended grant has {years}.",
                pointer=f"/additions/{j}/year",
            )
        key = (addition.category, addition.year)
        same = next((x for x in lines if (x.category, x.year) == key), None)
        if same is None:
            same = GrantBudgetLine(
                grant_id=grant.id,
                position=len(lines),
                category=addition.category,
                year=addition.year,
                original_amount=ZERO,
                amount=ZERO,
                description=addition.description,
            )
            session.add(same)
            lines.append(same)
        same.amount += addition.amount.amount


def _reallocate(body: Reallocation, by_id: dict[UUID, GrantBudgetLine]) -> None:
    for i, move in enumerate(body.moves):
        source, target = by_id.get(move.from_line_id), by_id.get(move.to_line_id)
        for field, found in (("from_line_id", source), ("to_line_id", target)):
            if found is None:
                raise RuleViolation(
                    AMENDMENT, "Not a budget line of this grant.", pointer=f"/moves/{i}/{field}"
                )
        assert source is not None and target is not None
        if move.amount.amount > source.amount:
            raise RuleViolation(
                AMENDMENT,
                f"The line has {source.amount} SEK; {move.amount.amount} cannot move.",
                pointer=f"/moves/{i}/amount",
            )
        source.amount -= move.amount.amount
        target.amount += move.amount.amount


def _reduce(body: Reduction, by_id: dict[UUID, GrantBudgetLine]) -> None:
    for i, cut in enumerate(body.reductions):
        line = by_id.get(cut.line_id)
        if line is None:
            raise RuleViolation(
                AMENDMENT, "Not a budget line of this grant.", pointer=f"/reductions/{i}/line_id"
            )
        if cut.amount.amount > line.amount:
            raise RuleViolation(
                AMENDMENT,
                f"The line has {line.amount} SEK; it cannot shrink by {cut.amount.amount}.",
                pointer=f"/reductions/{i}/amount",
            )
        line.amount -= cut.amount.amount


async def _close_out(
    session: AsyncSession, grant: Grant, body: CloseOut, lines: list[GrantBudgetLine]
) -> None:
    """The grant ends early: the years after the closing one are cancelled, their lines go to
    zero (a negative commitment), and none of them may have a report."""
    if not grant.starts <= body.closes_on < grant.ends:
        raise RuleViolation(
            AMENDMENT,
            f"A close-out falls within {grant.starts}..{grant.ends}, before the end.",
            pointer="/closes_on",
        )
    years = len(grant_years(grant.starts, body.closes_on, grant.postponed_days))
    later = await session.scalar(
        select(sa.func.max(Report.year)).where(
            Report.grant_id == grant.id, NOT_RETURNED, col(Report.year) > years
        )
    )
    if later:
        raise RuleViolation(
            AMENDMENT,
            f"A report on year {later} is filed; a close-out leaving {years} year(s) cannot "
            "cancel it (return it first).",
            pointer="/closes_on",
        )
    for line in lines:
        if line.year > years:
            line.amount = ZERO


async def _not_below_reported_or_paid(
    session: AsyncSession, grant: Grant, lines: list[GrantBudgetLine], amount: Decimal
) -> None:
    reported = await _reported_by_line(session, grant.id)
    for line in lines:
        if line.amount < reported.get(line.id, ZERO):
            raise RuleViolation(
                BELOW_REPORTED,
                f"The {line.category} line of year {line.year} would hold {line.amount} SEK, "
                f"below the "
                f"{reported[line.id]} reported on it.",
            )
    paid = await _paid(session, grant.id)
    if amount < paid:
        raise RuleViolation(
            BELOW_REPORTED, f"The grant would be {amount} SEK, below the {paid} paid."
        )


async def get_amendment(
    session: AsyncSession, principal: Principal, grant_id: UUID, amendment_id: UUID
) -> Amendment:
    grant = await get_grant(session, principal, grant_id)
    stmt = select(Amendment).where(Amendment.id == amendment_id, Amendment.grant_id == grant.id)
    found: Amendment = await get_one(
        session, stmt, f"No amendment {amendment_id} of grant {grant_id}."
    )
    return found


async def get_payment(
    session: AsyncSession, principal: Principal, grant_id: UUID, payment_id: UUID
) -> Payment:
    grant = await get_grant(session, principal, grant_id)
    stmt = select(Payment).where(Payment.id == payment_id, Payment.grant_id == grant.id)
    found: Payment = await get_one(session, stmt, f"No payment {payment_id} of grant {grant_id}.")
    return found


async def amendments_of(
    session: AsyncSession, principal: Principal, grant_id: UUID
) -> list[Amendment]:
    grant = await get_grant(session, principal, grant_id)
    return list(
        await session.scalars(
            select(Amendment)
            .where(Amendment.grant_id == grant.id)
            .order_by(col(Amendment.created_at), col(Amendment.id))
        )
    )


# Reports


@dataclass(frozen=True)
class ReportView:
    report: Report
    costs: list[ReportedCost]

    @property
    def total(self) -> Decimal:
        return sum((c.amount for c in self.costs), ZERO)


async def _report_views(session: AsyncSession, reports: list[Report]) -> list[ReportView]:
    costs: dict[UUID, list[ReportedCost]] = defaultdict(list)
    for cost in await session.scalars(
        select(ReportedCost)
        .where(col(ReportedCost.report_id).in_([r.id for r in reports]))
        .order_by(col(ReportedCost.report_id), col(ReportedCost.position))
    ):
        costs[cost.report_id].append(cost)
    return [ReportView(r, costs[r.id]) for r in reports]


async def reports_of(
    session: AsyncSession, principal: Principal, grant_id: UUID
) -> list[ReportView]:
    grant = await get_grant(session, principal, grant_id)
    reports = await session.scalars(
        select(Report)
        .where(Report.grant_id == grant.id)
        .order_by(col(Report.created_at), col(Report.id))
    )
    return await _report_views(session, list(reports))


async def get_report(
    session: AsyncSession,
    principal: Principal,
    grant_id: UUID,
    report_id: UUID,
    *,
    for_update: bool = False,
) -> tuple[Grant, Report]:
    grant = await get_grant(session, principal, grant_id, for_update=for_update)
    stmt = select(Report).where(Report.id == report_id, Report.grant_id == grant.id)
    report: Report = await get_one(
        session, stmt, f"No report {report_id} of grant {grant_id}.", for_update=for_update
    )
    return grant, report


async def report_view(session: AsyncSession, report: Report) -> ReportView:
    return (await _report_views(session, [report]))[0]


async def file_report(
    session: AsyncSession, principal: Principal, grant_id: UUID, data: ReportCreate
) -> ReportView:
    """The Swedish party accounts for a project year: its costs on that year's budget lines,
    never beyond a line (with what earlier reports put on it)."""
    partnership, grant = await get_owned(
        session, principal, Grant, grant_id, "grant", for_update=True
    )
    ensure_can_write_in(principal, partnership.swedish_party_id)
    years = len(grant_years(grant.starts, grant.ends, grant.postponed_days))
    expected = "the last year" if data.kind == ReportKind.final else "a year before the last"
    fits = data.year == years if data.kind == ReportKind.final else data.year < years
    if not fits:
        closed = f" (closed on {grant.closed_on})" if grant.closed_on else ""
        raise RuleViolation(
            GRANT_CLOSED if grant.closed_on and data.year > years else REPORT_YEAR,
            f"The grant{closed} has {years} project year(s); a {data.kind} report covers "
            f"{expected}.",
            pointer="/year",
        )
    filed = await session.scalar(
        select(Report.id).where(
            Report.grant_id == grant.id,
            Report.kind == data.kind,
            Report.year == data.year,
            NOT_RETURNED,
        )
    )
    if filed:
        raise RuleViolation(
            REPORT_YEAR, f"Report {filed} covers that year already.", pointer="/year"
        )
    lines = {line.id: line for line in (await lines_of(session, [grant.id]))[grant.id]}
    reported = await _reported_by_line(session, grant.id)
    adding: dict[UUID, Decimal] = defaultdict(Decimal)
    for i, cost in enumerate(data.costs):
        line = lines.get(cost.budget_line_id)
        if line is None or line.year != data.year:
            raise RuleViolation(
                REPORT_YEAR,
                f"Not a budget line of year {data.year} of this grant.",
                pointer=f"/costs/{i}/budget_line_id",
            )
        adding[line.id] += cost.sek
        if reported.get(line.id, ZERO) + adding[line.id] > line.amount:
            raise RuleViolation(
                COST_BEYOND_BUDGET_LINE,
                f"The {line.category} line of year {line.year} holds {line.amount} SEK; with "
                f"this cost {reported.get(line.id, ZERO) + adding[line.id]} would be reported.",
                pointer=f"/costs/{i}/amount",
            )
    report = Report(
        grant_id=grant.id,
        kind=data.kind,
        year=data.year,
        narrative=data.narrative,
        submitted_on=data.submitted_on or today(),
    )
    session.add(report)
    touch(grant)  # what is due has changed: a new version of the grant (and its ETag)
    await session.flush()
    session.add_all(
        ReportedCost(
            report_id=report.id,
            budget_line_id=cost.budget_line_id,
            position=i,
            amount=cost.sek,
            original_amount=cost.amount.amount,
            currency=cost.amount.currency,
            rate=cost.rate,
            description=cost.description,
        )
        for i, cost in enumerate(data.costs)
    )
    await session.flush()
    await session.refresh(report)
    return await report_view(session, report)


async def decide_report(
    session: AsyncSession,
    principal: Principal,
    grant_id: UUID,
    report_id: UUID,
    status: ReportStatus,
    note: str | None,
    decided_on: date | None = None,
) -> ReportView:
    grant, report = await get_report(session, principal, grant_id, report_id, for_update=True)
    if report.status != ReportStatus.submitted:
        raise RuleViolation(
            REPORT_TRANSITION, f"The report is {report.status}; only a submitted one is decided."
        )
    day = decided_on or today()
    if day < report.submitted_on:
        raise RuleViolation(
            REPORT_TRANSITION,
            f"The report was submitted on {report.submitted_on}; it is decided after that.",
            pointer="/decided_on",
        )
    apply_changes(report, {"status": status, "decided_on": day, "decision_note": note})
    if status == ReportStatus.returned:
        touch(grant)  # the year's report is due again
    audit.label_next_flush(session, "approve" if status == ReportStatus.approved else "return")
    await session.flush()
    return await report_view(session, report)


# Payments


async def pay(
    session: AsyncSession, principal: Principal, grant_id: UUID, data: PaymentCreate
) -> Payment:
    """Reimburse an approved report: never beyond what it approved, nor beyond the grant."""
    grant = await get_grant(session, principal, grant_id, for_update=True)
    report = await session.get(Report, data.report_id)
    if report is None or report.grant_id != grant.id or report.status != ReportStatus.approved:
        state = "" if report is None or report.grant_id != grant.id else f" ({report.status})"
        raise RuleViolation(
            PAYMENT_AFTER_APPROVED_REPORT,
            f"Report {data.report_id} is no approved report of this grant{state}.",
            pointer="/report_id",
        )
    assert report.decided_on is not None
    if data.paid_on < report.decided_on:
        raise RuleViolation(
            PAYMENT_AFTER_APPROVED_REPORT,
            f"The report was approved on {report.decided_on}; it is paid after that.",
            pointer="/paid_on",
        )
    approved = (await report_view(session, report)).total
    paid_for_report = await _paid(session, grant.id, report.id)
    if paid_for_report + data.amount.amount > approved:
        raise RuleViolation(
            PAYMENT_BEYOND_APPROVED,
            f"The report approved {approved} SEK, of which {paid_for_report} is paid.",
            pointer="/amount",
        )
    # Never more than the grant follows: paid <= approved <= reported <= the lines, which sum to
    # the grant, and no amendment goes below what is reported or paid.
    payment = Payment(
        grant_id=grant.id,
        report_id=report.id,
        amount=data.amount.amount,
        paid_on=data.paid_on,
        reference=data.reference,
    )
    session.add(payment)
    await session.flush()
    await session.refresh(payment)
    return payment


async def payments_of(session: AsyncSession, principal: Principal, grant_id: UUID) -> list[Payment]:
    grant = await get_grant(session, principal, grant_id)
    return list(
        await session.scalars(
            select(Payment)
            .where(Payment.grant_id == grant.id)
            .order_by(col(Payment.paid_on), col(Payment.id))
        )
    )


@dataclass(frozen=True)
class LineFigures:
    line: GrantBudgetLine
    reported: Decimal
    approved: Decimal


@dataclass(frozen=True)
class BalanceView:
    grant: Grant
    lines: list[LineFigures]
    paid: Decimal

    @property
    def reported(self) -> Decimal:
        return sum((x.reported for x in self.lines), ZERO)

    @property
    def approved(self) -> Decimal:
        return sum((x.approved for x in self.lines), ZERO)


async def balance(session: AsyncSession, principal: Principal, grant_id: UUID) -> BalanceView:
    grant = await get_grant(session, principal, grant_id)
    lines = (await lines_of(session, [grant.id]))[grant.id]
    reported = await _reported_by_line(session, grant.id)
    approved = await _reported_by_line(session, grant.id, {ReportStatus.approved})
    return BalanceView(
        grant,
        [LineFigures(x, reported.get(x.id, ZERO), approved.get(x.id, ZERO)) for x in lines],
        await _paid(session, grant.id),
    )
