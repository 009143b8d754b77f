"""A grant's reports: the Swedish party accounts for each project year, ICLD approves or returns
(docs/funding.md). Filing locks the grant, so the checks against what is reported see what is
stored."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import today
from app.core.i18n import _
from app.core.principal import Principal
from app.core.scopes import ensure_can_write_in
from app.models.enums import ReportStatus
from app.models.funding import Grant, Report, ReportedCost
from app.rules.funding import check_report_costs, check_report_decision, check_report_year
from app.schemas.funding.grants import ReportCreate
from app.services.access import audit
from app.services.common import apply_changes, get_one, touch
from app.services.funding.grants import (
    NOT_RETURNED,
    ZERO,
    get_grant,
    lines_of,
    reported_by_line,
)
from app.services.partnerships.partnerships import get_owned


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
        session,
        stmt,
        _("No report {report_id} of grant {grant_id}.", report_id=report_id, grant_id=grant_id),
        for_update=for_update,
    )
    return grant, report


async def report_view(session: AsyncSession, report: Report) -> ReportView:
    return (await _report_views(session, [report]))[0]


async def file_report(
    session: AsyncSession, principal: Principal, grant_id: UUID, data: ReportCreate
) -> ReportView:
    """The Swedish party accounts for a project year: its costs on that year's budget lines,
    never beyond a line (with what earlier reports put on it)."""
    partnership, grant = await get_owned(session, principal, Grant, grant_id, for_update=True)
    ensure_can_write_in(principal, partnership.swedish_party_id)
    filed = await session.scalar(
        select(Report.id).where(
            Report.grant_id == grant.id,
            Report.kind == data.kind,
            Report.year == data.year,
            NOT_RETURNED,
        )
    )
    check_report_year(
        data.kind,
        data.year,
        grant.starts,
        grant.ends,
        grant.postponed_days,
        grant.closed_on,
        filed,
    )
    check_report_costs(
        data.year,
        [(cost.budget_line_id, cost.sek) for cost in data.costs],
        {line.id: line for line in (await lines_of(session, [grant.id]))[grant.id]},
        await reported_by_line(session, grant.id),
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
    day = decided_on or today()
    check_report_decision(report.status, report.submitted_on, day)
    apply_changes(report, {"status": status, "decided_on": day, "decision_note": note})
    if status == ReportStatus.returned:
        touch(grant)  # the year's report is due again
    audit.label_next_flush(session, "approve" if status == ReportStatus.approved else "return")
    await session.flush()
    return await report_view(session, report)
