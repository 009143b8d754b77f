"""The programme's funding figures: overdue reports and ending grants (alerts, and the
partnership's compliance view), the yearly summary, and CSV for the finance office."""

import csv
import io
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal
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
from app.schemas.funding.figures import EndingGrant, FundingSummary, OverdueReport, SummaryRow
from app.services.funding.grants import NOT_RETURNED

ZERO = Decimal(0)
Dialect = Literal["rfc4180", "excel-sv"]


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


async def summary(session: AsyncSession, year: int) -> FundingSummary:
    """The grants decided in `year` and the payments made in it, by partner country, funding
    region, kind and theme. Each breakdown reconciles to the totals."""
    first, last = date(year, 1, 1), date(year, 12, 31)
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


# CSV


def _cell(value: object, dialect: Dialect) -> object:
    """Amounts with two decimals (a decimal comma for a Swedish spreadsheet); text that a
    spreadsheet would run as a formula (=, +, -, @, tab, CR) is quoted with a leading
    apostrophe, so that a name typed into the API cannot act in the finance office's sheet."""
    if isinstance(value, Decimal):
        text = f"{value:.2f}"
        return text.replace(".", ",") if dialect == "excel-sv" else text
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def to_csv(header: list[str], rows: Iterable[Sequence[object]], dialect: Dialect) -> str:
    """RFC 4180 (comma, decimal point) or, for a Swedish spreadsheet, semicolons and decimal
    commas. A byte-order mark tells spreadsheets it is UTF-8."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";" if dialect == "excel-sv" else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v, dialect) for v in row])
    return out.getvalue()


async def grants_csv(session: AsyncSession, year: int | None, dialect: Dialect) -> str:
    stmt = (
        select(Grant, Partnership.title, Organisation.name)
        .join(Partnership, col(Partnership.id) == col(Grant.partnership_id))
        .join(Organisation, col(Organisation.id) == col(Partnership.swedish_party_id))
        .order_by(col(Grant.decided_on), col(Grant.reference))
    )
    if year:
        stmt = stmt.where(col(Grant.decided_on).between(date(year, 1, 1), date(year, 12, 31)))
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
    header = [
        "reference", "kind", "status", "partnership", "swedish_party", "partner_country",
        "decided_on", "starts", "original_ends", "ends", "original_amount_sek", "amount_sek",
        "paid_sek", "remaining_sek",
    ]  # fmt: skip
    return to_csv(
        header,
        (
            [
                g.reference,
                g.kind,
                g.status,
                title,
                swedish,
                keys[g.id].country,
                g.decided_on,
                g.starts,
                g.original_ends,
                g.ends,
                g.original_amount,
                g.amount,
                paid.get(g.id, ZERO),
                g.amount - paid.get(g.id, ZERO),
            ]
            for g, title, swedish in rows
        ),
        dialect,
    )


async def payments_csv(session: AsyncSession, year: int | None, dialect: Dialect) -> str:
    stmt = (
        select(Payment, Grant.reference, Report.kind, Report.year)
        .join(Grant, col(Grant.id) == col(Payment.grant_id))
        .join(Report, col(Report.id) == col(Payment.report_id))
        .order_by(col(Payment.paid_on), col(Payment.reference))
    )
    if year:
        stmt = stmt.where(col(Payment.paid_on).between(date(year, 1, 1), date(year, 12, 31)))
    header = ["paid_on", "reference", "grant_reference", "report_kind", "report_year", "amount_sek"]
    return to_csv(
        header,
        (
            [p.paid_on, p.reference, grant_ref, kind, report_year, p.amount]
            for p, grant_ref, kind, report_year in await session.execute(stmt)
        ),
        dialect,
    )


def summary_csv(figures: FundingSummary, dialect: Dialect) -> str:
    rows: list[Sequence[object]] = [
        ["total", "all", figures.grants, figures.decided.amount, figures.paid.amount]
    ]
    for dimension, breakdown in (
        ("country", figures.by_country),
        ("region", figures.by_region),
        ("kind", figures.by_kind),
        ("theme", figures.by_theme),
    ):
        rows += [[dimension, r.key, r.grants, r.decided.amount, r.paid.amount] for r in breakdown]
    return to_csv(["dimension", "key", "grants", "decided_sek", "paid_sek"], rows, dialect)
