"""The programme's funding figures: overdue reports and ending grants (alerts, and the
partnership's compliance view), the yearly summary, and the rows of the finance office's CSV
(app/exports/funding_csv.py writes them)."""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.models.countries import Country
from app.models.enums import GrantStatus
from app.models.funding import Grant, Payment, Report
from app.models.organisations import Organisation
from app.models.partnerships import Partnership, PartnershipPartner
from app.rules.funding import is_overdue, reports_due
from app.schemas.funding.applications import sek
from app.schemas.funding.figures import EndingGrant, FundingSummary, SummaryRow
from app.schemas.partnerships.compliance import OverdueReport
from app.services.funding.grants import NOT_RETURNED

ZERO = Decimal(0)


async def overdue_reports(
    session: AsyncSession, on: date, partnership_ids: Sequence[UUID] | None = None
) -> list[OverdueReport]:
    """Reports due before `on` with none filed (a returned report does not count)."""
    stmt = select(Grant, Partnership.title).join(
        Partnership, col(Partnership.id) == col(Grant.partnership_id)
    )
    if partnership_ids is not None:
        stmt = stmt.where(col(Grant.partnership_id).in_(partnership_ids))
    rows = list(await session.execute(stmt))
    filed = {
        (grant_id, kind, year)
        for grant_id, kind, year in await session.execute(
            select(Report.grant_id, Report.kind, Report.year).where(
                col(Report.grant_id).in_([g.id for g, _ in rows]),
                NOT_RETURNED,
                col(Report.submitted_on) <= on,  # judged as on that day
            )
        )
    }
    overdue = [
        OverdueReport(
            grant_id=grant.id,
            reference=grant.reference,
            partnership_id=grant.partnership_id,
            partnership_title=title,
            kind=kind,
            year=year,
            due_on=due_on,
            days_overdue=(on - due_on).days,
        )
        for grant, title in rows
        for kind, year, due_on in reports_due(grant.starts, grant.ends, grant.postponed_days)
        if is_overdue(due_on, on, (grant.id, kind, year) in filed)
    ]
    return sorted(overdue, key=lambda r: (r.due_on, r.reference, r.year))


async def ending_soon(session: AsyncSession, on: date, within_days: int) -> list[EndingGrant]:
    rows = await session.execute(
        select(Grant, Partnership.title)
        .join(Partnership, col(Partnership.id) == col(Grant.partnership_id))
        .where(
            Grant.status == GrantStatus.active,
            col(Grant.ends) >= on,
            col(Grant.ends) <= on + timedelta(days=within_days),
        )
        .order_by(col(Grant.ends), col(Grant.reference))
    )
    return [
        EndingGrant(
            grant_id=grant.id,
            reference=grant.reference,
            partnership_id=grant.partnership_id,
            partnership_title=title,
            ends=grant.ends,
            days_left=(grant.ends - on).days,
        )
        for grant, title in rows
    ]


@dataclass(frozen=True)
class Keys:
    """Where a grant counts in the summary."""

    country: str
    region: str
    kind: str
    theme: str


async def _keys(session: AsyncSession, grants: Iterable[Grant]) -> dict[UUID, Keys]:
    grants = list(grants)
    partnership_ids = {g.partnership_id for g in grants}
    # The first partner country by code, and that country's region (not another partner's).
    countries = {
        partnership_id: (country, region)
        for partnership_id, country, region in await session.execute(
            select(
                PartnershipPartner.partnership_id,
                Organisation.country_code,
                Country.funding_region,
            )
            .join(Organisation, col(Organisation.id) == col(PartnershipPartner.organisation_id))
            .join(Country, col(Country.code) == col(Organisation.country_code))
            .where(col(PartnershipPartner.partnership_id).in_(partnership_ids))
            .order_by(col(PartnershipPartner.partnership_id), col(Organisation.country_code))
            .ext(distinct_on(col(PartnershipPartner.partnership_id)))
        )
    }
    themes = {
        partnership_id: themes
        for partnership_id, themes in await session.execute(
            select(Partnership.id, Partnership.themes).where(
                col(Partnership.id).in_(partnership_ids)
            )
        )
    }
    keys = {}
    for g in grants:
        country, region = countries.get(g.partnership_id, ("none", None))
        theme = themes.get(g.partnership_id) or ["none"]
        keys[g.id] = Keys(country, region or "none", g.kind, theme[0])
    return keys


