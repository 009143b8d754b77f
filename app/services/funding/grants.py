"""Grants: decisions, amendments and the balance derived from them and from the reports and
payments (docs/funding.md; reports and payments in their own modules). Every change of a grant's
money locks the grant (after its partnership), so the checks against reported and paid sums see
what is stored."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.errors import NOT_FOUND, ProblemError
from app.core.i18n import _
from app.core.paging import Links, PageParams, Sorting, sorted_page
from app.core.periods import nominal_end
from app.core.principal import Principal
from app.core.scopes import Scoped, Shape, for_caller, partnership_in_scope
from app.db import reads
from app.models.enums import ApplicationKind, GrantStatus, ReportKind, ReportStatus
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
    check_budget,
    check_budget_years,
    check_close_out,
    check_extension,
    check_grant_application,
    check_grant_open,
    check_not_below_reported,
    check_report_year,
    nominal_years,
    reallocate_lines,
    reduce_lines,
    reports_due,
)
from app.schemas.funding.grants import (
    CloseOut,
    Extension,
    GrantCreate,
    Postponement,
    Reallocation,
    Reduction,
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
GrantRecord = Grant | sa.Row[Any] | reads.Record
_GRANTS: sa.Table = Grant.__table__  # type: ignore[attr-defined]
_LINES: sa.Table = GrantBudgetLine.__table__  # type: ignore[attr-defined]
_REPORTS: sa.Table = Report.__table__  # type: ignore[attr-defined]
_PARTNERSHIPS: sa.Table = Partnership.__table__  # type: ignore[attr-defined]
_ORGANISATIONS: sa.Table = Organisation.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class GrantLine:
    """A budget line as a grant's answer shows it."""

    id: UUID
    category: str
    year: int
    description: str | None
    original_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class GrantView:
    grant: GrantRecord
    lines: list[GrantLine]
    reports_due: list[Due]
    recipient: tuple[UUID, str]  # the Swedish party: its id and name


# Reading


def _in_scope(principal: Scoped) -> Any:
    return partnership_in_scope(principal, _GRANTS.c.partnership_id)


SORTING = Sorting(
    "grants",
    {
        "decided_on": _GRANTS.c.decided_on,
        "created_at": _GRANTS.c.created_at,
        "updated_at": _GRANTS.c.updated_at,
    },
    default=("decided_on",),
    unique=_GRANTS.c.id,
    updated=_GRANTS.c.updated_at,
)


# A grant with what its answer shows beside it, in one statement: its Swedish party (through
# aliases, so that a scope's subquery of partnerships is not correlated with them), its budget
# lines as arrays in their order, and its reports filed (not returned) as arrays.
_LINE_FIELDS = ("id", "category", "year", "description", "original_amount", "amount")
_BUDGET = (
    sa.select(
        *(
            sa.func.array_agg(
                aggregate_order_by(_LINES.c[name], _LINES.c.year, _LINES.c.position, _LINES.c.id)
            ).label(f"line_{name}")
            for name in _LINE_FIELDS
        )
    )
    .where(_LINES.c.grant_id == _GRANTS.c.id)
    .lateral("budget")
)
_FILED = (
    sa.select(
        sa.func.array_agg(_REPORTS.c.kind).label("filed_kind"),
        sa.func.array_agg(_REPORTS.c.year).label("filed_year"),
        sa.func.array_agg(_REPORTS.c.id).label("filed_id"),
    )
    .where(_REPORTS.c.grant_id == _GRANTS.c.id, NOT_RETURNED)
    .lateral("filed")
)
_PARTY = _PARTNERSHIPS.alias("party")
_RECIPIENT = _ORGANISATIONS.alias("recipient")
_READ = sa.select(
    _GRANTS,
    _RECIPIENT.c.id.label("recipient_id"),
    _RECIPIENT.c.name.label("recipient_name"),
    *_BUDGET.c,
    *_FILED.c,
).select_from(
    _GRANTS.join(_PARTY, _PARTY.c.id == _GRANTS.c.partnership_id)
    .join(_RECIPIENT, _RECIPIENT.c.id == _PARTY.c.swedish_party_id)
    .join(_BUDGET, sa.true())  # an aggregate's one row, lines or none
    .join(_FILED, sa.true())
)


async def list_grants(
    session: AsyncSession,
    principal: Principal,
    page: PageParams,
    partnership_id: UUID | None = None,
    status: GrantStatus | None = None,
) -> tuple[list[GrantView], Links]:
    """A page of grants with their lines, due reports and Swedish parties, in one statement,
    read raw (`app.db.reads`)."""
    where = [_in_scope(principal)]
    if partnership_id:
        where.append(_GRANTS.c.partnership_id == partnership_id)
    if status:
        where.append(_GRANTS.c.status == status)
    # Counted without the lines, reports and party (every grant has one Swedish party).
    counted = sa.select(_GRANTS.c.id).where(*where)
    rows: list[reads.Record]
    rows, cursor = await sorted_page(
        session, _READ.where(*where), SORTING, page, raw=True, count_from=counted
    )
    return [_view(row, row) for row in rows], cursor


async def get_grant(
    session: AsyncSession, principal: Principal, grant_id: UUID, *, for_update: bool = False
) -> Grant:
    """A grant to change or to compute from (an ORM object)."""
    _, grant = await get_owned(session, principal, Grant, grant_id, for_update=for_update)
    return grant


@reads.prepared
def _by_id(scope: Shape) -> sa.Select[Any]:
    return _READ.where(_GRANTS.c.id == sa.bindparam("id"), _in_scope(scope))


