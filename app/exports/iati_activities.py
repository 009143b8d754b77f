"""The programme's grants as IATI 2.03 activities (DOMAIN.md §8): one activity per published
partnership with a grant, one child activity per grant. Gathers the figures; app/exports/iati.py
writes the XML. Published data: organisations, places and amounts; never people, nor free text
they typed."""

from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from uuid import UUID

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from app.clock import today
from app.core.errors import NOT_CONFIGURED, NOT_FOUND, ProblemError
from app.core.i18n import _
from app.core.periods import nominal_end
from app.exports import iati
from app.exports.iati_sectors import sectors_for
from app.models.enums import ReportKind, ReportStatus
from app.models.funding import (
    Amendment,
    Grant,
    GrantBudgetLine,
    Payment,
    Report,
    ReportedCost,
)
from app.models.organisations import Organisation
from app.models.partnerships import Partnership, PartnershipPartner
from app.rules.funding import nominal_years
from app.settings import Settings

PIPELINE, IMPLEMENTATION, FINALISATION, CLOSED, SUSPENDED = "1", "2", "3", "4", "6"
ZERO = Decimal(0)


async def activities(
    session: AsyncSession, settings: Settings, partnership_id: UUID | None = None
) -> bytes:
    """Every published partnership with a grant (or the one asked for), validated against the
    XSD before it leaves: an export the official schema refuses is a bug, not a file to
    publish. With nothing published yet the file is the bare `iati-activities` root, so that
    the IATI Registry's fetch of it never fails; the 2.03 XSD wants one activity at least, so
    that one document is not validated (docs/funding.md, "IATI")."""
    ref = settings.iati_reporting_org_ref
    if ref is None:
        raise ProblemError(
            NOT_CONFIGURED, _("Set IATI_REPORTING_ORG_REF to ICLD's IATI organisation identifier.")
        )
    # Published partnerships only: publishing is ICLD's decision to show a partnership to
    # everyone (docs/access-control.md), and the IATI file is public.
    stmt = (
        select(Partnership)
        .where(
            col(Partnership.id).in_(select(Grant.partnership_id)),
            col(Partnership.published_at).is_not(None),
        )
        .order_by(col(Partnership.title), col(Partnership.id))
    )
    if partnership_id:
        stmt = stmt.where(Partnership.id == partnership_id)
    partnerships = list(await session.scalars(stmt))
    if not partnerships and partnership_id:
        raise ProblemError(
            NOT_FOUND,
            _(
                "No published partnership {partnership_id} with a grant.",
                partnership_id=partnership_id,
            ),
        )
    data = await _gather(session, [p.id for p in partnerships]) if partnerships else _Data()
    on = today()
    built = [_partnership(p, data, ref, settings.public_base_url, on) for p in partnerships]
    xml = iati.activities_xml(
        built,
        reporting_org=iati.Org("ICLD", ref=ref, type=settings.iati_reporting_org_type),
        generated_at=datetime.now(UTC),
    )
    if built:
        iati.validate(xml)
    return xml


class _Data:
    def __init__(self) -> None:
        self.grants: dict[UUID, list[Grant]] = defaultdict(list)
        self.lines: dict[UUID, list[GrantBudgetLine]] = defaultdict(list)
        self.amendments: dict[UUID, list[Amendment]] = defaultdict(list)
        self.payments: dict[UUID, list[Payment]] = defaultdict(list)
        # Grants whose final report is approved and paid in full (or has nothing to pay).
        self.reimbursed: set[UUID] = set()
        # The last change of each grant with its reports, payments and amendments.
        self.changed: dict[UUID, datetime] = {}
        self.organisations: dict[UUID, Organisation] = {}
        self.partners: dict[UUID, list[UUID]] = defaultdict(list)


