"""A grant's payments: ICLD reimburses approved reports, in arrears (docs/funding.md). Paying
locks the grant, so the check against what is paid sees what is stored."""

from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.core.i18n import _
from app.core.principal import Principal
from app.models.funding import Payment, Report, ReportedCost
from app.rules.funding import check_payment_amount, check_payment_report
from app.schemas.funding.grants import PaymentCreate
from app.services.common import get_one
from app.services.funding.grants import get_grant


async def pay(
    session: AsyncSession, principal: Principal, grant_id: UUID, data: PaymentCreate
) -> Payment:
    """Reimburse an approved report: never beyond what it approved, nor beyond the grant.

    Four statements: the grant and its partnership locked (one statement), then the report
    with what it approved and what is paid on it (one statement, after the lock, so it sees
    every payment committed before), then the flush's two (the audit hook's audit and outbox
    events in one, then the payment's INSERT). The INSERT returns the database's defaults: the
    answer needs no read after it. What a report approved is the sum of its costs, as
    `ReportView.total` sums them for its answer."""
    grant = await get_grant(session, principal, grant_id, for_update=True)
    approved = sa.func.coalesce(sa.func.sum(ReportedCost.amount), 0)
    paid_on_it = sa.func.coalesce(sa.func.sum(Payment.amount), 0)
    found = (
        await session.execute(
            select(
                Report,
                select(approved)
                .where(ReportedCost.report_id == Report.id)
                .scalar_subquery()
                .label("approved"),
                select(paid_on_it)
                .where(Payment.grant_id == grant.id, Payment.report_id == Report.id)
                .scalar_subquery()
                .label("paid"),
            ).where(Report.id == data.report_id)
        )
    ).first()
    report = None if found is None else found[0]
    check_payment_report(data.report_id, report, grant.id, data.paid_on)
    assert found is not None and report is not None
    check_payment_amount(Decimal(found.approved), Decimal(found.paid), data.amount.amount)
    payment = Payment(
        grant_id=grant.id,
        report_id=report.id,
        amount=data.amount.amount,
        paid_on=data.paid_on,
        reference=data.reference,
    )
    session.add(payment)
    await session.flush()
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


async def get_payment(
    session: AsyncSession, principal: Principal, grant_id: UUID, payment_id: UUID
) -> Payment:
    grant = await get_grant(session, principal, grant_id)
    stmt = select(Payment).where(Payment.id == payment_id, Payment.grant_id == grant.id)
    found: Payment = await get_one(
        session,
        stmt,
        _("No payment {payment_id} of grant {grant_id}.", payment_id=payment_id, grant_id=grant_id),
    )
    return found