async def read_grant(session: AsyncSession, principal: Principal, grant_id: UUID) -> GrantView:
    """A grant to answer with, in the caller's scope: one statement, prepared per shape of
    scope, read raw (`app.db.reads`)."""
    stmt, params = for_caller(_by_id, principal, id=grant_id)
    row = await reads.fetch_one(session, stmt, params)
    if row is None:
        raise ProblemError(NOT_FOUND, _("No grant {grant_id}.", grant_id=grant_id))
    return _view(row, row)


async def views(session: AsyncSession, grants: Sequence[GrantRecord]) -> list[GrantView]:
    """Lines, due reports and Swedish parties of several grants, in one statement."""
    rows = await session.execute(_READ.where(_GRANTS.c.id.in_([g.id for g in grants])))
    read = {row.id: row for row in rows}
    return [_view(g, read[g.id]) for g in grants]


def _view(grant: GrantRecord, row: sa.Row[Any] | reads.Record) -> GrantView:
    """A grant's view from a row of `_READ` (the grant itself, or its ORM object)."""
    lines = zip(*(getattr(row, f"line_{name}") or () for name in _LINE_FIELDS), strict=True)
    filed = zip(row.filed_kind or (), row.filed_year or (), row.filed_id or (), strict=True)
    reports = {(kind, year): report_id for kind, year, report_id in filed}
    return GrantView(
        grant=grant,
        lines=[GrantLine(*line) for line in lines],
        reports_due=[
            Due(kind, year, due_on, reports.get((kind, year)))
            for kind, year, due_on in reports_due(grant.starts, grant.ends, grant.postponed_days)
        ],
        recipient=(row.recipient_id, row.recipient_name),
    )


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
    """`grant-application`, from the application named and whether it has a grant."""
    assert data.application_id is not None
    application = await session.get(Application, data.application_id)
    granted = application is not None and bool(
        await session.scalar(select(Grant.id).where(Grant.application_id == application.id))
    )
    check_grant_application(
        data.application_id, application, data.partnership_id, data.kind, granted
    )


async def reported_by_line(
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


async def paid(session: AsyncSession, grant_id: UUID) -> Decimal:
    """What is paid on the grant."""
    stmt = select(sa.func.coalesce(sa.func.sum(Payment.amount), 0)).where(
        Payment.grant_id == grant_id
    )
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
    partnership, grant = await get_owned(session, principal, Grant, grant_id, for_update=True)
    check_grant_open(grant.status, grant.closed_on)
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
            check_extension(
                grant.kind, grant.starts, grant.ends, grant.postponed_days, body.new_end, final
            )
            ends = body.new_end
            _extend(grant, body, lines, session)
        case Postponement():
            ends = grant.ends + timedelta(days=body.days)
            postponed += body.days
        case Reallocation():
            moves = [(m.from_line_id, m.to_line_id, m.amount.amount) for m in body.moves]
            _set_amounts(lines, reallocate_lines({line.id: line.amount for line in lines}, moves))
        case Reduction():
            cuts = [(cut.line_id, cut.amount.amount) for cut in body.reductions]
            _set_amounts(lines, reduce_lines({line.id: line.amount for line in lines}, cuts))
        case CloseOut():
            await _close_out(session, grant, body, lines)
            ends = body.closes_on
            changes |= {"status": GrantStatus.closed, "closed_on": body.closes_on}
    amount = sum((line.amount for line in lines), ZERO)
    check_not_below_reported(
        lines, await reported_by_line(session, grant.id), amount, await paid(session, grant.id)
    )
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
    """The lines an extension adds, in the years the grant then has (counted without its
    postponements), to the line of the same category and year or as a new one."""
    years = len(nominal_years(grant.starts, body.new_end, grant.postponed_days))
    check_budget_years(
        [addition.year for addition in body.additions], years, "the extended grant", "/additions"
    )
    for addition in body.additions:
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


def _set_amounts(lines: list[GrantBudgetLine], amounts: dict[UUID, Decimal]) -> None:
    for line in lines:
        if line.amount != amounts[line.id]:
            line.amount = amounts[line.id]


async def _close_out(
    session: AsyncSession, grant: Grant, body: CloseOut, lines: list[GrantBudgetLine]
) -> None:
    """The grant ends early: the years after the closing one are cancelled, their lines go to
    zero (a negative commitment), and none of them may have a report."""
    latest = await session.scalar(
        select(sa.func.max(Report.year)).where(Report.grant_id == grant.id, NOT_RETURNED)
    )
    years = check_close_out(grant.starts, grant.ends, grant.postponed_days, body.closes_on, latest)
    # The reports it keeps still cover a year of the shorter grant: an interim report on what
    # is now its last year would leave no place for the final one (`report-year`).
    for kind, year in await session.execute(
        select(Report.kind, Report.year).where(Report.grant_id == grant.id, NOT_RETURNED)
    ):
        check_report_year(
            kind,
            year,
            grant.starts,
            body.closes_on,
            grant.postponed_days,
            None,
            None,
            "/closes_on",
        )
    for line in lines:
        if line.year > years:
            line.amount = ZERO


async def get_amendment(
    session: AsyncSession, principal: Principal, grant_id: UUID, amendment_id: UUID
) -> Amendment:
    grant = await get_grant(session, principal, grant_id)
    stmt = select(Amendment).where(Amendment.id == amendment_id, Amendment.grant_id == grant.id)
    found: Amendment = await get_one(
        session,
        stmt,
        _(
            "No amendment {amendment_id} of grant {grant_id}.",
            amendment_id=amendment_id,
            grant_id=grant_id,
        ),
    )
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


# Balance


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
    reported = await reported_by_line(session, grant.id)
    approved = await reported_by_line(session, grant.id, {ReportStatus.approved})
    return BalanceView(
        grant,
        [LineFigures(x, reported.get(x.id, ZERO), approved.get(x.id, ZERO)) for x in lines],
        await paid(session, grant.id),
    )