async def _gather(session: AsyncSession, ids: list[UUID]) -> _Data:
    """Everything the export needs, a query per kind of row whatever the number of grants."""
    data = _Data()
    for g in await session.scalars(
        select(Grant)
        .where(col(Grant.partnership_id).in_(ids))
        .order_by(col(Grant.starts), col(Grant.id))
    ):
        data.grants[g.partnership_id].append(g)
    grant_ids = [g.id for gs in data.grants.values() for g in gs]
    for line in await session.scalars(
        select(GrantBudgetLine)
        .where(col(GrantBudgetLine.grant_id).in_(grant_ids))
        .order_by(col(GrantBudgetLine.year), col(GrantBudgetLine.position))
    ):
        data.lines[line.grant_id].append(line)
    for a in await session.scalars(
        select(Amendment)
        .where(col(Amendment.grant_id).in_(grant_ids))
        .order_by(col(Amendment.created_at), col(Amendment.id))
    ):
        data.amendments[a.grant_id].append(a)
    for pay in await session.scalars(
        select(Payment)
        .where(col(Payment.grant_id).in_(grant_ids))
        .order_by(col(Payment.paid_on), col(Payment.id))
    ):
        data.payments[pay.grant_id].append(pay)
    reports = list(await session.scalars(select(Report).where(col(Report.grant_id).in_(grant_ids))))
    costs = {
        report_id: total
        for report_id, total in await session.execute(
            select(ReportedCost.report_id, sa.func.sum(ReportedCost.amount))
            .where(col(ReportedCost.report_id).in_([r.id for r in reports]))
            .group_by(col(ReportedCost.report_id))
        )
    }
    for r in reports:
        paid = sum((p.amount for p in data.payments[r.grant_id] if p.report_id == r.id), ZERO)
        final = r.kind == ReportKind.final and r.status == ReportStatus.approved
        if final and paid >= costs.get(r.id, ZERO):
            data.reimbursed.add(r.grant_id)
    for gs in data.grants.values():
        for g in gs:
            stamps = [g.updated_at, *(r.updated_at for r in reports if r.grant_id == g.id)]
            stamps += [p.updated_at for p in data.payments[g.id]]
            stamps += [a.created_at for a in data.amendments[g.id]]
            data.changed[g.id] = max(t for t in stamps if t is not None)
    for partnership_id, organisation_id in await session.execute(
        select(PartnershipPartner.partnership_id, PartnershipPartner.organisation_id)
        .where(col(PartnershipPartner.partnership_id).in_(ids))
        .order_by(col(PartnershipPartner.organisation_id))
    ):
        data.partners[partnership_id].append(organisation_id)
    swedish = select(Partnership.swedish_party_id).where(col(Partnership.id).in_(ids))
    partner_ids = {o for os in data.partners.values() for o in os}
    for o in await session.scalars(
        select(Organisation).where(
            col(Organisation.id).in_(swedish) | col(Organisation.id).in_(partner_ids)
        )
    ):
        data.organisations[o.id] = o
    return data


def _org(organisation: Organisation) -> iati.Org:
    """A Swedish body by its organisationsnummer (SE-ON) where it is known, else by name."""
    return iati.Org(organisation.name, ref=iati.swedish_org_ref(organisation.org_number))


def _grant_status(grant: Grant, reimbursed: bool, on: date) -> str:
    """DOMAIN.md §8: granted and running 2 (decided, started or not), in the time a
    postponement added 6, ended with the final report not yet reimbursed 3, reimbursed 4."""
    if on > grant.ends:
        return CLOSED if reimbursed else FINALISATION
    if nominal_end(grant.ends, grant.postponed_days) < on:
        return SUSPENDED
    return IMPLEMENTATION