def _year(year: int) -> tuple[date, date]:
    """A calendar year's first and last day."""
    return date(year, 1, 1), date(year, 12, 31)


async def summary(session: AsyncSession, year: int) -> FundingSummary:
    """The grants decided in `year` and the payments made in it, by partner country, funding
    region, kind and theme. Each breakdown reconciles to the totals."""
    first, last = _year(year)
    decided = list(
        await session.scalars(select(Grant).where(col(Grant.decided_on).between(first, last)))
    )
    payments = list(
        await session.execute(
            select(col(Payment.amount), Grant)
            .join(Grant, col(Grant.id) == col(Payment.grant_id))
            .where(col(Payment.paid_on).between(first, last))
        )
    )
    keys = await _keys(session, [*decided, *(g for _, g in payments)])

    def breakdown(field: str) -> list[SummaryRow]:
        grants: dict[str, int] = defaultdict(int)
        amounts: dict[str, Decimal] = defaultdict(Decimal)
        paid: dict[str, Decimal] = defaultdict(Decimal)
        for g in decided:
            key = getattr(keys[g.id], field)
            grants[key] += 1
            amounts[key] += g.amount
        for amount, g in payments:
            paid[getattr(keys[g.id], field)] += amount
        return [
            SummaryRow(key=k, grants=grants[k], decided=sek(amounts[k]), paid=sek(paid[k]))
            for k in sorted(grants.keys() | paid.keys())
        ]

    return FundingSummary(
        year=year,
        grants=len(decided),
        decided=sek(sum((g.amount for g in decided), ZERO)),
        paid=sek(sum((amount for amount, _ in payments), ZERO)),
        by_country=breakdown("country"),
        by_region=breakdown("region"),
        by_kind=breakdown("kind"),
        by_theme=breakdown("theme"),
    )


# The finance office's CSV


@dataclass(frozen=True)
class GrantFigures:
    """A grant as the finance office's list shows it."""

    grant: Grant
    partnership_title: str
    swedish_party: str
    partner_country: str
    paid: Decimal


async def grant_figures(session: AsyncSession, year: int | None) -> list[GrantFigures]:
    """Every grant (decided in `year`, if given), by decision date, with what is paid on it."""
    stmt = (
        select(Grant, Partnership.title, Organisation.name)
        .join(Partnership, col(Partnership.id) == col(Grant.partnership_id))
        .join(Organisation, col(Organisation.id) == col(Partnership.swedish_party_id))
        .order_by(col(Grant.decided_on), col(Grant.reference))
    )
    if year:
        stmt = stmt.where(col(Grant.decided_on).between(*_year(year)))
    rows = list(await session.execute(stmt))
    keys = await _keys(session, [g for g, _, _ in rows])
    paid = dict(
        (grant_id, total)
        for grant_id, total in await session.execute(
            select(Payment.grant_id, sa.func.sum(Payment.amount))
            .where(col(Payment.grant_id).in_([g.id for g, _, _ in rows]))
            .group_by(col(Payment.grant_id))
        )
    )
    return [
        GrantFigures(g, title, swedish, keys[g.id].country, paid.get(g.id, ZERO))
        for g, title, swedish in rows
    ]


@dataclass(frozen=True)
class PaymentFigures:
    """A payment with the grant and the report it reimburses."""

    payment: Payment
    grant_reference: str
    report_kind: str
    report_year: int


async def payment_figures(session: AsyncSession, year: int | None) -> list[PaymentFigures]:
    """Every payment (made in `year`, if given), by date."""
    stmt = (
        select(Payment, Grant.reference, Report.kind, Report.year)
        .join(Grant, col(Grant.id) == col(Payment.grant_id))
        .join(Report, col(Report.id) == col(Payment.report_id))
        .order_by(col(Payment.paid_on), col(Payment.reference))
    )
    if year:
        stmt = stmt.where(col(Payment.paid_on).between(*_year(year)))
    return [
        PaymentFigures(p, grant_ref, kind, report_year)
        for p, grant_ref, kind, report_year in await session.execute(stmt)
    ]