def _grant(grant: Grant, data: _Data, ref: str, on: date) -> iati.GrantActivity:
    lines = data.lines[grant.id]
    revised = any(x.amount != x.original_amount for x in lines)
    budgets = []
    # Budget periods of at most 12 months (DOMAIN.md §8): the project years without the time
    # postponements added, which is not budgeted again.
    nominal = nominal_years(grant.starts, grant.ends, grant.postponed_days)
    for n, (first, last) in enumerate(nominal, start=1):
        value = sum((x.amount for x in lines if x.year == n), ZERO)
        if value:
            budgets.append(
                iati.Budget(
                    period_start=first,
                    period_end=last,
                    value=value,
                    type="2" if revised else "1",
                    status="2",
                )
            )
    transactions = [
        iati.Transaction(
            type=iati.COMMITMENT,
            on=grant.decided_on,
            value=grant.original_amount,
            description=f"Grant decision {grant.reference}",
        )
    ]
    transactions += [
        iati.Transaction(
            type=iati.COMMITMENT,
            on=a.decided_on,
            value=a.amount_change,
            description=f"Amendment {a.reference} ({a.kind})",
        )
        for a in data.amendments[grant.id]
        if a.amount_change
    ]
    transactions += [
        iati.Transaction(
            type=iati.REIMBURSEMENT,
            on=p.paid_on,
            value=p.amount,
            description=f"Reimbursement {p.reference}",
        )
        for p in data.payments[grant.id]
    ]
    ended = on > grant.ends
    return iati.GrantActivity(
        identifier=f"{ref}-{grant.id}",
        title=f"{grant.kind.capitalize()} grant {grant.reference}",
        description=f"ICLD's {grant.kind} grant {grant.reference}, decided {grant.decided_on}.",
        status=_grant_status(grant, grant.id in data.reimbursed, on),
        dates=iati.Dates(
            planned_start=grant.starts,
            actual_start=grant.starts if on >= grant.starts else None,
            planned_end=grant.ends,
            actual_end=grant.ends if ended else None,
        ),
        budgets=tuple(budgets),
        transactions=tuple(transactions),
        last_updated=data.changed[grant.id],
    )


def _partnership(
    p: Partnership, data: _Data, ref: str, base_url: str | None, on: date
) -> iati.PartnershipActivity:
    grants = [_grant(g, data, ref, on) for g in data.grants[p.id]]
    own = data.grants[p.id]
    first_start, last_end = min(g.starts for g in own), max(g.ends for g in own)
    ended = last_end < on  # every grant has ended
    statuses = {g.status for g in grants}
    if not ended:
        status = IMPLEMENTATION
    elif statuses == {CLOSED}:
        status = CLOSED
    else:
        status = FINALISATION
    partners = [data.organisations[o] for o in data.partners[p.id]]
    documents = []
    if p.published_at and base_url:
        documents.append(
            iati.DocumentLink(
                url=f"{base_url.rstrip('/')}/api/v1/public/partnerships/{p.id}",
                title=f"{p.title}: public summary",
                category="A02",
                format="application/json",
                document_date=p.published_at.date(),
            )
        )
    return iati.PartnershipActivity(
        identifier=f"{ref}-{p.id}",
        title=_narrative(p, "title"),
        description=_description(p),
        status=status,
        dates=iati.Dates(
            planned_start=first_start,
            actual_start=first_start if first_start <= on else None,
            planned_end=last_end,
            actual_end=last_end if ended else None,
        ),
        swedish_party=_org(data.organisations[p.swedish_party_id]),
        # Partner-side bodies have no identifier in the register: they are named only.
        partners=tuple(iati.Org(o.name) for o in partners),
        recipient_countries=tuple(sorted({o.country_code for o in partners})),
        sectors=sectors_for(p.themes),
        grants=tuple(grants),
        documents=tuple(documents),
        # Results are free text typed by the partnerships and not published with the public
        # summary: they stay out of the public file until ICLD publishes them.
        last_updated=max(
            [data.changed[g.id] for g in own] + ([p.updated_at] if p.updated_at else [])
        ),
    )


def _narrative(p: Partnership, field: str) -> iati.Narrative:
    """A partnership's text in its main language, with each translation of it (docs/
    languages-content.md): the file names every language a narrative is in."""
    translated = tuple(
        (language, texts[field])
        for language, texts in sorted(p.translations.items())
        if language != p.language and texts.get(field)
    )
    return iati.Narrative(getattr(p, field), p.language, translated)


def _description(p: Partnership) -> iati.Narrative:
    """The XSD requires a description: without one, the local challenge (which has no
    translations), else the title."""
    if p.description:
        return _narrative(p, "description")
    if p.local_challenge:
        return iati.Narrative(p.local_challenge, p.language)
    return _narrative(p, "title")
